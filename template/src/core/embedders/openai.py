"""Any OpenAI-compatible embeddings endpoint (OpenAI, Mistral, Ollama, vLLM...)."""

from typing import Self

import httpx
from pydantic import model_validator

from core.embedders.base import Embedder, Vectors, normalize_rows
from core.errors import ProviderError
from core.openai_client import make_client
from core.settings import EnvSettings

BATCH = 64


class OpenAIEmbedderSettings(EnvSettings):
    embedding_model: str = ""

    @model_validator(mode="after")
    def _check_model(self) -> Self:
        if not self.embedding_model:
            raise ValueError("EMBEDDER=openai needs EMBEDDING_MODEL, the endpoint's model name")
        return self


class OpenAIEmbedder(Embedder):
    def __init__(self, client: httpx.Client, model: str, dim: int) -> None:
        self._client = client
        self.model = model
        self.dim = dim

    def embed(self, texts: list[str]) -> Vectors:
        rows: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            rows.extend(self._embed_batch(texts[start : start + BATCH]))
        vectors = normalize_rows(rows) if rows else normalize_rows([[0.0] * self.dim])[:0]
        if vectors.shape[1] != self.dim:
            raise ProviderError(
                f"the endpoint returned {vectors.shape[1]}-dimensional vectors, "
                f"EMBEDDING_DIM is {self.dim}"
            )
        return vectors

    def _embed_batch(self, texts: list[str]) -> list[list[float]]:
        try:
            response = self._client.post("embeddings", json={"model": self.model, "input": texts})
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda item: item["index"])
            return [item["embedding"] for item in data]
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as error:
            raise ProviderError(f"embeddings endpoint failed: {error}") from error


def create(dim: int) -> OpenAIEmbedder:
    return OpenAIEmbedder(make_client(), OpenAIEmbedderSettings.read().embedding_model, dim)
