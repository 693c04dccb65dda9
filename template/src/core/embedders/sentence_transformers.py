"""A local sentence-transformers model (optional extra `local-embeddings`, imported lazily)."""

from core.embedders.base import Embedder, Vectors, normalize_rows
from core.errors import ProviderError
from core.settings import EnvSettings


class SentenceTransformerSettings(EnvSettings):
    embedding_model: str = "sentence-transformers/all-MiniLM-L6-v2"


class SentenceTransformerEmbedder(Embedder):
    def __init__(self, model_name: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ProviderError(
                "EMBEDDER=sentence-transformers needs the optional dependencies: "
                "uv pip install -r pyproject.toml --extra local-embeddings"
            ) from None
        self.model = model_name
        self._model = SentenceTransformer(model_name, device="cpu")
        dim = self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ProviderError(f"{model_name} does not report its embedding dimension")
        self.dim = dim

    def embed(self, texts: list[str]) -> Vectors:
        return normalize_rows(self._model.encode(texts, batch_size=32, convert_to_numpy=True))


def create() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(SentenceTransformerSettings.read().embedding_model)
