"""marsad (مرصد): Arabic news → PLOVER political event data.

The pipeline is ``ingest → clean → analyse → events → store → outputs``; each stage
lives in the sub-package of that name. The functions here are the public API that the
``marsad`` command line is a thin layer over.
"""

from __future__ import annotations

import logging

from marsad.clean import clean_article, clean_text
from marsad.ingest import read
from marsad.pipeline import process, process_all
from marsad.types import Article, CleanText, Doc, Entity, Mention, Sentence, Skipped, Token

__version__ = "0.1.0"
__all__ = [
    "Article", "CleanText", "Doc", "Entity", "Mention", "Sentence", "Skipped", "Token",
    "read", "clean_article", "clean_text", "process", "process_all", "__version__",
    "open_store", "run", "timeline", "series", "quotes", "claims", "network", "search", "set_filter_mode",
]

# Store and analysis functions load on first use: they pull in pandas and database
# drivers that a plain `marsad extract` does not need.
_LAZY = {"open_store": "marsad.store", "run": "marsad.store.run", "timeline": "marsad.outputs",
         "series": "marsad.outputs", "quotes": "marsad.outputs", "claims": "marsad.outputs",
         "network": "marsad.outputs", "search": "marsad.outputs", "set_filter_mode": "marsad.events.filter"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'marsad' has no attribute {name!r}")

logging.getLogger(__name__).addHandler(logging.NullHandler())
