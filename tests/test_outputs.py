"""Exports, charts and the analysis commands, on real SQLite and PostgreSQL stores.

The small store is built from short sentences written for these tests: one agreement
reported by two outlets (one real event, two mentions), events dated to the day, the
month and the year, an undated one, and a quotation with a number.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from marsad.cli import cli
from marsad.outputs import analysis, plots
from marsad.outputs import export as ex
from marsad.pipeline import process
from marsad.store import open_store
from marsad.store.run import run
from marsad.types import Article

STORY = {
    # id: (outlet, published, text)
    "agree-1": ("outlet-1", "2016-03-06", "اتفقت موسكو وواشنطن يوم 5 مارس 2016 على تبادل المعلومات حول الإرهاب في سوريا."),
    "agree-2": ("outlet-2", "2016-03-07",
                "وقالت مصادر إن روسيا والولايات المتحدة اتفقتا يوم 5 مارس 2016 على تبادل المعلومات في سوريا."),
    "sanction": ("outlet-1", "2016-04-13", "فرضت الولايات المتحدة يوم 12 أبريل 2016 عقوبات جديدة على روسيا."),
    "accuse-month": ("outlet-2", "2016-06-01", "اتهمت روسيا الولايات المتحدة في مايو 2016 بدعم الإرهاب في سوريا."),
    "accuse-year": ("outlet-1", "2016-06-02", "انتقدت روسيا الولايات المتحدة في عام 2015 بسبب الأزمة الأوكرانية."),
    "visit": ("outlet-2", None, "استقبل الرئيس الروسي وزير الخارجية الأمريكي في موسكو لبحث الأزمة السورية."),
    "quote": ("outlet-1", "2016-06-03", 'وقال وزير الخارجية الروسي سيرغي لافروف إن "موسكو مستعدة للحوار مع واشنطن".'
                                        " وقتل 25 شخصا في الغارة بحسب المرصد السوري."),
}
FLAT = [name for name, _ in ex.FLAT_COLUMNS]


@pytest.fixture(scope="module")
def docs():
    """The story processed once; each test stores it in a fresh database."""
    return [process(Article(id=k, text=t, outlet=o, published=p)) for k, (o, p, t) in STORY.items()]


@pytest.fixture()
def store(db_url: str, docs):
    with open_store(db_url) as s:
        s.save_docs(docs)
        yield s


def groups_by_type(store) -> dict[str, pd.DataFrame]:
    frame = analysis.groups(store)
    return {t: rows for t, rows in frame.groupby("event_type")}


# ---------------------------------------------------------------- JSONL


def test_jsonl_one_record_per_real_event_with_every_mention(store, tmp_path: Path):
    path = tmp_path / "events.jsonl"
    n = ex.write_jsonl(store, path)
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    groups = analysis.groups(store)
    assert n == len(records) == len(groups)
    assert [r["id"] for r in records] == list(groups["group_id"])
    assert all(r["num_mentions"] == len(r["mentions"]) for r in records)
    assert sum(r["num_mentions"] for r in records) == store.count("events")
    agree = next(r for r in records if r["event_type"] == "AGREE" and r["date"] == "2016-03-05")
    assert (agree["num_mentions"], agree["num_articles"], agree["num_sources"]) == (2, 2, 2)
    assert {m["article_id"] for m in agree["mentions"]} == {"agree-1", "agree-2"}
    assert {m["outlet"] for m in agree["mentions"]} == {"outlet-1", "outlet-2"}
    assert {a["code"] for a in agree["actor"]} == {"RUS", "USA"} and agree["date_certainty"] == "stated in the text"


def test_jsonl_mentions_point_at_their_evidence(store, tmp_path: Path):
    ex.write_jsonl(store, tmp_path / "events.jsonl")
    texts = dict(store.query("SELECT id, clean_text FROM articles"))
    for line in (tmp_path / "events.jsonl").read_text(encoding="utf-8").splitlines():
        for m in json.loads(line)["mentions"]:
            info, text = m["text_info"], texts[m["article_id"]]
            assert text[info["trigger_start"]:info["trigger_end"]] == m["trigger"]
            assert text[info["start"]:info["end"]].strip() == m["event_text"].strip()
            assert m["event_id"] and "published" in m


def test_jsonl_mode_and_context_are_unions_over_mentions(store, tmp_path: Path):
    ex.write_jsonl(store, tmp_path / "e.jsonl")
    for line in (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for field in ("mode", "context", "aux"):
            assert set(record[field]) == {v for m in record["mentions"] for v in m[field]}


def test_paging_gives_the_same_records_as_one_page(store):
    small = [r["id"] for r in ex.iter_merged_events(store, page_size=2)]
    whole = [r["id"] for r in ex.iter_merged_events(store, page_size=10_000)]
    assert small == whole and len(set(small)) == len(small) == store.count("event_groups")


# ---------------------------------------------------------------- flat: CSV, TSV, Parquet


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_flat_text_round_trip_matches_groups(store, tmp_path: Path, fmt: str):
    path = tmp_path / f"events.{fmt}"
    assert ex.export(store, path, fmt) == store.count("event_groups")
    frame = pd.read_csv(path, sep="\t" if fmt == "tsv" else ",", dtype={"Date": str})
    groups = analysis.groups(store)
    assert list(frame.columns) == FLAT
    assert list(frame["GlobalEventID"]) == list(groups["group_id"])
    assert list(frame["NumMentions"]) == list(groups["num_mentions"])
    assert list(frame["NumArticles"]) == list(groups["num_articles"])
    assert list(frame["EventType"]) == list(groups["event_type"])
    assert list(frame["QuadClass"]) == list(groups["quad_code"])
    assert list(frame["Date"].fillna("")) == list(groups["date"].fillna(""))


def test_flat_row_columns_for_a_merged_event(store, tmp_path: Path):
    ex.write_csv(store, tmp_path / "e.csv")
    frame = pd.read_csv(tmp_path / "e.csv", dtype=str, keep_default_na=False)
    sanction = frame[frame["EventType"] == "SANCTION"].iloc[0]
    assert (sanction["SourceCountry"], sanction["TargetCountry"]) == ("USA", "RUS")
    assert (sanction["SourceName"], sanction["TargetName"]) == ("United States", "Russia")
    assert (sanction["Date"], sanction["DatePrecision"], sanction["QuadClass"]) == ("2016-04-12", "day", "4")
    assert sanction["SourceArticle"] == "sanction" and "عقوبات" in sanction["Evidence"]
    assert float(sanction["PloverScore"]) < 0
    agree = frame[(frame["EventType"] == "AGREE") & (frame["Date"] == "2016-03-05")].iloc[0]
    assert set(agree["SourceCountry"].split(";")) == {"RUS", "USA"} and agree["TargetCountry"] == ""
    assert (agree["NumMentions"], agree["NumSources"], agree["Location"]) == ("2", "2", "Syria")
    assert float(agree["Latitude"]) and agree["LocationCountry"] == "SYR"


def test_parquet_round_trip_has_typed_columns(store, tmp_path: Path):
    path = tmp_path / "events.parquet"
    assert ex.export(store, path, "parquet") == store.count("event_groups")
    frame = pd.read_parquet(path)
    groups = analysis.groups(store)
    assert list(frame.columns) == FLAT
    assert list(frame["GlobalEventID"]) == list(groups["group_id"])
    assert list(frame["NumMentions"]) == list(groups["num_mentions"])
    assert str(frame["QuadClass"].dtype) == "int8" and str(frame["NumMentions"].dtype) == "int32"
    assert str(frame["Latitude"].dtype) == "float64" and str(frame["PloverScore"].dtype) == "float64"
    dated = frame[frame["Date"].notna()]
    assert set(dated["DatePrecision"]) == {"day", "month", "year"}
    assert {len(d) for d in dated["Date"]} == {4, 7, 10}


def test_empty_store_exports_headers_only(db_url: str, tmp_path: Path):
    with open_store(db_url) as empty:
        assert ex.export(empty, tmp_path / "e.csv", "csv") == 0
        assert ex.export(empty, tmp_path / "e.parquet", "parquet") == 0
        assert ex.export(empty, tmp_path / "e.jsonl", "jsonl") == 0
    assert (tmp_path / "e.csv").read_text(encoding="utf-8").strip() == ",".join(FLAT)
    assert list(pd.read_parquet(tmp_path / "e.parquet").columns) == FLAT
    assert (tmp_path / "e.jsonl").read_text(encoding="utf-8") == ""


def test_export_filters(store):
    def ids(**filters):
        return [r["id"] for r in ex.iter_merged_events(store, **filters)]

    groups = analysis.groups(store)
    usa_acts = groups[groups["actors"].str.split(",").apply(lambda c: "USA" in c)]
    assert ids(actor="USA") == list(usa_acts["group_id"])
    to_usa = groups[groups["recipients"] == "USA"]
    assert ids(actor="RUS", recipient="USA") == list(to_usa["group_id"])
    in_2016 = groups[groups["date"].fillna("").str.startswith("2016")]
    assert ids(since="2016", until="2016") == list(in_2016["group_id"])
    assert ids(since="2016-05") == list(groups[groups["date"].fillna("") >= "2016-05"]["group_id"])  # undated: out


def test_flat_columns_are_documented():
    for name, _ in ex.FLAT_COLUMNS:
        assert re.search(rf"^{name}\s", ex.__doc__, re.MULTILINE), f"{name} is not described in export's docstring"


def test_bad_format_and_filters_on_a_network_are_clear_errors(store, tmp_path: Path):
    with pytest.raises(ex.ExportError, match="choose one of"):
        ex.export(store, tmp_path / "x", "xlsx")
    with pytest.raises(ex.ExportError, match="whole store"):
        ex.export(store, tmp_path / "x.graphml", "graphml", actor="USA")
    assert ex.format_from_path("a/b.PARQUET") == "parquet" and ex.format_from_path("a.txt") is None


# ---------------------------------------------------------------- network


def test_graphml_round_trip(store, tmp_path: Path):
    import networkx as nx

    nodes, edges = ex.write_network(store, tmp_path / "net.graphml", "graphml")
    graph = nx.read_graphml(tmp_path / "net.graphml")
    expected = analysis.network(store)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges) == (
        expected.number_of_nodes(), expected.number_of_edges())
    for a, b, data in expected.edges(data=True):
        for key in ("weight", *analysis.QUADS.values()):
            assert graph.edges[a, b][key] == data[key]
    assert graph.nodes["USA"]["label"] == "USA — United States"
    assert graph.edges["USA", "RUS"]["material_conflict"] >= 1  # the sanctions


def test_gexf_is_readable(store, tmp_path: Path):
    import networkx as nx

    ex.export(store, tmp_path / "net.gexf", "gexf")
    graph = nx.read_gexf(tmp_path / "net.gexf")
    assert graph.number_of_edges() == analysis.network(store).number_of_edges()
    assert any(data.get("label") == "RUS — Russia" for _, data in graph.nodes(data=True))


# ---------------------------------------------------------------- Arabic labels and charts


def test_shape_arabic_gives_joined_forms_in_visual_order():
    shaped = plots.shape_arabic("روسيا")
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in shaped)  # presentation forms B
    assert unicodedata.normalize("NFKC", shaped) == "روسيا"[::-1]  # drawn left to right
    mixed = plots.shape_arabic("عقوبات 2016 على USA")
    assert "2016" in mixed and "USA" in mixed and mixed.index("USA") < mixed.index("2016")
    assert plots.shape_arabic("USA–RUS") == "USA–RUS"


def test_arabic_label_shapes_only_when_matplotlib_does_not():
    text = "الولايات المتحدة – روسيا"
    expected = text if plots.has_native_layout() else plots.shape_arabic(text)
    assert plots.arabic_label(text) == expected


def test_evidence_snippet_is_around_the_trigger():
    sentence = "قال المسؤول في مؤتمر صحفي عقده أمس إن الولايات المتحدة فرضت عقوبات جديدة على روسيا بسبب الأزمة"
    snippet = plots.evidence_snippet(sentence, "فرضت عقوبات")
    assert snippet.startswith("… ") and snippet.endswith(" …") and "فرضت عقوبات جديدة" in snippet
    assert plots.evidence_snippet("اتفق الجانبان", "اتفق") == "اتفق الجانبان"


def test_actor_title_english_and_arabic():
    assert plots.actor_title(["USA", "RUS"]) == ("USA–RUS (United States – Russia)", "الولايات المتحدة – روسيا")
    assert plots.actor_title(["IGO"]) == ("IGO", "IGO")


@lru_cache(maxsize=4)
def _glyph_chars(font_id: str) -> dict[int, str]:
    """Glyph index → character for a font as the SVG names it (DejaVuSans, DejaVuSans-Bold)."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    weight = "bold" if font_id.endswith("-Bold") else "normal"
    font = TTFont(font_manager.findfont(font_manager.FontProperties(family=plots.FONT, weight=weight)))
    by_name = {}
    for code, name in sorted(font.getBestCmap().items(), reverse=True):
        by_name[name] = chr(code)
    return {i: by_name.get(name, "?") for i, name in enumerate(font.getGlyphOrder())}


GLYPH_REF = re.compile(r"#(DejaVuSans(?:-Bold)?)-([0-9a-f]+)$")


def drawn_lines(svg: Path) -> list[str]:
    """Each line of text in an SVG chart as drawn, left to right (glyphs as characters).

    Matplotlib writes text as glyph paths, each line a group of ``<use>`` references to
    glyphs named by font and glyph index (codepoint before matplotlib 3.11).
    """
    svg_ns, xlink = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}href"
    lines = []
    for group in ET.parse(svg).iter(f"{svg_ns}g"):
        glyphs = []
        for use in group.findall(f"{svg_ns}use"):
            ref = GLYPH_REF.match(use.get(xlink) or "")
            if not ref:
                continue
            number = int(ref.group(2), 16)
            char = _glyph_chars(ref.group(1)).get(number, "?") if plots.has_native_layout() else chr(number)
            x = re.match(r"translate\(([-\d.e]+)", use.get("transform") or "translate(0")
            glyphs.append((float(x.group(1)), char))
        if glyphs:
            lines.append("".join(c for _, c in sorted(glyphs)))
    return lines


def assert_drawn_right_to_left(lines: list[str], word: str) -> None:
    """``word`` appears drawn in visual order (reversed), with joined letter forms."""
    drawn = [line for line in lines if word[::-1] in unicodedata.normalize("NFKC", line)]
    assert drawn, f"{word} not drawn right to left in {lines}"
    assert any(0xFB50 <= ord(c) <= 0xFEFF for c in drawn[0]), f"{word}: letters not joined"


def test_series_chart_png_and_svg(store, tmp_path: Path):
    png = plots.plot_series(store, "USA:RUS", tmp_path / "series.png", freq="month")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plots.plot_series(store, ("USA", "RUS"), tmp_path / "series.svg", freq="year")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    lines = drawn_lines(svg)
    assert_drawn_right_to_left(lines, "روسيا")
    assert_drawn_right_to_left(lines, "المتحدة")
    assert any("USA→RUS" in line for line in lines)


def test_timeline_chart_has_arabic_evidence(store, tmp_path: Path):
    svg = plots.plot_timeline(store, tmp_path / "timeline.svg", actor="USA", recipient="RUS")
    lines = drawn_lines(svg)
    assert_drawn_right_to_left(lines, "عقوبات")
    assert any("SANCTION" in line for line in lines) and any("undated" in line for line in lines)
    png = plots.plot_timeline(store, tmp_path / "timeline.png", actor="USA")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_charts_of_nothing_are_still_drawn(store, tmp_path: Path):
    assert plots.plot_series(store, "FRA:DEU", tmp_path / "none.png").exists()
    assert plots.plot_timeline(store, tmp_path / "none.svg", actor="FRA", recipient="DEU").exists()
    with pytest.raises(plots.PlotError, match=".png"):
        plots.plot_series(store, "USA:RUS", tmp_path / "chart.jpg")


# ---------------------------------------------------------------- commands


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_timeline_one_line_per_real_event(store, db_url: str):
    result = invoke("timeline", "--db", db_url, "--actor", "usa", "--recipient", "RUS")
    frame = analysis.timeline(store, actor="USA", recipient="RUS")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == len(frame)
    assert sum("×2 mentions" in line for line in lines) == 1
    assert lines[0].startswith("2015 (year; stated in the text)") and "RUS→USA" in lines[0]
    assert lines[-1].startswith("???? (?; undated)")
    directed = invoke("timeline", "--db", db_url, "--actor", "USA", "--recipient", "RUS", "--directed")
    assert all("USA→RUS" in line for line in directed.stdout.splitlines())
    assert invoke("timeline", "--db", db_url, "--actor", "USA", "--recipient", "RUS", "--both-ways").stdout == \
        result.stdout


def test_cli_timeline_mentions(store, db_url: str):
    result = invoke("timeline", "--db", db_url, "--actor", "USA", "--recipient", "RUS", "--since", "2016-03",
                    "--until", "2016-03", "--mentions")
    mention_lines = [line for line in result.stdout.splitlines() if line.startswith("    · ")]
    assert {line.split()[1] for line in mention_lines} >= {"agree-1", "agree-2"}


def test_cli_series_text_and_csv(store, db_url: str):
    text = invoke("series", "--db", db_url, "--dyad", "USA:RUS", "--freq", "month")
    assert text.exit_code == 0 and "2016-03" in text.stdout and "USA+RUS" in text.stdout
    assert "1 undated and 1 dated less precisely than a month left out" in text.stdout
    as_csv = invoke("series", "--db", db_url, "--dyad", "usa:rus", "--freq", "month", "--csv")
    frame = pd.read_csv(io.StringIO(as_csv.stdout))
    expected = analysis.series(store, "USA:RUS", freq="month")
    assert list(frame.columns) == list(expected.columns)
    assert list(frame["events"]) == list(expected["events"]) and list(frame["period"]) == list(expected["period"])


def test_cli_search_quotes_claims(store, db_url: str):
    found = invoke("search", "عقوبات", "--db", db_url)
    assert found.exit_code == 0 and found.stdout.startswith("sanction  2016-04-13  outlet-1  [sentence 0]")
    quotes = invoke("quotes", "--db", db_url)
    assert len(quotes.stdout.splitlines()) == len(analysis.quotes(store))
    by_russia = invoke("quotes", "--db", db_url, "--speaker", "rus")
    assert len(by_russia.stdout.splitlines()) == len(analysis.quotes(store, speaker="RUS"))
    claims = invoke("claims", "--db", db_url)
    assert len(claims.stdout.splitlines()) == len(analysis.claims(store))


def test_cli_export_formats(store, db_url: str, tmp_path: Path):
    out = tmp_path / "e.parquet"
    result = invoke("export", "--db", db_url, "-o", str(out), "--actor", "USA")
    assert result.exit_code == 0 and len(pd.read_parquet(out)) == len(list(ex.iter_merged_events(store, actor="USA")))
    stdout = invoke("export", "--db", db_url, "-o", "-", "--format", "jsonl", "--since", "2016-03", "--until", "2016-03")
    assert [json.loads(line)["date"] for line in stdout.stdout.splitlines()] == ["2016-03-05", "2016-03-05"]
    assert invoke("export", "--db", db_url, "-o", str(tmp_path / "n.graphml")).exit_code == 0


def test_cli_plots(store, db_url: str, tmp_path: Path):
    series = invoke("plot", "series", "--db", db_url, "--dyad", "USA:RUS", "--freq", "year", "-o",
                    str(tmp_path / "s.svg"))
    timeline = invoke("plot", "timeline", "--db", db_url, "--actor", "USA", "--recipient", "RUS", "-o",
                      str(tmp_path / "t.png"))
    assert series.exit_code == timeline.exit_code == 0
    assert (tmp_path / "s.svg").stat().st_size > 1000 and (tmp_path / "t.png").stat().st_size > 1000


@pytest.mark.parametrize(("args", "message"), [
    (["series", "--dyad", "USA"], "two actor codes separated by a colon"),
    (["series", "--dyad", "USA:RUS", "--freq", "fortnight"], "'fortnight' is not one of"),
    (["series", "--dyad", "USA:RUS", "--since", "2016-13"], "is not a date"),
    (["timeline", "--until", "2016-02-30"], "is not a date"),
    (["timeline", "--actor", "United States"], "three-letter PLOVER code"),
    (["export", "-o", "events.xlsx"], "cannot tell the format"),
    (["export", "-o", "net.gexf", "--actor", "USA"], "whole store"),
    (["plot", "series", "--dyad", "USA:RUS", "-o", "chart.jpg"], ".png, .svg or .pdf"),
])
def test_cli_bad_options_are_one_line_errors(store, db_url: str, args: list[str], message: str):
    result = CliRunner().invoke(cli, [*args, "--db", db_url])
    assert result.exit_code in (1, 2) and isinstance(result.exception, SystemExit)
    assert message in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [["timeline"], ["series", "--dyad", "USA:RUS"], ["search", "x"], ["quotes"],
                                     ["claims"], ["export", "-o", "e.csv"],
                                     ["plot", "timeline", "-o", "t.png"]])
def test_cli_missing_database(tmp_path: Path, command: list[str]):
    result = CliRunner().invoke(cli, [*command, "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no database at" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("command", ["timeline", "series", "search", "quotes", "claims", "export", "plot series",
                                     "plot timeline"])
def test_cli_help_has_examples(command: str):
    result = invoke(*command.split(), "--help")
    assert result.exit_code == 0 and "--db" in result.output
    assert "Examples" in result.output or command.startswith("plot ")


# ---------------------------------------------------------------- the seeds


def test_seed_exports_line_up_with_the_analysis(seeds_dir: Path, tmp_path: Path):
    db = tmp_path / "seeds.db"
    run([seeds_dir], db, progress=False)
    with open_store(db) as store:
        groups = analysis.groups(store)
        n = ex.export(store, tmp_path / "s.csv", "csv")
        ex.export(store, tmp_path / "s.parquet", "parquet")
        ex.export(store, tmp_path / "s.jsonl", "jsonl")
        merged = analysis.timeline(store)
        n_events = store.count("events")
    assert n == len(groups) == len(merged) > 10
    csv_frame, parquet = pd.read_csv(tmp_path / "s.csv"), pd.read_parquet(tmp_path / "s.parquet")
    assert list(csv_frame["GlobalEventID"]) == list(parquet["GlobalEventID"]) == list(groups["group_id"])
    assert set(parquet["GlobalEventID"]) == set(merged["group_id"])
    assert int(parquet["NumMentions"].sum()) == n_events
    records = [json.loads(line) for line in (tmp_path / "s.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r["num_mentions"] == len(r["mentions"]) for r in records)
    kerry = [r for r in records if r["event_type"] == "AGREE" and {a["code"] for a in r["actor"]} == {"RUS", "USA"}
             and r["num_mentions"] == 2]
    assert kerry and "كيري" in kerry[0]["mentions"][0]["event_text"] + kerry[0]["mentions"][1]["event_text"]
