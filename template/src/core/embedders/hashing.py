"""Deterministic hashing embedder: no model, no download, the same vectors everywhere.

It is lexical, not semantic: texts are close when they share words (and word pairs, stop words
left out), so it finds "overdue invoices" in a text about an overdue invoice but not in one
about late bills.
Use sentence-transformers or an embeddings endpoint when meaning matters.
"""

import itertools
from functools import lru_cache
from hashlib import blake2b

import numpy as np

from core.embedders.base import Embedder, Vectors, normalize_rows
from core.words import content_words


@lru_cache(maxsize=200_000)
def _bucket(feature: str, dim: int) -> tuple[int, float]:
    """Index and sign of a feature: stable across processes (unlike hash())."""
    value = int.from_bytes(blake2b(feature.encode(), digest_size=8).digest(), "little")
    return value % dim, 1.0 if value >> 63 else -1.0


class HashingEmbedder(Embedder):
    model = "hashing"

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def embed(self, texts: list[str]) -> Vectors:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = content_words(text)
            features = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
            for feature in features:
                index, sign = _bucket(feature, self.dim)
                vectors[row, index] += sign
        # Sub-linear term frequency: a word repeated ten times is not ten times as relevant.
        vectors = np.sign(vectors) * np.log1p(np.abs(vectors))
        return normalize_rows(vectors)
