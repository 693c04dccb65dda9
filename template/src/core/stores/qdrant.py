"""Qdrant: a server (QDRANT_URL), or the client's local mode on a folder (QDRANT_PATH).

Local mode is for development and tests: only one process may open the folder at a time.
"""

import uuid
from functools import cached_property
from typing import Annotated, Any, Self

from pydantic import Field, HttpUrl, model_validator
from qdrant_client import QdrantClient, models

from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit
from core.settings import EnvSettings
from core.stores.base import VectorStore, chunk_id, parse_time

BATCH = 256


class QdrantSettings(EnvSettings):
    qdrant_url: HttpUrl | None = None
    qdrant_path: str | None = None
    collection: Annotated[str, Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,62}$")] = "chunks"

    @model_validator(mode="after")
    def _one_location(self) -> Self:
        if (self.qdrant_url is None) == (self.qdrant_path is None):
            raise ValueError("set exactly one of QDRANT_URL (server) and QDRANT_PATH (local mode)")
        return self


def _point_id(document_id: str, version: str, chunk_index: int) -> str:
    """Qdrant ids are UUIDs or integers: a UUID derived from the chunk id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, chunk_id(document_id, version, chunk_index)))


def _match(**fields: Any) -> list[models.Condition]:
    return [
        models.FieldCondition(key=key, match=models.MatchValue(value=value))
        for key, value in fields.items()
    ]


class QdrantStore(VectorStore):
    name = "qdrant"

    def __init__(self, url: HttpUrl | None, path: str | None, collection: str, dim: int) -> None:
        self.dim = dim
        self._url = url
        self._path = path
        self._collection = collection

    @cached_property
    def _client(self) -> QdrantClient:
        """Connected on first use, so a server that is down does not stop the start-up."""
        if self._url is not None:
            client = QdrantClient(url=str(self._url))
        else:
            client = QdrantClient(path=self._path)
        if not client.collection_exists(self._collection):
            client.create_collection(
                self._collection,
                vectors_config=models.VectorParams(size=self.dim, distance=models.Distance.COSINE),
            )
            self._create_payload_indexes(client)
        return client

    def _create_payload_indexes(self, client: QdrantClient) -> None:
        """Server only: local mode filters without indexes (and warns if asked for one)."""
        if self._url is None:
            return
        for field, schema in (
            ("document_id", models.PayloadSchemaType.KEYWORD),
            ("chunk_index", models.PayloadSchemaType.INTEGER),
        ):
            client.create_payload_index(self._collection, field, field_schema=schema)

    def add(self, document: DocumentInfo, version: str, texts: list[str], vectors: Vectors) -> None:
        payload = {
            "document_id": document.document_id,
            "version": version,
            "source": document.filename,
            "chunks": document.chunks,
            "ingested_at": document.ingested_at.isoformat(),
        }
        points = [
            models.PointStruct(
                id=_point_id(document.document_id, version, index),
                vector=vector.tolist(),
                payload={**payload, "chunk_index": index, "text": text},
            )
            for index, (text, vector) in enumerate(zip(texts, vectors, strict=True))
        ]
        for start in range(0, len(points), BATCH):
            self._client.upsert(self._collection, points[start : start + BATCH], wait=True)

    def delete(self, document_id: str, keep_version: str | None = None) -> int:
        keep = _match(version=keep_version) if keep_version is not None else None
        return self._delete(models.Filter(must=_match(document_id=document_id), must_not=keep))

    def delete_version(self, document_id: str, version: str) -> None:
        self._delete(models.Filter(must=_match(document_id=document_id, version=version)))

    def _delete(self, selector: models.Filter) -> int:
        found = self._client.count(self._collection, count_filter=selector, exact=True).count
        if found:
            self._client.delete(
                self._collection, points_selector=models.FilterSelector(filter=selector), wait=True
            )
        return found

    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        points = self._client.query_points(
            self._collection, query=vector.tolist(), limit=top_k, with_payload=True
        ).points
        return [
            Hit(
                document_id=point.payload["document_id"],
                source=point.payload["source"],
                chunk_index=point.payload["chunk_index"],
                text=point.payload["text"],
                score=point.score,
            )
            for point in points
            if point.payload is not None
        ]

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        """Read from each document's first chunk; sorted here (scroll orders by id)."""
        firsts: list[DocumentInfo] = []
        next_page: Any = None
        while True:
            points, next_page = self._client.scroll(
                self._collection,
                scroll_filter=models.Filter(must=_match(chunk_index=0)),
                limit=BATCH,
                offset=next_page,
                with_payload=["document_id", "source", "chunks", "ingested_at"],
            )
            firsts.extend(
                DocumentInfo(
                    document_id=point.payload["document_id"],
                    filename=point.payload["source"],
                    chunks=point.payload["chunks"],
                    ingested_at=parse_time(point.payload["ingested_at"]),
                )
                for point in points
                if point.payload is not None
            )
            if next_page is None:
                break
        firsts.sort(key=lambda item: (-item.ingested_at.timestamp(), item.document_id))
        return firsts[offset : offset + limit], len(firsts)

    def count(self) -> int:
        return self._client.count(self._collection, exact=True).count

    def check(self) -> None:
        self.count()


def create(dim: int) -> QdrantStore:
    settings = QdrantSettings.read()
    return QdrantStore(settings.qdrant_url, settings.qdrant_path, settings.collection, dim)
