"""marsad's exceptions. Messages say what went wrong, where, and how to fix it."""

from __future__ import annotations


class MarsadError(Exception):
    """Base class for errors marsad reports to users."""


class InputError(MarsadError):
    """An input (file, line, article) that cannot be used; the run skips it."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class DataFileError(MarsadError):
    """A lexicon or knowledge-base file is invalid (names file, entry and problem)."""

    def __init__(self, path: str, where: str, problem: str):
        super().__init__(f"{path}: {where}: {problem}")
        self.path = path
        self.where = where
        self.problem = problem
