"""Actor coding accuracy on the GSR span annotations, and resolver speed (needs ../shared/).

    python benchmarks/eval_actors.py [--verbose]

For every annotated source/target span of ``gsr/*_spans_dev.json`` that has a country
or a sector, the mention marsad finds overlapping the span's words is compared with it:
country right (annotators' "None" = no country, so marsad must give none), sector right.
Spans where marsad finds no mention count as wrong.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from marsad.analyse.actors import resolve_doc
from marsad.analyse.kb import load_kb
from marsad.analyse.normalize import key
from marsad.analyse.tokens import analyse_text
from marsad.clean import clean_text

SHARED = Path(__file__).resolve().parents[2] / "shared"
PUNCTUATION = "«»\"“”'.,،؛;:!?؟()[]-ـ"


def spans(path: Path):
    for item in json.loads(path.read_text(encoding="utf-8")):
        seen = set()
        for sp in item["spans"]:
            for side in ("source", "target"):
                words, role = sp[f"{side}_actor"], sp[f"{side}_role"]
                if not words or not isinstance(role, dict):
                    continue
                main, sector = role.get("main"), role.get("role")
                if main in (None, "None") and sector in (None, "None"):
                    continue
                k = (tuple(words), main, sector)
                if k not in seen:
                    seen.add(k)
                    yield item["text"], words, (None if main == "None" else main), (None if sector == "None" else sector)


def word_keys(words) -> set[str]:
    """Folded keys of words without the punctuation annotators left on them (بوش». → بوش)."""
    keys = {key(w).strip(PUNCTUATION) for w in words}
    keys.discard("")
    return keys


def mention_for(mentions, text: str, words: list[str]):
    """The mention that covers the most of the span's words."""
    wanted = word_keys(words)
    best, best_n = None, 0
    for m in mentions:
        got = word_keys(text[m.start : m.end].split()) | word_keys(m.entity.text.split())
        n = len(wanted & {g for g in got} | {w for w in wanted for g in got if g.endswith(w) or w.endswith(g)})
        if n > best_n:
            best, best_n = m, n
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    load_kb()
    total = code_ok = sector_ok = found = with_sector = with_sector_ok = 0
    for name in ("assault_spans_dev.json", "protest_spans_dev.json"):
        for text, words, main, sector in spans(SHARED / "eval" / "gsr" / name):
            total += 1
            mentions = resolve_doc(analyse_text(text))
            m = mention_for(mentions, text, words)
            code = (m.entity.code or None) if m else None
            sec = (m.entity.sector or None) if m else None
            found += m is not None
            code_ok += code == main
            sector_ok += sec == sector
            with_sector += sector is not None
            with_sector_ok += sector is not None and sec == sector
            if args.verbose and (code != main or sec != sector):
                print(f"want {main}/{sector} got {code}/{sec} | {' '.join(words)} | {m.entity.text if m else '-'}")
    print(f"GSR spans: {total}; mention found {found / total:.1%}; country right {code_ok / total:.1%}; "
          f"sector right {sector_ok / total:.1%}")
    # the annotators often leave the sector empty where PLOVER gives one (al-Qaeda IMG/-,
    # warplanes USA/-): the sector where they did give one, for comparison
    print(f"  spans with an annotated sector: {with_sector}; sector right {with_sector_ok / with_sector:.1%}")
    with gzip.open(SHARED / "corpus" / "ant" / "ant_dev.jsonl.gz", "rt", encoding="utf-8") as handle:
        docs = [analyse_text(clean_text(json.loads(line)["text"]).text) for _, line in zip(range(2000), handle, strict=False)]
    started = time.perf_counter()
    n = sum(len(resolve_doc(sents)) for sents in docs)
    elapsed = time.perf_counter() - started
    print(f"resolver: {len(docs) / elapsed:.0f} articles/s ({n} mentions in {len(docs)} ANT articles, {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
