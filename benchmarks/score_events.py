"""Score marsad's events with the reference scorer on the seeds and the GSR dev files.

    python benchmarks/score_events.py [--verbose] [--out DIR]

Runs ``marsad extract`` in-process on the inputs that ``shared/eval/score.py input``
builds, then the scorer itself (``score.py events`` and ``score.py gsr``), and prints
one JSON line per score. Needs ../shared/.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import marsad

SHARED = Path(__file__).resolve().parents[2] / "shared"
EVAL = SHARED / "eval"


def scorer(*args: str) -> str:
    return subprocess.run([sys.executable, str(EVAL / "score.py"), *args], check=True, capture_output=True,
                          text=True).stdout


def extract(inp: Path, out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for doc in marsad.process_all(marsad.read([inp])):
            for event in doc.events:
                handle.write(json.dumps(event.as_dict(), ensure_ascii=False) + "\n")


def score_seeds(work: Path, verbose: bool) -> dict:
    inp, out = work / "seeds.in.jsonl", work / "seeds.out.jsonl"
    inp.write_text(scorer("input", "seeds", str(SHARED / "corpus" / "seeds"), str(EVAL / "seeds.gold.jsonl")),
                   encoding="utf-8")
    extract(inp, out)
    args = ["events", "--gold", str(EVAL / "seeds.gold.jsonl"), "--pred", str(out)]
    text = scorer(*args, *(["--verbose"] if verbose else []))
    if verbose:
        print(text)
    return json.loads(text.strip().splitlines()[-1])


def score_gsr(work: Path, name: str, etype: str, verbose: bool) -> dict:
    csv = EVAL / "gsr" / f"{name}_dev.csv"
    inp, out = work / f"{name}.in.jsonl", work / f"{name}.out.jsonl"
    inp.write_text(scorer("input", "gsr", str(csv), "--split", "all"), encoding="utf-8")
    extract(inp, out)
    text = scorer("gsr", "--csv", str(csv), "--split", "all", "--type", etype, "--pred", str(out),
                  *(["--verbose"] if verbose else []))
    if verbose:
        print(text)
    return json.loads(text.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--out", type=Path, help="keep inputs and outputs in this folder")
    parser.add_argument("--only", choices=["seeds", "assault", "protest"])
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="marsad-score-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "seeds"):
        print("seeds", json.dumps(score_seeds(work, args.verbose)))
    for name, etype in (("assault", "ASSAULT"), ("protest", "PROTEST")):
        if args.only in (None, name):
            print(f"gsr-{name}", json.dumps(score_gsr(work, name, etype, args.verbose)))


if __name__ == "__main__":
    main()
