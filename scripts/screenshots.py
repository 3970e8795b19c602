"""Screenshots of the web app's pages for docs/web.md (docs/img/web_*.png).

    python scripts/screenshots.py                      # seeds (if ../shared is there) + the demo corpus
    python scripts/screenshots.py --db my.db --out /tmp/shots

Builds a throw-away database unless ``--db`` is given, serves it on a free local port,
and photographs each page with Playwright driving the system's Chromium (no browser
download). The article page shows one of marsad's own demo reports.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from marsad.ingest.metadata import load_metadata
from marsad.lexicons import data_path
from marsad.store.run import run
from marsad.web.app import BackgroundServer, create_app

log = logging.getLogger("screenshots")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "corpus" / "seeds"
SEED_DATES = ROOT.parent / "shared" / "eval" / "seeds.gold.jsonl"  # its metadata lines date three seeds
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1360, "height": 900}
MAX_HEIGHT = 1700  # px: long tables are cut, the top of a page says what it is

# (file name, path, what to do before the shot)
PAGES = [
    ("web_overview.png", "/", None),
    ("web_events.png", "/events?actor=USA", "open-first-evidence"),
    ("web_article.png", "/articles/demo_02_strike", None),
    ("web_dyad.png", "/dyads/{dyad}", None),
    ("web_actor.png", "/actors/USA", None),
]


def build_db(path: Path) -> None:
    """The seeds (when ../shared is beside the checkout) and marsad's own demo reports."""
    inputs = [data_path("demo")]
    if SEEDS.exists():
        inputs.insert(0, SEEDS)
    metadata = load_metadata(SEED_DATES) if SEED_DATES.exists() else None
    summary = run(inputs, path, progress=False, metadata=metadata)
    log.info("built %s: %s", path, summary)


def busiest_dyad(base_url: str) -> str:
    import httpx

    dyads = httpx.get(f"{base_url}/api/series?dyad=RUS:USA", timeout=30).json()
    return "RUS:USA" if dyads.get("items") else "SYR:TUR"


def shoot(db: Path, out: Path, lang: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with BackgroundServer(create_app(db)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT, device_scale_factor=1, locale="ar")
        dyad = busiest_dyad(server.url)
        for name, path, action in PAGES:
            page.goto(f"{server.url}{path.format(dyad=dyad)}{'&' if '?' in path else '?'}lang={lang}")
            page.wait_for_load_state("networkidle")
            if action == "open-first-evidence":
                page.locator("details.evidence summary").first.click()
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            target = out / name
            page.screenshot(path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"],
                                                                     "height": height})
            written.append(target)
            log.info("wrote %s", target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="An existing database (default: build one in a temporary folder)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img", help="Folder for the PNG files")
    parser.add_argument("--lang", choices=("ar", "en"), default="ar")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if not Path(CHROMIUM).exists():
        log.error("%s not found: install Debian's chromium (apt-get install chromium)", CHROMIUM)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "screenshots.db"
        if args.db is None:
            build_db(db)
        shoot(db, args.out, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
