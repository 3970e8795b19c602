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
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
