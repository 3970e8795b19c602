"""Load and validate marsad's data files (``marsad/data``) and users' own files."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from marsad.errors import DataFileError

__all__ = ["data_path", "load_yaml", "read_yaml_file"]


@lru_cache(maxsize=256)
def data_path(name: str) -> Path:
    """Path of a file shipped in ``marsad/data`` (cached: lookups ask for it per word)."""
    return Path(str(resources.files("marsad") / "data" / name))


@lru_cache(maxsize=64)
def load_yaml(name: str, required: Iterable[str] = ()) -> Any:
    """A shipped YAML data file, parsed once; ``required`` top-level keys are checked."""
    data = read_yaml_file(data_path(name))
    missing = [k for k in required if not isinstance(data, dict) or k not in data]
    if missing:
        raise DataFileError(str(data_path(name)), "top level", f"missing key(s): {', '.join(missing)}")
    return data


def read_yaml_file(path: Path) -> Any:
    """Parse a YAML file with errors that name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise DataFileError(str(path), "file", f"cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise DataFileError(str(path), f"byte {err.start}", "not valid UTF-8") from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(err, "problem", None) or str(err)
        raise DataFileError(str(path), where, f"invalid YAML: {problem}") from None
