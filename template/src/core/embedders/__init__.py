"""Embedders: pick one with EMBEDDER."""

from core.embedders.base import Embedder
from core.settings import EmbedderName, Settings


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder is EmbedderName.SENTENCE_TRANSFORMERS:
        from core.embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(settings.embedding_model)
    if settings.embedder is EmbedderName.OPENAI:
        from core.embedders.openai import OpenAIEmbedder
        from core.openai_client import make_client

        return OpenAIEmbedder(
            make_client(settings), settings.embedding_model, settings.embedding_dim
        )
    from core.embedders.hashing import HashingEmbedder

    return HashingEmbedder(settings.embedding_dim)
