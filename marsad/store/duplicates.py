"""Near-duplicate articles: syndicated copies and republished wire stories.

Each article gets a MinHash signature of its word 5-shingles (on the folded matching
keys, so spelling variants of hamza or taa marbuta do not hide a copy). The signature is
cut into ``BANDS`` bands of ``ROWS`` values; articles sharing a band's hash are
candidates (locality-sensitive hashing, kept in the ``article_bands`` table so that a
database of any size answers "which stored articles look like this one?" with an index
lookup), and a candidate is a duplicate when the signatures estimate a Jaccard
similarity of at least ``THRESHOLD`` (0.7). With 20 bands of 6 rows, a pair at similarity 0.8
becomes a candidate with probability 0.998, a pair at 0.5 with 0.27.

An article that duplicates another points at the *first* stored article of its cluster
(``duplicate_of``), never at another copy, so clusters are one hop deep.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from marsad.types import Doc

__all__ = ["signature", "band_hashes", "similarity", "THRESHOLD", "BANDS", "ROWS"]

BANDS, ROWS = 20, 6
NUM_PERM = BANDS * ROWS
SHINGLE = 5  # words per shingle
THRESHOLD = 0.7  # estimated Jaccard similarity from which two articles are copies
_SEED = 20140101


@lru_cache(maxsize=1)
def _template() -> MinHash:
    """Computing the permutations is the slow part: do it once and share them."""
    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=zlib.crc32)


def _shingles(doc: Doc) -> list[bytes]:
    words = [t.key for s in doc.sentences for t in s.tokens if t.kind in ("word", "number", "latin")]
    if len(words) < SHINGLE:
        return [" ".join(words).encode("utf-8")] if words else []
    return [" ".join(words[i : i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)]


def signature(doc: Doc) -> np.ndarray | None:
    """The article's MinHash signature (``NUM_PERM`` uint32 values); None for an article with no words."""
    shingles = _shingles(doc)
    if not shingles:
        return None
    t = _template()
    # crc32: a stable 32-bit hash in C, several times faster than the default sha1 (the
    # permutations that follow make up for its weaker mixing)
    m = MinHash(num_perm=NUM_PERM, permutations=t.permutations, scheme=t.scheme, hashfunc=zlib.crc32)
    m.update_batch(shingles)
    return np.asarray(m.hashvalues, dtype=np.uint32)


def band_hashes(sig: np.ndarray) -> list[tuple[int, int]]:
    """(band, hash) pairs for the LSH index: a signed 64-bit hash of each band's values."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].tobytes()
        value = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)
        out.append((band, value))
    return out


def similarity(a: np.ndarray | bytes | Sequence[int], b: np.ndarray | bytes | Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (arrays or their stored bytes)."""
    x, y = _array(a), _array(b)
    return float(np.count_nonzero(x == y)) / len(x)


def _array(sig: np.ndarray | bytes | Sequence[int]) -> np.ndarray:
    if isinstance(sig, (bytes, bytearray, memoryview)):
        return np.frombuffer(bytes(sig), dtype=np.uint32)
    return np.asarray(sig, dtype=np.uint32)
