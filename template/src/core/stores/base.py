"""The vector store interface.

A store keeps each document's chunks: their text, their vectors and the document's metadata.
Every write is a whole document, all or nothing, safe from any number of threads and processes:
`replace` puts a document in place of any earlier version, `delete` removes one. When writers
race on one document, the version with the latest `ingested_at` wins, complete (the catalog
follows the same rule). After a crash, each document is complete or absent: a store that cannot
commit atomically repairs itself when it opens.

A store also records the embedding model and dimension of its vectors on its first write, so a
service started with another embedder is stopped (see core.service). A store emptied of every
chunk records the embedding of its next write: that is how `make reindex` (core.reindex)
changes it.
"""

from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, runtime_checkable

from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit


class EmbeddingRecord(NamedTuple):
    """What made a store's vectors."""

    model: str
    dim: int


class VectorStore(ABC):
    name: str
    # Keyword search's common terms, after Lucene's CommonTermsQuery: a term found in more
    # chunks than this says little about a chunk and would make the search rank a large part
    # of the store. Common terms only re-rank the chunks that the query's other (rare) terms
    # match; a query of only common terms matches the chunks holding all of them. So a search
    # ranks at most this many chunks per rare term, and a rare identifier is still found.
    common_chunks = 1000

    @abstractmethod
    def replace(self, document: DocumentInfo, texts: list[str], vectors: Vectors) -> bool:
        """Store a document in place of any earlier version, all or nothing.

        False, with nothing changed, when a version with a later `ingested_at` is stored.
        """

    def replace_many(self, documents: list[tuple[DocumentInfo, list[str], Vectors]]) -> list[bool]:
        """`replace` of each (document, texts, vectors); a store may do it in fewer round trips
        or transactions (each document still all or nothing)."""
        return [self.replace(*document) for document in documents]

    @abstractmethod
    def delete(self, document_id: str) -> int:
        """Remove a document's chunks; return how many there were."""

    @abstractmethod
    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        """The top_k chunks closest to a unit vector, best first; score is the cosine similarity."""

    @abstractmethod
    def keyword_search(self, query: str, top_k: int) -> list[Hit]:
        """The top_k chunks that best match the query's words (full-text search), best first;
        score is the store's own text relevance. The chunks holding any of the query's rare
        terms match, ranked by all its terms; a query of only common terms (see common_chunks)
        matches the chunks holding every one of them."""

    @abstractmethod
    def texts(self, document_id: str) -> list[str]:
        """A document's chunk texts in order (empty if absent): what re-embedding reads."""

    @abstractmethod
    def recorded_embedding(self) -> EmbeddingRecord | None:
        """The model and dimension recorded by the first write; None while nothing was written."""

    @abstractmethod
    def count(self) -> int:
        """Number of stored chunks."""

    @abstractmethod
    def check(self) -> None:
        """Raise if the store cannot be used (read or written)."""

    def close(self) -> None:  # noqa: B027 (most stores hold nothing to release)
        """Release what the store holds open (a local folder, connections)."""


@runtime_checkable
class DocumentListing(Protocol):
    """A store that can list documents itself (when there is no metadata database)."""

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]: ...


def chunk_id(document_id: str, version: str, chunk_index: int) -> str:
    return f"{document_id}:{version}:{chunk_index}"


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


# Stores without transactions write a document's new version beside the old one, then commit it
# in a record of the document: a writer may still be finishing a version for this long.
WRITE_GRACE = timedelta(minutes=10)


def sort_versions(
    chunks: Iterable[tuple[Any, dict[str, Any]]], cutoff: datetime
) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    """From every chunk (its id, its version's payload): each document's latest complete
    version, and the chunks to remove: superseded versions, and incomplete ones from before
    cutoff (no writer can still be finishing them)."""
    ids: dict[tuple[str, str], list[Any]] = defaultdict(list)
    versions: dict[tuple[str, str], dict[str, Any]] = {}
    for chunk, payload in chunks:
        key = (payload["document_id"], payload["version"])
        ids[key].append(chunk)
        versions[key] = payload
    latest: dict[str, dict[str, Any]] = {}
    for key, payload in versions.items():
        if len(ids[key]) == payload["chunks"] and _newer(payload, latest.get(key[0])):
            latest[key[0]] = payload
    stale = []
    for (document_id, version), payload in versions.items():
        kept = latest.get(document_id)
        if payload is kept:
            continue
        if _newer(kept, payload) or parse_time(payload["ingested_at"]) < cutoff:
            stale += ids[document_id, version]
    return latest, stale


def _newer(payload: dict[str, Any] | None, than: dict[str, Any] | None) -> bool:
    """Whether a version is later than another (None: no version); ties by version id."""
    if payload is None or than is None:
        return than is None and payload is not None
    return (parse_time(payload["ingested_at"]), payload["version"]) > (
        parse_time(than["ingested_at"]),
        than["version"],
    )
