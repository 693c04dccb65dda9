"""The facade the API and the worker use: ingest, search, ask, list, delete, readiness."""

import hashlib
import logging
import re
from datetime import UTC, datetime
from pathlib import PurePath

from core.answerers import make_answerer
from core.answerers.base import StreamedAnswer
from core.catalog import make_catalog
from core.chunking import split_text
from core.embedders import make_embedder
from core.errors import DocumentTooLarge, EmptyDocument
from core.loaders import load_text
from core.models import Answer, DocumentInfo, Hit, IngestResult
from core.settings import Settings
from core.stores import make_store
from core.stores.base import EmbeddingRecord

logger = logging.getLogger(__name__)


def document_id_for(filename: str) -> str:
    """Stable id derived from the file name: re-ingesting the same name replaces the document."""
    name = PurePath(filename).name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "document"
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    return f"{slug}-{digest}"


class RagService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embedder = make_embedder(settings)
        self.store = make_store(EmbeddingRecord(self.embedder.model, self.embedder.dim))
        self.catalog = make_catalog(self.store)
        self.answerer = make_answerer(settings)

    def ingest(self, filename: str, content: bytes) -> IngestResult:
        """Load, chunk, embed and store a document, replacing any document of the same name.

        Order: the new version's chunks, then the metadata, then removal of the old version.
        If a step fails, what this call added is removed and the old version stays complete.
        """
        filename = PurePath(filename).name
        if len(content) > self.settings.max_upload_bytes:
            raise DocumentTooLarge(
                f"{filename} is {len(content)} bytes, the limit is {self.settings.max_upload_bytes}"
            )
        texts = split_text(
            load_text(filename, content), self.settings.chunk_size, self.settings.chunk_overlap
        )
        if not texts:
            raise EmptyDocument(f"{filename} contains no text")
        vectors = self.embedder.embed(texts)
        document = DocumentInfo(
            document_id=document_id_for(filename),
            filename=filename,
            chunks=len(texts),
            ingested_at=datetime.now(UTC),
        )
        if self.store.replace(document, texts, vectors):
            self.catalog.put(document)
        logger.info("ingested %s as %s (%d chunks)", filename, document.document_id, len(texts))
        return IngestResult(document_id=document.document_id, filename=filename, chunks=len(texts))

    def search(self, query: str, top_k: int) -> list[Hit]:
        if not query.strip():
            return []
        return self.store.search(self.embedder.embed([query])[0], top_k)

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
