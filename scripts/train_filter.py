"""Train the learned event filter (marsad/events/filter.py) on the GSR dev sentences.

    python scripts/train_filter.py [--gsr ../shared/eval/gsr] [--out marsad/data/models/event_filter.json]

For each event type (ASSAULT from ``assault_dev.csv``, PROTEST from ``protest_dev.csv``):

1. run marsad on every sentence (``ambiguous`` rows left out) with the filter recording,
   so each candidate event of the type the rules emit comes with the very features
   ``filter.keep`` sees at run time; a candidate's label is its sentence's label == "yes";
2. fit an L2-regularised logistic regression (numpy, fixed iterations: deterministic);
3. report sentence-level P/R/F1 as the reference scorer counts them (a sentence is
   detected when one of its reported — not negated or hypothetical — candidates is kept),
   for the rules alone and for rules + filter, by 5-fold cross-validation with folds by
   sha1 of the sentence id. The regularisation and the probability threshold are chosen
   inside each training split (nested CV), so the CV figure is honest; the shipped model's
   settings are then chosen by plain 5-fold CV over all rows and it is fit on all rows.

numpy is needed here only; marsad itself scores with pure Python.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import marsad
from marsad.events import filter as flt

ROOT = Path(__file__).resolve().parents[1]
GSR = ROOT.parent / "shared" / "eval" / "gsr"
OUT = ROOT / "marsad" / "data" / "models" / "event_filter.json"
TYPES = {"ASSAULT": "assault_dev.csv", "PROTEST": "protest_dev.csv"}
HASH_BITS = 20
FOLDS = 5
LAMBDAS = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
THRESHOLDS = tuple(round(0.05 + 0.01 * i, 2) for i in range(86))  # 0.05 … 0.90
MIN_DF = 2  # a feature must occur in this many training sentences
ITERATIONS = 400
NOT_REPORTED = {"negation", "hypothetical"}


@dataclass
class Sentence:
    id: str
    yes: bool
    fold: int
    cands: list[tuple[list[int], bool]] = field(default_factory=list)  # (feature ids, reported)


def fold_of(row_id: str) -> int:
    return int(hashlib.sha1(row_id.encode("utf-8")).hexdigest(), 16) % FOLDS


def build_rows(path: Path, etype: str) -> list[Sentence]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["label"] != "ambiguous"]
    out = []
    for r in rows:
        s = Sentence(r["id"], r["label"] == "yes", fold_of(r["id"]))
        with flt.recording() as rec:
            marsad.process(marsad.Article(id=r["id"], text=r["text"]))
        for t, feats, rule_feats in rec:
            if t == etype:
                reported = not (set(rule_feats.get("aux") or ()) & NOT_REPORTED)
                s.cands.append((flt.feature_ids(feats, HASH_BITS), reported))
        out.append(s)
    return out


# ----------------------------------------------------------------------------- logistic regression


class Design:
    """Candidate rows of some sentences as a CSR matrix over compact columns."""

    def __init__(self, sents: list[Sentence], columns: dict[int, int] | None = None):
        if columns is None:
            df: dict[int, int] = {}
            for s in sents:
                for f in {f for ids, _ in s.cands for f in ids}:
                    df[f] = df.get(f, 0) + 1
            columns = {f: j for j, f in enumerate(sorted(f for f, n in df.items() if n >= MIN_DF))}
        self.columns = columns
        indices, indptr, y = [], [0], []
        for s in sents:
            for ids, _ in s.cands:
                indices.extend(columns[f] for f in ids if f in columns)
                indptr.append(len(indices))
                y.append(float(s.yes))
        self.indices = np.asarray(indices, dtype=np.int64)
        self.indptr = np.asarray(indptr, dtype=np.int64)
        self.y = np.asarray(y)
        self.n, self.d = len(y), len(columns)
        self.row_of = np.repeat(np.arange(self.n), np.diff(self.indptr))

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.row_of, weights=w[self.indices], minlength=self.n)

    def tdot(self, g: np.ndarray) -> np.ndarray:
        return np.bincount(self.indices, weights=g[self.row_of], minlength=self.d)


def fit(X: Design, lam: float) -> tuple[float, np.ndarray]:
    """Minimise mean log-loss + lam/2 |w|² (bias free) by Nesterov gradient descent."""
    if X.n == 0:
        return 0.0, np.zeros(X.d)
    nnz_row = np.diff(X.indptr).max() if X.n else 1
    step = 1.0 / (0.25 * (nnz_row + 1) + lam)  # 1/L, L ≥ largest curvature of the loss
    w, b = np.zeros(X.d), 0.0
    vw, vb = w.copy(), b
    for k in range(ITERATIONS):
        z = X.dot(vw) + vb
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))
        g = (p - X.y) / X.n
        gw, gb = X.tdot(g) + lam * vw, g.sum()
        w_new, b_new = vw - step * gw, vb - step * gb
        mom = k / (k + 3)
        vw, vb = w_new + mom * (w_new - w), b_new + mom * (b_new - b)
        w, b = w_new, b_new
    return b, w


def predict(sents: list[Sentence], columns: dict[int, int], b: float, w: np.ndarray) -> list[float]:
    """Per sentence: the highest probability among its reported candidates (-1 when none)."""
    out = []
    for s in sents:
        best = -1.0
        for ids, reported in s.cands:
            if reported:
                z = b + sum(w[columns[f]] for f in ids if f in columns)
                best = max(best, float(1.0 / (1.0 + np.exp(-z))))
        out.append(best)
    return out


def prf(sents: list[Sentence], said: list[bool]) -> dict:
    said = [bool(d) for d in said]
    tp = sum(s.yes and d for s, d in zip(sents, said, strict=True))
    fp = sum((not s.yes) and d for s, d in zip(sents, said, strict=True))
    fn = sum(s.yes and not d for s, d in zip(sents, said, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def oof_scores(sents: list[Sentence], folds: list[int], lam: float) -> list[float]:
    """Out-of-fold sentence scores over ``folds`` (each fold predicted by a model fit on the others)."""
    scores = [0.0] * len(sents)
    for k in folds:
        train = [s for s in sents if s.fold in folds and s.fold != k]
        X = Design(train)
        b, w = fit(X, lam)
        test_idx = [i for i, s in enumerate(sents) if s.fold == k]
        for i, p in zip(test_idx, predict([sents[i] for i in test_idx], X.columns, b, w), strict=True):
            scores[i] = p
    return scores


def choose(sents: list[Sentence], folds: list[int]) -> tuple[float, float, float]:
    """(lambda, threshold, F1) with the best out-of-fold F1 over ``folds``."""
    pool = [s for s in sents if s.fold in folds]
    best = (LAMBDAS[0], 0.5, -1.0)
    for lam in LAMBDAS:
        scores = oof_scores(pool, folds, lam)
        for t in THRESHOLDS:
            f = prf(pool, [p >= t for p in scores])["f1"]
            if f > best[2]:
                best = (lam, t, f)
    return best


def train_type(etype: str, path: Path) -> tuple[dict, dict]:
    t0 = time.time()
    sents = build_rows(path, etype)
    n_cands = sum(len(s.cands) for s in sents)
    base = prf(sents, [any(r for _, r in s.cands) for s in sents])
    # nested CV: settings chosen on the four training folds, scored on the fifth
    said = [False] * len(sents)
    chosen = []
    for k in range(FOLDS):
        inner = [j for j in range(FOLDS) if j != k]
        lam, thr, _ = choose(sents, inner)
        chosen.append((lam, thr))
        train = [s for s in sents if s.fold != k]
        X = Design(train)
        b, w = fit(X, lam)
        idx = [i for i, s in enumerate(sents) if s.fold == k]
        for i, p in zip(idx, predict([sents[i] for i in idx], X.columns, b, w), strict=True):
            said[i] = p >= thr
    nested = prf(sents, said)
    # the shipped model: settings by plain 5-fold CV, fit on everything
    lam, thr, _ = choose(sents, list(range(FOLDS)))
    plain = prf(sents, [p >= thr for p in oof_scores(sents, list(range(FOLDS)), lam)])
    X = Design(sents)
    b, w = fit(X, lam)
    inv = {j: f for f, j in X.columns.items()}
    keep_cols = [j for j in range(X.d) if abs(w[j]) >= 1e-4]
    model = {"bias": round(float(b), 5), "threshold": thr, "lambda": lam,
             "index": [inv[j] for j in keep_cols], "weight": [round(float(w[j]), 5) for j in keep_cols]}
    insample = prf(sents, [p >= thr for p in predict(sents, X.columns, b, w)])
    report = {
        "type": etype, "sentences": len(sents), "yes": sum(s.yes for s in sents),
        "sentences_with_candidates": sum(bool(s.cands) for s in sents), "candidates": n_cands,
        "rules_only": base, "cv_nested": nested, "cv_nested_settings": chosen,
        "cv_plain": plain, "in_sample": insample, "lambda": lam, "threshold": thr,
        "features": len(keep_cols), "seconds": round(time.time() - t0, 1),
    }
    return model, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gsr", type=Path, default=GSR)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--types", nargs="*", default=list(TYPES))
    args = parser.parse_args()
    os.environ.pop("MARSAD_NO_FILTER", None)
    models, reports = {}, []
    for etype in args.types:
        model, report = train_type(etype, args.gsr / TYPES[etype])
        models[etype] = model
        reports.append(report)
        print(json.dumps(report, ensure_ascii=False), flush=True)
    data = {
        "feature_version": flt.FEATURE_VERSION, "hash_bits": HASH_BITS,
        "trained_on": "Open Event Data Alliance arabic_event_gsr, dev half (MIT licence); ambiguous rows left out",
        "cv": {r["type"]: {"rules_only": r["rules_only"], "cv_nested": r["cv_nested"]} for r in reports},
        "models": models,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
