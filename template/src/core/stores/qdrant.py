"""Qdrant: a server (QDRANT_URL), or the client's local mode on a folder (QDRANT_PATH).

Local mode is for development and tests: one process at a time opens the folder, and its
searches and filters read every point. Use a server for large data (the Compose file runs one).

Layout: the collection holds the chunks: a dense vector (similarity), a sparse vector of the
words (keyword search, weighted by Qdrant's IDF), the text and the document's metadata; its
metadata records the embedding. `<collection>_documents` holds one record per document naming
its current version. Point ids derive from the document id, version and chunk index, so a
document's points are read and removed by id, never by a filter.

Keyword search: the points of the query's rare words, re-scored by all of them; when all its
words are common (VectorStore.common_chunks), the points whose text holds every one (a filter).

Qdrant has no transactions: `replace` writes the new version's chunks, then the record (the
commit), then removes the old version's chunks. A crash leaves at most an incomplete or a
superseded version: the store removes them when it opens (a scan of every point).
"""

import logging
import threading
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cached_property, wraps
from typing import Annotated, Any, Self

from pydantic import Field, HttpUrl, model_validator
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import ResponseHandlingException

from core.embedders.base import Vectors
from core.errors import StorageUnavailable
from core.models import DocumentInfo, Hit
from core.settings import EnvSettings
from core.stores.base import (
    WRITE_GRACE,
    EmbeddingRecord,
    VectorStore,
    chunk_id,
    parse_time,
    sort_versions,
)
from core.words import indexed_terms, query_terms

logger = logging.getLogger(__name__)

BATCH = 256
WORDS = "words"  # the sparse vector
# At open, another process may be writing a version (server mode): an incomplete version is
# left alone while younger than this.
# Writers of one document in this process take turns.
_LOCKS = [threading.Lock() for _ in range(64)]


class QdrantSettings(EnvSettings):
    qdrant_url: HttpUrl | None = None
    qdrant_path: str | None = None
    collection: Annotated[str, Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,62}$")] = "chunks"

    @model_validator(mode="after")
    def _one_location(self) -> Self:
        if (self.qdrant_url is None) == (self.qdrant_path is None):
            raise ValueError("set exactly one of QDRANT_URL (server) and QDRANT_PATH (local mode)")
        return self


def _lock(document_id: str) -> threading.Lock:
    return _LOCKS[zlib.crc32(document_id.encode()) % len(_LOCKS)]


def _uuid(name: str) -> str:
    """Qdrant ids are UUIDs or integers: one derived from a name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def _record_id(document_id: str) -> str:
    return _uuid(f"document:{document_id}")


def _chunk_ids(document_id: str, version: str, chunks: int) -> list[str]:
    return [_uuid(chunk_id(document_id, version, index)) for index in range(chunks)]


def words_vector(terms: list[str]) -> models.SparseVector:
    """Each term's hash with its saturated count (BM25's k1 = 1.2); Qdrant multiplies by IDF."""
    counts = Counter(zlib.crc32(term.encode()) for term in terms)
    return models.SparseVector(
        indices=list(counts), values=[2.2 * count / (count + 1.2) for count in counts.values()]
    )


def _holding(term: str) -> models.FieldCondition:
    """A filter on the chunk text: it holds the term (a word, or its plural; the words of a
    term of several, ZX-4471-B, in a row)."""
    if "-" in term:
        return models.FieldCondition(key="text", match=models.MatchPhrase(phrase=term))
    return models.FieldCondition(key="text", match=models.MatchTextAny(text_any=f"{term} {term}s"))


def _reachable(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except ResponseHandlingException as error:
            raise StorageUnavailable(f"Qdrant cannot be reached: {error}") from error

    return call


class QdrantStore(VectorStore):
    name = "qdrant"

    def __init__(
        self, url: HttpUrl | None, path: str | None, collection: str, embedding: EmbeddingRecord
    ) -> None:
        self.embedding = embedding
        self._url = url
        self._path = path
        self._collection = collection
        self._records = f"{collection}_documents"
        self._embedding_recorded = False

    @cached_property
    def _client(self) -> QdrantClient:
        """Connected on first use, so a server that is down does not stop the start-up."""
        client = QdrantClient(url=str(self._url)) if self._url else QdrantClient(path=self._path)
        if not client.collection_exists(self._collection):
            client.create_collection(
                self._collection,
                vectors_config=models.VectorParams(
                    size=self.embedding.dim, distance=models.Distance.COSINE
                ),
                sparse_vectors_config={
                    WORDS: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
            )
        if not client.collection_exists(self._records):
            client.create_collection(self._records, vectors_config={})
        self._repair(client)
        return client

    def close(self) -> None:
        """Local mode: the folder is free for another client (one at a time)."""
        client = self.__dict__.pop("_client", None)
        if client is not None:
            client.close()

    @cached_property
    def _keywords(self) -> bool:
        """Whether the collection has the words vector (one made before keyword search has not,
        and Qdrant cannot add it)."""
        config = self._client.get_collection(self._collection).config.params
        if WORDS not in (config.sparse_vectors or {}):
            logger.warning(
                "collection %s has no keyword search: ingest again into a new COLLECTION",
                self._collection,
            )
            return False
        return True

    def _repair(self, client: QdrantClient) -> None:
        """Keep each document's latest complete version; remove superseded versions, and
        incomplete ones no writer can still be finishing."""
        fields = ["document_id", "version", "source", "chunks", "ingested_at"]
        versions = (
            (point.id, point.payload) for point in self._scroll(client, self._collection, fields)
        )
        cutoff = datetime.now(UTC) - (WRITE_GRACE if self._url else timedelta(0))
        latest, stale = sort_versions(versions, cutoff)
        for start in range(0, len(stale), BATCH):
            client.delete(self._collection, stale[start : start + BATCH], wait=True)
        records = {
            point.payload["document_id"]: point.payload
            for point in self._scroll(client, self._records, True)
        }
        gone = [_record_id(document_id) for document_id in records.keys() - latest.keys()]
        if gone:
            client.delete(self._records, gone, wait=True)
        fixed = [
            models.PointStruct(id=_record_id(document_id), vector={}, payload=payload)
            for document_id, payload in latest.items()
            if records.get(document_id) != payload
        ]
        if fixed:
            client.upsert(self._records, fixed, wait=True)

    @staticmethod
    def _scroll(client: QdrantClient, collection: str, payload: Any) -> Iterator[models.Record]:
        next_page: Any = None
        while True:
            points, next_page = client.scroll(
                collection, limit=BATCH, offset=next_page, with_payload=payload
            )
            yield from points
            if next_page is None:
                return

    def _record(self, document_id: str) -> dict[str, Any] | None:
        found = self._client.retrieve(self._records, [_record_id(document_id)])
        return found[0].payload if found else None

    @_reachable
    def replace(self, document: DocumentInfo, texts: list[str], vectors: Vectors) -> bool:
        record = {
            "document_id": document.document_id,
            "version": uuid.uuid4().hex,
            "source": document.filename,
            "chunks": len(texts),
            "ingested_at": document.ingested_at.isoformat(),
        }
        ids = _chunk_ids(document.document_id, record["version"], len(texts))
        points = [
            models.PointStruct(
                id=point_id,
                vector={"": vector.tolist(), WORDS: words_vector(indexed_terms(text))}
                if self._keywords
                else vector.tolist(),
                payload={**record, "chunk_index": index, "text": text},
            )
            for index, (point_id, text, vector) in enumerate(zip(ids, texts, vectors, strict=True))
        ]
        record_point = models.PointStruct(
            id=_record_id(document.document_id), vector={}, payload=record
        )
        with _lock(document.document_id):
            current = self._record(document.document_id)
            if current and parse_time(current["ingested_at"]) > document.ingested_at:
                return False
            self._record_embedding()
            for start in range(0, len(points), BATCH):
                self._client.upsert(self._collection, points[start : start + BATCH], wait=True)
            self._client.upsert(self._records, [record_point], wait=True)
            if current:
                self._delete_chunks(current)
        return True

    def _record_embedding(self) -> None:
        if self._embedding_recorded:
            return
        if self.recorded_embedding() is None:
            model, dim = self.embedding
            metadata = {"embedding_model": model, "embedding_dim": dim}
            self._client.update_collection(self._collection, metadata=metadata)
        self._embedding_recorded = True

    def _delete_chunks(self, record: dict[str, Any]) -> None:
        ids = _chunk_ids(record["document_id"], record["version"], record["chunks"])
        for start in range(0, len(ids), BATCH):
            self._client.delete(self._collection, ids[start : start + BATCH], wait=True)

    @_reachable
    def delete(self, document_id: str) -> int:
        """The chunks first, then the record: a crash in between leaves a record of an
        incomplete version, removed at the next open."""
        with _lock(document_id):
            current = self._record(document_id)
            if current is None:
                return 0
            self._delete_chunks(current)
            self._client.delete(self._records, [_record_id(document_id)], wait=True)
        return current["chunks"]

    @_reachable
    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        points = self._client.query_points(
            self._collection, query=vector.tolist(), limit=top_k, with_payload=True
        ).points
        return [_hit(point) for point in points]

    @_reachable
    def keyword_search(self, query: str, top_k: int) -> list[Hit]:
        terms = query_terms(query)
        if not terms or not self._keywords:
            return []  # only stop words, or a collection without words
        rare = self._rare(list(dict.fromkeys(terms)))
        if rare:  # the points of the rare terms (all of them), ranked by every term
            prefetch = models.Prefetch(
                query=words_vector(rare), using=WORDS, limit=len(rare) * self.common_chunks
            )
            holding = None
        else:
            prefetch = None
            holding = models.Filter(must=[_holding(term) for term in dict.fromkeys(terms)])
        points = self._client.query_points(
            self._collection, prefetch=prefetch, query=words_vector(terms), using=WORDS,
            query_filter=holding, limit=top_k, with_payload=True,
        ).points  # fmt: skip
        return [_hit(point) for point in points]

    def _rare(self, terms: list[str]) -> list[str]:
        """The terms that at most common_chunks points hold (at most that many read for each;
        one request)."""
        found = self._client.query_batch_points(
            self._collection,
            [
                models.QueryRequest(
                    query=words_vector([term]), using=WORDS, limit=self.common_chunks + 1
                )
                for term in terms
            ],
        )
        return [
            term
            for term, result in zip(terms, found, strict=True)
            if len(result.points) <= self.common_chunks
        ]

    @_reachable
    def texts(self, document_id: str) -> list[str]:
        current = self._record(document_id)
        if current is None:
            return []
        ids = _chunk_ids(document_id, current["version"], current["chunks"])
        points = self._client.retrieve(self._collection, ids, with_payload=["chunk_index", "text"])
        return [point.payload["text"] for point in sorted(points, key=_chunk_index)]

    @_reachable
    def recorded_embedding(self) -> EmbeddingRecord | None:
        metadata = self._client.get_collection(self._collection).config.metadata or {}
        if "embedding_dim" not in metadata:
            return None
        return EmbeddingRecord(metadata["embedding_model"], metadata["embedding_dim"])

    @_reachable
    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        """Read from the records; sorted here (scroll orders by id)."""
        items = [
            DocumentInfo(
                document_id=record.payload["document_id"],
                filename=record.payload["source"],
                chunks=record.payload["chunks"],
                ingested_at=parse_time(record.payload["ingested_at"]),
            )
            for record in self._scroll(self._client, self._records, True)
        ]
        items.sort(key=lambda item: (-item.ingested_at.timestamp(), item.document_id))
        return items[offset : offset + limit], len(items)

    @_reachable
    def count(self) -> int:
        return self._client.count(self._collection, exact=True).count

    def check(self) -> None:
        self.count()


def _chunk_index(point: models.Record) -> int:
    return point.payload["chunk_index"]


def _hit(point: models.ScoredPoint) -> Hit:
    payload = point.payload or {}
    return Hit(
        document_id=payload["document_id"],
        source=payload["source"],
        chunk_index=payload["chunk_index"],
        text=payload["text"],
        score=point.score,
    )


def create(embedding: EmbeddingRecord) -> QdrantStore:
    settings = QdrantSettings.read()
    return QdrantStore(settings.qdrant_url, settings.qdrant_path, settings.collection, embedding)
