"""Embedders: pick one with EMBEDDER. Each module reads its own settings (EMBEDDING_MODEL...).
The vector store is sized by the embedder's dimension: EMBEDDING_DIM for the hashing and OpenAI
embedders, the model's own for minilm (384) and sentence-transformers."""

from core.embedders.base import Embedder
from core.settings import EmbedderName, Settings


def make_embedder(settings: Settings) -> Embedder:
    if settings.embedder is EmbedderName.MINILM:
        from core.embedders import minilm

        return minilm.create()
    if settings.embedder is EmbedderName.SENTENCE_TRANSFORMERS:
        from core.embedders import sentence_transformers

        return sentence_transformers.create()
    if settings.embedder is EmbedderName.OPENAI:
        from core.embedders import openai

        return openai.create(settings.embedding_dim)
    from core.embedders.hashing import HashingEmbedder

    return HashingEmbedder(settings.embedding_dim)
