"""The facade the API and the worker use: ingest, search, ask, list, delete, readiness."""

import hashlib
import itertools
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePath

import numpy as np

from core.answerers import make_answerer
from core.answerers.base import StreamedAnswer
from core.catalog import make_catalog
from core.chunking import split_text
from core.embedders import make_embedder
from core.embedders.base import Vectors
from core.errors import DocumentTooLarge, EmptyDocument
from core.loaders import load_text
from core.models import Answer, DocumentInfo, Hit, IngestResult
from core.retrieval import CANDIDATES, fuse
from core.settings import SearchMode, Settings
from core.stores import make_store
from core.stores.base import EmbeddingRecord

logger = logging.getLogger(__name__)

EMBED_BATCH = 256  # texts per embedder call


def describe(embedding: EmbeddingRecord) -> str:
    return f"{embedding.model} ({embedding.dim} dimensions)"


def document_id_for(filename: str) -> str:
    """Stable id derived from the file name: re-ingesting the same name replaces the document."""
    name = PurePath(filename).name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "document"
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{slug}-{digest}"


def document_for(filename: str, texts: list[str]) -> DocumentInfo:
    return DocumentInfo(
        document_id=document_id_for(filename),
        filename=filename,
        chunks=len(texts),
        ingested_at=datetime.now(UTC),
    )


def result_for(document: DocumentInfo) -> IngestResult:
    logger.info("ingested %s as %s (%d chunks)", document.filename, document.document_id,
                document.chunks)  # fmt: skip
    return IngestResult(
        document_id=document.document_id, filename=document.filename, chunks=document.chunks
    )


def batches(chunked: list[tuple[str, list[str]]]) -> Iterator[list[tuple[str, list[str]]]]:
    """Consecutive documents (name, chunks), grouped until a group has EMBED_BATCH chunks."""
    group: list[tuple[str, list[str]]] = []
    size = 0
    for name, texts in chunked:
        group.append((name, texts))
        size += len(texts)
        if size >= EMBED_BATCH:
            yield group
            group, size = [], 0
    if group:
        yield group


class EmbeddingMismatch(SystemExit):
    """The store's vectors were made by another embedder: stops the program."""


class RagService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedder = make_embedder(settings)
        self.embedding = EmbeddingRecord(self.embedder.model, self.embedder.dim)
        self.store = make_store(self.embedding)
        recorded = self.store.recorded_embedding()
        if recorded is not None and recorded != self.embedding:
            raise EmbeddingMismatch(
                f"the vector store holds vectors of {describe(recorded)}, but the embedder is "
                f"{describe(self.embedding)}: run `make reindex` to re-embed the documents "
                "(or set EMBEDDER, EMBEDDING_MODEL and EMBEDDING_DIM back)"
            )
        self.catalog = make_catalog(self.store)
        self.answerer = make_answerer(settings)

    def ingest(self, filename: str, content: bytes) -> IngestResult:
        """Load, chunk, embed and store a document, replacing any document of the same name."""
        filename = PurePath(filename).name
        return self.ingest_texts(filename, self._chunks(filename, content))

    def ingest_many(self, files: list[tuple[str, bytes]]) -> list[IngestResult]:
        """Ingest several documents, in groups of at least EMBED_BATCH chunks: one embedder call
        per batch, one store call per group (one transaction where the store has them)."""
        chunked = [(PurePath(name).name, self._chunks(name, content)) for name, content in files]
        results: list[IngestResult] = []
        for group in batches(chunked):
            vectors = self._embed([text for _, texts in group for text in texts])
            ends = itertools.accumulate(len(texts) for _, texts in group)
            results += self._write(
                [
                    (document_for(filename, texts), texts, vectors[end - len(texts) : end])
                    for (filename, texts), end in zip(group, ends, strict=True)
                ]
            )
        return results

    def _write(
        self, documents: list[tuple[DocumentInfo, list[str], Vectors]]
    ) -> list[IngestResult]:
        """The store replaces each document in one step; when two ingestions of one name race,
        the later one wins in the store and in the catalog."""
        replaced = self.store.replace_many(documents)
        for (document, _, _), stored in zip(documents, replaced, strict=True):
            if stored:
                self.catalog.put(document)
        return [result_for(document) for document, _, _ in documents]

    def ingest_texts(self, filename: str, texts: list[str]) -> IngestResult:
        """Embed and store already-chunked text as the document `filename`."""
        texts = [text for text in texts if text.strip()]
        if not texts:
            raise EmptyDocument(f"{filename} contains no text")
        document = document_for(PurePath(filename).name, texts)
        [result] = self._write([(document, texts, self._embed(texts))])
        return result

    def _chunks(self, filename: str, content: bytes) -> list[str]:
        if len(content) > self.settings.max_upload_bytes:
            raise DocumentTooLarge(
                f"{filename} is {len(content)} bytes, the limit is {self.settings.max_upload_bytes}"
            )
        text = load_text(filename, content, self.settings.max_text_chars)
        texts = split_text(
            text, self.settings.chunk_size, self.settings.chunk_overlap, self.settings.max_chunks
        )
        if not texts:
            raise EmptyDocument(f"{filename} contains no text")
        return texts

    def _embed(self, texts: list[str]) -> Vectors:
        parts = [
            self.embedder.embed(texts[start : start + EMBED_BATCH])
            for start in range(0, len(texts), EMBED_BATCH)
        ]
        return np.concatenate(parts)

    def search(self, query: str, top_k: int, mode: SearchMode | None = None) -> list[Hit]:
        """The top_k chunks for the query, best first, by SEARCH_MODE (core/retrieval.py)."""
        if not query.strip():
            return []
        mode = mode or self.settings.search_mode
        if mode == SearchMode.KEYWORD:
            return self.store.keyword_search(query, top_k)
        vector = self.embedder.embed([query])[0]
        if mode == SearchMode.VECTOR:
            return self.store.search(vector, top_k)
        depth = max(top_k, CANDIDATES)
        rankings = [self.store.search(vector, depth), self.store.keyword_search(query, depth)]
        return fuse(rankings, top_k)

    def ask(self, question: str, top_k: int) -> Answer:
        return self.answerer.answer(question, self.search(question, top_k))

    def ask_streamed(self, question: str, top_k: int) -> StreamedAnswer:
        return self.answerer.stream(question, self.search(question, top_k))

    def list_documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        return self.catalog.documents(offset, limit)

    def delete_document(self, document_id: str) -> bool:
        """Chunks first, then metadata: a document is never listed without being searchable
        for longer than this call. False if there was no such document."""
        removed_chunks = self.store.delete(document_id)
        removed_metadata = self.catalog.remove(document_id)
        return removed_chunks > 0 or removed_metadata

    def close(self) -> None:
        self.store.close()

    def chunk_count(self) -> int:
        return self.store.count()

    def check_ready(self) -> dict[str, str]:
        """Each dependency ("vector_store", "database") mapped to "ok" or its error."""
        checks = {"vector_store": self.store.check}
        if self.catalog.name != "vector_store":
            checks["database"] = self.catalog.check
        status = {}
        for name, check in checks.items():
            try:
                check()
                status[name] = "ok"
            except Exception as error:
                status[name] = f"{type(error).__name__}: {error}"
        return status
