"""The seed story end to end, as the README tells a newcomer to run it:
`marsad run ../shared/corpus/seeds --meta ../shared/eval/seeds.gold.jsonl` then
`marsad timeline --actor USA --recipient RUS --context terrorism`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from marsad.cli import cli
from marsad.outputs import timeline
from marsad.store import open_store


def test_seed_story_timeline_in_order(seeds_dir: Path, eval_dir: Path, tmp_path: Path):
    meta = eval_dir / "seeds.gold.jsonl"
    db = str(tmp_path / "seeds.db")
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", str(seeds_dir), "--db", db, "--meta", str(meta)])
    assert ran.exit_code == 0, ran.output
    with open_store(db) as store:
        frame = timeline(store, actor="USA", recipient="RUS", context="terrorism")
    dated = frame[frame["date"].notna()]
    assert list(dated["date"]) == sorted(dated["date"])

    def first(event_type: str, date_prefix: str):
        rows = dated[(dated["event_type"] == event_type) & dated["date"].str.startswith(date_prefix)]
        assert not rows.empty, f"no {event_type} dated {date_prefix}"
        return rows.iloc[0]

    ties_cut = first("SANCTION", "2014")  # military ties cut in 2014
    paris = first("AGREE", "2014-10")  # the Paris intelligence-sharing agreement, reported twice
    visit = first("CONSULT", "2016-07-14")  # Kerry's Moscow visit
    refusal = first("REJECT", "2017-02-21")  # no wider military cooperation
    listing = first("COOPERATE", "2019-05")  # the joint UN listing of ISIS-Khorasan
    assert paris["num_mentions"] == 2 and paris["direction"] == "USA+RUS"
    assert ties_cut.name < paris.name < visit.name < refusal.name < listing.name
    # the Geneva summit is read against a page header date that is not the article's: flagged
    geneva = dated[dated["evidence"].str.contains("جنيف") & (dated["event_type"] == "CONSULT")]
    assert not geneva.empty and all("unreliable" in c for c in geneva["certainty"])

    shown = runner.invoke(cli, ["timeline", "--db", db, "--actor", "USA", "--recipient", "RUS",
                                "--context", "terrorism"])
    assert shown.exit_code == 0 and "2017-02-21" in shown.output and "×2 mentions" in shown.output
