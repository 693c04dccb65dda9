"""Chroma: a server (CHROMA_URL) reached with the HTTP client; cosine-distance HNSW collection."""

from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from pydantic import Field, HttpUrl

from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit
from core.settings import EnvSettings
from core.stores.base import VectorStore, chunk_id, parse_time


class ChromaSettings(EnvSettings):
    chroma_url: HttpUrl
    collection: Annotated[str, Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,62}$")] = "chunks"


class ChromaStore(VectorStore):
    name = "chroma"

    def __init__(self, url: str, collection: str, dim: int) -> None:
        self.dim = dim
        self._url = urlsplit(url)
        self._collection_name = collection

    @cached_property
    def _client(self) -> ClientAPI:
        """Connected on first use, so a server that is down does not stop the start-up."""
        return chromadb.HttpClient(
            host=self._url.hostname or "localhost",
            port=self._url.port or (443 if self._url.scheme == "https" else 80),
            ssl=self._url.scheme == "https",
        )

    @cached_property
    def _collection(self) -> Collection:
        return self._client.get_or_create_collection(
            self._collection_name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )

    def add(self, document: DocumentInfo, version: str, texts: list[str], vectors: Vectors) -> None:
        metadata: dict[str, Any] = {
            "document_id": document.document_id,
            "version": version,
            "source": document.filename,
            "chunks": document.chunks,
            "ingested_at": document.ingested_at.isoformat(),
        }
        self._collection.add(
            ids=[chunk_id(document.document_id, version, i) for i in range(len(texts))],
            embeddings=vectors,
            documents=texts,
            metadatas=[{**metadata, "chunk_index": i} for i in range(len(texts))],
        )

    def delete(self, document_id: str, keep_version: str | None = None) -> int:
        where: dict[str, Any] = {"document_id": document_id}
        if keep_version is not None:
            where = {"$and": [where, {"version": {"$ne": keep_version}}]}
        return self._delete(where)

    def delete_version(self, document_id: str, version: str) -> None:
        self._delete({"$and": [{"document_id": document_id}, {"version": version}]})

    def _delete(self, where: dict[str, Any]) -> int:
        ids = self._collection.get(where=where, include=[])["ids"]
        if ids:
            self._collection.delete(ids=ids)
        return len(ids)

    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        result = self._collection.query(
            query_embeddings=[vector],
            n_results=top_k,
            include=["documents", "metadatas", "distances"],
        )
        texts = (result["documents"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            Hit(
                document_id=str(metadata["document_id"]),
                source=str(metadata["source"]),
                chunk_index=int(metadata["chunk_index"]),  # type: ignore[arg-type]
                text=text,
                score=1.0 - distance,  # cosine distance -> cosine similarity
            )
            for text, metadata, distance in zip(texts, metadatas, distances, strict=True)
        ]

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        """Read from each document's first chunk; sorted here (Chroma does not order)."""
        firsts = self._collection.get(where={"chunk_index": 0}, include=["metadatas"])
        items = sorted(
            (
                DocumentInfo(
                    document_id=str(metadata["document_id"]),
                    filename=str(metadata["source"]),
                    chunks=int(metadata["chunks"]),  # type: ignore[arg-type]
                    ingested_at=parse_time(str(metadata["ingested_at"])),
                )
                for metadata in firsts["metadatas"] or []
            ),
            key=lambda item: (-item.ingested_at.timestamp(), item.document_id),
        )
        return items[offset : offset + limit], len(items)

    def count(self) -> int:
        return self._collection.count()

    def check(self) -> None:
        self._client.heartbeat()
        self.count()


def create(dim: int) -> ChromaStore:
    settings = ChromaSettings.read()
    return ChromaStore(str(settings.chroma_url), settings.collection, dim)
