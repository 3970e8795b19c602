"""The actor knowledge base: load, validate and index ``data/actors/*.yaml``.

Every name, seat, nisba form, person name and agent term becomes a *phrase* (a tuple
of folded word keys) in one index, so the resolver can do a single longest-match pass
over a sentence. A user's own file (same format, see docs/data-files.md) extends or
overrides the built-in entries.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from marsad.analyse.normalize import phrase_key
from marsad.errors import DataFileError
from marsad.lexicons import data_path, load_yaml, read_yaml_file

__all__ = ["Entry", "Role", "Person", "KnowledgeBase", "load_kb", "SECTORS"]

log = logging.getLogger(__name__)

SECTORS = frozenset(
    ["COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC"]
)
NON_STATE_CODES = frozenset({"UNO", "IGO", "IMG", "NGO", "EUR", "ISM", "MNC", "INT", ""})
FILES = ("countries.yaml", "organizations.yaml", "groups.yaml", "media.yaml", "people.yaml", "people_world.yaml",
         "people_2000s.yaml", "agents.yaml")


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    sector: str
    office: str
    start: dt.date | None
    end: dt.date | None

    def active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    roles: tuple[Role, ...]
    wikidata: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """What a phrase stands for.

    kind: country | seat | nisba | people | org | group | person | agent
    For agents ``agent_kind`` is institution, role, title or group.
    """

    kind: str
    code: str
    sector: str
    name: str
    wikidata: str | None = None
    person: Person | None = None
    agent_kind: str = ""
    key: str = ""  # organisation/group key, or the country code
    source: str = ""  # file:entry, shown by `marsad actors`
    plural: bool = False  # nisba form that is plural (people, not an adjective only)


@dataclass(slots=True)
class KnowledgeBase:
    phrases: dict[str, dict[tuple[str, ...], list[Entry]]] = field(default_factory=lambda: defaultdict(dict))
    countries: dict[str, str] = field(default_factory=dict)  # code → English name
    max_len: int = 1

    def add(self, text: str, entry: Entry) -> None:
        words = tuple(phrase_key(text).split())
        if not words:
            return
        bucket = self.phrases[words[0]].setdefault(words, [])
        # a user entry for the same phrase and kind replaces the built-in one
        bucket[:] = [e for e in bucket if not (e.kind == entry.kind and e.source.split(":")[0] != entry.source.split(":")[0]
                                                and entry.source.startswith("user"))]
        if entry not in bucket:
            bucket.append(entry)
        self.max_len = max(self.max_len, len(words))

    def lookup(self, words: tuple[str, ...]) -> list[Entry]:
        return self.phrases.get(words[0], {}).get(words, []) if words else []


# ----------------------------------------------------------------------------- loading


_USER_FILES: tuple[str, ...] = ()


def set_user_files(paths: tuple[str, ...] | list[str]) -> None:
    """Use these actor files (besides the built-in ones) from now on; validated at once."""
    global _USER_FILES
    _USER_FILES = tuple(str(p) for p in paths)
    load_kb.cache_clear()
    load_kb()


@lru_cache(maxsize=8)
def load_kb(user_files: tuple[str, ...] | None = None) -> KnowledgeBase:
    """The built-in knowledge base, extended by ``user_files`` (later files win).

    Without an argument the files set by ``set_user_files`` (or ``MARSAD_ACTORS``,
    a list separated by the path separator) are used.
    """
    if user_files is None:
        env = os.environ.get("MARSAD_ACTORS", "")
        user_files = _USER_FILES or tuple(p for p in env.split(os.pathsep) if p)
    kb = KnowledgeBase()
    for name in FILES:
        path = data_path(f"actors/{name}")
        if path.exists():
            _load_file(kb, path, name.removesuffix(".yaml").split("_")[0], origin=name)  # people_world → people
    for user in user_files:
        path = Path(user)
        kind = _guess_kind(path)
        _load_file(kb, path, kind, origin=f"user:{path.name}")
    return kb


def _guess_kind(path: Path) -> str:
    """A user file's kind from its name (people.yaml) or, failing that, its first entry."""
    stem = path.stem.lower()
    for kind in ("countries", "organizations", "groups", "media", "people", "agents"):
        if kind in stem:
            return kind
    data = read_yaml_file(path)
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    if "roles" in first:
        return "people"
    if "terms" in first:
        return "agents"
    if "nisba" in first or "seats" in first:
        return "countries"
    return "organizations"


def _load_file(kb: KnowledgeBase, path: Path, kind: str, origin: str) -> None:
    data = read_yaml_file(path)
    if not isinstance(data, list):
        raise DataFileError(str(path), "top level", "expected a list of entries")
    loader = {"countries": _load_country, "people": _load_person, "agents": _load_agent}.get(kind, _load_org)
    for i, raw in enumerate(data, 1):
        where = f"entry {i}" + (f" ({raw.get('name') or raw.get('key') or raw.get('code')})" if isinstance(raw, dict) else "")
        if not isinstance(raw, dict):
            raise DataFileError(str(path), where, "expected a mapping")
        try:
            loader(kb, raw, f"{origin}:{raw.get('key') or raw.get('code') or raw.get('name') or i}")
        except (KeyError, TypeError, ValueError) as err:
            raise DataFileError(str(path), where, _explain(err)) from None


def _explain(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing field {err.args[0]!r}"
    return str(err)


def _strings(raw: dict[str, Any], field_name: str, required: bool = False) -> list[str]:
    value = raw.get(field_name)
    if value is None:
        if required:
            raise KeyError(field_name)
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"field {field_name!r} must be a list of non-empty strings")
    if required and not value:
        raise ValueError(f"field {field_name!r} is empty")
    return value


def _sector(value: Any, where: str = "sector") -> str:
    sector = str(value or "").upper()
    if sector and sector not in SECTORS:
        raise ValueError(f"unknown {where} {sector!r} (PLOVER sectors: {', '.join(sorted(SECTORS))})")
    return sector


def _code(value: Any) -> str:
    code = str(value or "").upper()
    if code and not (len(code) == 3 and code.isalpha()):
        raise ValueError(f"code {code!r} is not a 3-letter PLOVER/ISO code")
    return code


_SEAT_LABELS = {"GOV": "government", "LEG": "legislature", "MIL": "military", "JUD": "judiciary",
                "SPY": "intelligence", "PRE": "de facto authority", "COP": "police"}


def _load_country(kb: KnowledgeBase, raw: dict[str, Any], source: str) -> None:
    code, name = _code(raw["code"]), str(raw["name"])
    wikidata = raw.get("wikidata")
    kb.countries[code] = name
    for text in _strings(raw, "names", required=True):
        kb.add(text, Entry("country", code, "", name, wikidata, key=code, source=source))
    seats = raw.get("seats") or {}
    if not isinstance(seats, dict):
        raise ValueError("field 'seats' must map sectors to lists of names")
    for sector, names in seats.items():
        for text in _strings({"s": names}, "s"):
            # English name: the seat's Arabic words are kept as the mention's text, not its name
            label = _SEAT_LABELS.get(_sector(sector), _sector(sector).lower())
            kb.add(text, Entry("seat", code, _sector(sector), f"{name} ({label})", key=code, source=source))
    for nisba in _strings(raw, "nisba"):
        for form, plural in nisba_forms(nisba):
            kb.add(form, Entry("nisba", code, "", name, key=code, source=source, plural=plural))
        accusative = nisba + "ا"  # جنديا أمريكيا (indefinite accusative); روسيا stays the country
        if " " not in nisba and not kb.lookup((phrase_key(accusative),)):
            kb.add(accusative, Entry("nisba", code, "", name, key=code, source=source))
    for text in _strings(raw, "people"):
        entry = Entry("people", code, "", name, key=code, source=source, plural=True)
        kb.add(text, entry)
        if text.startswith("ال") and " " not in text:
            kb.add(text[2:], entry)  # مقاتلين روس: the indefinite form


def nisba_forms(nisba: str) -> list[tuple[str, bool]]:
    """Inflected forms of a masculine singular nisba (أمريكي → أمريكية, الأمريكيون …).

    Two-word nisbas (كوري شمالي) inflect both words alike. Returns (form, is_plural).
    """
    endings = [("", False), ("ة", False), ("ان", False), ("تان", False), ("تين", False),
               ("ين", True), ("ون", True), ("ات", True)]
    words = nisba.split()
    out = []
    for ending, plural in endings:
        for article in ("", "ال"):
            out.append((" ".join(article + w + ending for w in words), plural))
    return out


def _load_org(kb: KnowledgeBase, raw: dict[str, Any], source: str) -> None:
    kind = "group" if source.startswith(("groups", "user")) and raw.get("sector") in ("REB", "OPP", "PRM") else "org"
    entry = Entry(
        kind, _code(raw["code"]), _sector(raw.get("sector")), str(raw["name"]), raw.get("wikidata"),
        key=str(raw.get("key") or raw["name"]).upper(), source=source,
    )
    for text in _strings(raw, "names", required=True):
        kb.add(text, entry)


def _date(value: Any, what: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what} {value!r} is not an ISO date (YYYY-MM-DD)") from None


def _load_person(kb: KnowledgeBase, raw: dict[str, Any], source: str) -> None:
    roles = []
    for r in raw.get("roles") or []:
        if not isinstance(r, dict):
            raise ValueError("each role must be a mapping with code, sector, office, start, end")
        role = Role(_code(r["code"]), _sector(r.get("sector")), str(r.get("office") or ""),
                    _date(r.get("start"), "start"), _date(r.get("end"), "end"))
        if role.start and role.end and role.end < role.start:
            raise ValueError(f"role {role.office!r} ends ({role.end}) before it starts ({role.start})")
        roles.append(role)
    if not roles:
        raise ValueError("a person needs at least one role")
    person = Person(str(raw["name"]), tuple(roles), raw.get("wikidata"))
    entry = Entry("person", roles[-1].code, roles[-1].sector, person.name, person.wikidata, person=person, source=source)
    for text in _strings(raw, "names", required=True):
        kb.add(text, entry)


def _load_agent(kb: KnowledgeBase, raw: dict[str, Any], source: str) -> None:
    kind = str(raw.get("kind") or "institution")
    if kind not in ("institution", "role", "title", "group"):
        raise ValueError(f"kind {kind!r} must be institution, role, title or group")
    sector = _sector(raw["sector"])
    if not sector:
        raise ValueError("an agent needs a sector")
    terms = _strings(raw, "terms", required=True)
    label = str(raw.get("name") or terms[0])
    entry = Entry("agent", _code(raw.get("code")), sector, label, agent_kind=kind, source=f"{source}:{terms[0]}")
    for text in terms:
        kb.add(text, entry)
        for form in agent_forms(text) if kind in ("group", "role") else ():
            keys = tuple(phrase_key(form).split())
            if not kb.lookup(keys) and keys[0] not in _not_agent_forms():  # never shadow another entry
                kb.add(form, entry)


@lru_cache(maxsize=1)
def _not_agent_forms() -> frozenset[str]:
    """Folded words agent_forms must not add: their usual reading is not an agent."""
    words = load_yaml("actor_rules.yaml").get("not_agent_forms") or []
    return frozenset(phrase_key(str(w)) for w in words)


def agent_forms(term: str) -> list[str]:
    """Inflections news uses for a one-word agent term: with/without ال, the other case of
    a sound plural (مسلحون/مسلحين) and its construct forms (متظاهرو، مسلحي), and a
    singular's accusative and dual (جنديا، جنديين)."""
    if " " in term:
        return []
    base = term[2:] if term.startswith("ال") and len(term) > 4 else term
    forms = {base, "ال" + base}
    if base.endswith(("ون", "ين")) and len(base) > 4:
        stem = base[:-2]
        forms |= {stem + "ون", stem + "ين", "ال" + stem + "ون", "ال" + stem + "ين",
                  stem + "و", stem + "ي"}  # construct forms: متظاهرو المليون، مقاتلي داعش
    elif not base.endswith(("ة", "ات", "ا", "ى", "ء")):
        forms |= {base + "ا", base + "ان", base + "ين"}
    forms.discard(term)
    return sorted(forms)
