"""The embedder interface: texts in, unit-length float32 vectors out."""

from abc import ABC, abstractmethod

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(ABC):
    dim: int
    model: str  # the model's name, recorded by the vector store

    @abstractmethod
    def embed(self, texts: list[str]) -> Vectors:
        """One row per text, L2-normalized, so the inner product is the cosine similarity."""


def normalize_rows(vectors: npt.ArrayLike) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return array / np.where(norms == 0, 1, norms)
