"""Chroma: a server (CHROMA_URL) reached with the HTTP client; cosine-distance HNSW collection.

Layout: the collection holds the chunks (embedding, text, the document's metadata); its
metadata records the embedding. `<collection>_documents` holds one record per document naming
its current version (with a placeholder embedding: Chroma needs one). Chunk ids are the
document id, version and chunk index, so a document's chunks are read and removed by id.

Chroma has no transactions: `replace` writes the new version's chunks, then the record (the
commit), then removes the old version's chunks. A crash leaves at most an incomplete or a
superseded version: the store removes them when it opens (a scan of every chunk's metadata).

Keyword search: Chroma's full-text filter (a case-insensitive `$regex` on the chunk text, a scan
of every chunk: there is no index for it) finds the chunks holding any of the query's rare words
(whole, or with a plural s), or all of its common ones (see VectorStore.common_chunks), at most
CANDIDATES of them; they are ranked here with BM25-like weights computed over those chunks.
One scan fetches the chunks holding any word, and the words are counted here in them; see
keyword_candidates.
"""

import math
import re
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cached_property, wraps
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from pydantic import Field, HttpUrl

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
from core.words import query_terms

BATCH = 1000
CANDIDATES = 1000
# Keyword search's one scan reads at most this many times (common_chunks + 1) chunks per query
# term: rare terms hold fewer, and a common one among them still fits when it holds about that
# many. (Reading a chunk costs about a 5000th of a scan of 100k chunks here.)
SCAN_PER_TERM = 2
PLACEHOLDER = [1.0]  # the embedding of a record
# At open, another process may be writing a version: an incomplete version is left alone
# while younger than this.
# Writers of one document in this process take turns.
_LOCKS = [threading.Lock() for _ in range(64)]


class ChromaSettings(EnvSettings):
    chroma_url: HttpUrl
    collection: Annotated[str, Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,62}$")] = "chunks"


def _lock(document_id: str) -> threading.Lock:
    return _LOCKS[zlib.crc32(document_id.encode()) % len(_LOCKS)]


def _chunk_ids(record: dict[str, Any]) -> list[str]:
    return [
        chunk_id(record["document_id"], record["version"], index)
        for index in range(record["chunks"])
    ]


def _reachable(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except httpx.TransportError as error:
            raise StorageUnavailable(f"Chroma cannot be reached: {error}") from error
        except ValueError as error:  # what the client raises when it cannot connect first
            if "Could not connect" not in str(error):
                raise
            raise StorageUnavailable(f"Chroma cannot be reached: {error}") from error

    return call


class Term(NamedTuple):
    """A query term: its pattern (on lower-case text) and a word that every match holds."""

    word: str
    pattern: re.Pattern[str]

    def count(self, text: str) -> int:
        """Its matches in a lower-case text (the word's test first: most texts lack it)."""
        return len(self.pattern.findall(text)) if self.word in text else 0


class Candidate(NamedTuple):
    key: str
    text: str
    counts: list[int]  # each term's matches in the text


def _counts(terms: list[Term], text: str) -> list[int]:
    return [term.count(text) for term in terms]


def keyword_terms(query: str) -> list[Term]:
    """The query's terms: whole words, or plurals; a term of several words (zx-4471-b) as a
    phrase."""
    terms = sorted(set(query_terms(query)))
    patterns = [r"\b" + r"\W+".join(map(re.escape, term.split("-"))) + r"s?\b" for term in terms]
    return [
        Term(term.split("-")[0], re.compile(pattern))
        for term, pattern in zip(terms, patterns, strict=True)
    ]


def _any(terms: list[Term]) -> str:
    """Chroma's case-insensitive pattern of any of the terms."""
    return "(?i)" + "|".join(term.pattern.pattern for term in terms)


class ChromaStore(VectorStore):
    name = "chroma"

    def __init__(self, url: str, collection: str, embedding: EmbeddingRecord) -> None:
        self.embedding = embedding
        self._url = urlsplit(url)
        self._collection_name = collection
        self._embedding_recorded = False

    @cached_property
    def _client(self) -> ClientAPI:
        """Connected on first use, so a server that is down does not stop the start-up."""
        return chromadb.HttpClient(
            host=self._url.hostname or "localhost",
            port=self._url.port or (443 if self._url.scheme == "https" else 80),
            ssl=self._url.scheme == "https",
        )

    @cached_property
    def _collections(self) -> tuple[Collection, Collection]:
        """The chunks and the records, repaired when first opened."""
        chunks = self._client.get_or_create_collection(
            self._collection_name,
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        records = self._client.get_or_create_collection(
            f"{self._collection_name}_documents", embedding_function=None
        )
        self._repair(chunks, records)
        return chunks, records

    @property
    def _collection(self) -> Collection:
        return self._collections[0]

    @property
    def _records(self) -> Collection:
        return self._collections[1]

    def _repair(self, chunks: Collection, records: Collection) -> None:
        """Keep each document's latest complete version; remove superseded versions, and
        incomplete ones no writer can still be finishing."""
        versions = (
            (chunk, {key: metadata[key] for key in RECORD_FIELDS})
            for chunk, metadata in _all(chunks)
        )
        latest, stale = sort_versions(versions, datetime.now(UTC) - WRITE_GRACE)
        for start in range(0, len(stale), BATCH):
            chunks.delete(ids=stale[start : start + BATCH])
        stored = dict(_all(records))
        gone = list(stored.keys() - latest.keys())
        if gone:
            records.delete(ids=gone)
        fixed = {key: value for key, value in latest.items() if stored.get(key) != value}
        if fixed:
            records.upsert(
                ids=list(fixed),
                embeddings=[PLACEHOLDER] * len(fixed),
                metadatas=list(fixed.values()),
            )

    def _record(self, document_id: str) -> dict[str, Any] | None:
        metadatas = self._records.get(ids=[document_id], include=["metadatas"])["metadatas"]
        return dict(metadatas[0]) if metadatas else None

    @_reachable
    def replace(self, document: DocumentInfo, texts: list[str], vectors: Vectors) -> bool:
        record: dict[str, Any] = {
            "document_id": document.document_id,
            "version": uuid.uuid4().hex,
            "source": document.filename,
            "chunks": len(texts),
            "ingested_at": document.ingested_at.isoformat(),
        }
        ids = _chunk_ids(record)
        with _lock(document.document_id):
            current = self._record(document.document_id)
            if current and parse_time(current["ingested_at"]) > document.ingested_at:
                return False
            self._record_embedding()
            for start in range(0, len(ids), BATCH):
                end = start + BATCH
                self._collection.upsert(
                    ids=ids[start:end],
                    embeddings=vectors[start:end],
                    documents=texts[start:end],
                    metadatas=[
                        {**record, "chunk_index": index}
                        for index in range(start, min(end, len(ids)))
                    ],
                )
            self._records.upsert(
                ids=[document.document_id], embeddings=[PLACEHOLDER], metadatas=[record]
            )
            if current:
                self._collection.delete(ids=_chunk_ids(current))
        return True

    def _record_embedding(self) -> None:
        if self._embedding_recorded:
            return
        if self.recorded_embedding() is None:
            model, dim = self.embedding
            self._collection.modify(metadata={"embedding_model": model, "embedding_dim": dim})
        self._embedding_recorded = True

    @_reachable
    def delete(self, document_id: str) -> int:
        """The chunks first, then the record: a crash in between leaves a record of an
        incomplete version, removed at the next open."""
        with _lock(document_id):
            current = self._record(document_id)
            if current is None:
                return 0
            self._collection.delete(ids=_chunk_ids(current))
            self._records.delete(ids=[document_id])
        return int(current["chunks"])

    @_reachable
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
            _hit(text, metadata, 1.0 - distance)  # cosine distance -> cosine similarity
            for text, metadata, distance in zip(texts, metadatas, distances, strict=True)
        ]

    @_reachable
    def keyword_search(self, query: str, top_k: int) -> list[Hit]:
        terms = keyword_terms(query)
        if not terms:
            return []  # only stop words: nothing to look for
        found = self.keyword_candidates(terms)
        matching = [sum(1 for chunk in found if chunk.counts[i]) for i in range(len(terms))]
        weights = [math.log(1 + (len(found) - n + 0.5) / (n + 0.5)) for n in matching]
        scores = [
            sum(w * 2.2 * c / (c + 1.2) for w, c in zip(weights, chunk.counts, strict=True))
            for chunk in found
        ]
        best = sorted(zip(scores, found, strict=True), key=lambda item: -item[0])[:top_k]
        if not best:
            return []
        read = self._collection.get(ids=[chunk.key for _, chunk in best], include=["metadatas"])
        metadatas = dict(zip(read["ids"], read["metadatas"] or [], strict=True))
        return [  # a chunk removed since the scan is left out
            _hit(chunk.text, metadatas[chunk.key], score)
            for score, chunk in best
            if chunk.key in metadatas
        ]

    def keyword_candidates(self, terms: list[Term]) -> list[Candidate]:
        """At most CANDIDATES chunks matching any rare term, or all the terms when all are
        common, with each term's count in them.

        One scan fetches the chunks holding any term, at most SCAN_PER_TERM * (common_chunks +
        1) per term. Fewer are all of them: each term's chunks are counted here and the
        candidates chosen among them (in Chroma's order, as its own filter would). At that
        limit, some term was counted more than common_chunks times (common); each other term is
        counted by a scan of its own, and the candidates are read by one more."""
        limit = SCAN_PER_TERM * (self.common_chunks + 1) * len(terms)
        found = self._matching({"$regex": _any(terms)}, limit, terms)
        complete = len(found) < limit
        rare = [
            i
            for i, term in enumerate(terms)
            if sum(1 for chunk in found if chunk.counts[i]) <= self.common_chunks
            and (complete or not self._common(term))
        ]
        if complete:
            if rare:
                chosen = [chunk for chunk in found if any(chunk.counts[i] for i in rare)]
            else:
                chosen = [chunk for chunk in found if all(chunk.counts)]
            return chosen[:CANDIDATES]
        if rare:
            where: dict[str, Any] = {"$regex": _any([terms[i] for i in rare])}
        else:
            each = [{"$regex": _any([term])} for term in terms]
            where = each[0] if len(each) == 1 else {"$and": each}
        return self._matching(where, CANDIDATES, terms)

    def _matching(self, where: dict[str, Any], limit: int, terms: list[Term]) -> list[Candidate]:
        """The first `limit` chunks matching the filter, each with the terms' counts."""
        found = self._collection.get(where_document=where, limit=limit, include=["documents"])
        return [
            Candidate(key, text, _counts(terms, text.lower()))
            for key, text in zip(found["ids"], found["documents"] or [], strict=True)
        ]

    def _common(self, term: Term) -> bool:
        """Whether more than common_chunks chunks hold the term (at most that many read)."""
        found = self._collection.get(
            where_document={"$regex": _any([term])}, limit=self.common_chunks + 1, include=[]
        )
        return len(found["ids"]) > self.common_chunks

    @_reachable
    def texts(self, document_id: str) -> list[str]:
        current = self._record(document_id)
        if current is None:
            return []
        found = self._collection.get(ids=_chunk_ids(current), include=["documents", "metadatas"])
        pairs = zip(found["metadatas"] or [], found["documents"] or [], strict=True)
        return [text for _, text in sorted(pairs, key=lambda pair: int(pair[0]["chunk_index"]))]

    @_reachable
    def recorded_embedding(self) -> EmbeddingRecord | None:
        chunks, _ = self._collections  # created first; read again: another process may write
        metadata = self._client.get_collection(chunks.name).metadata or {}
        if "embedding_dim" not in metadata:
            return None
        return EmbeddingRecord(str(metadata["embedding_model"]), int(metadata["embedding_dim"]))

    @_reachable
    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        """Read from the records; sorted here (Chroma does not order)."""
        items = sorted(
            (
                DocumentInfo(
                    document_id=str(record["document_id"]),
                    filename=str(record["source"]),
                    chunks=int(record["chunks"]),
                    ingested_at=parse_time(str(record["ingested_at"])),
                )
                for _, record in _all(self._records)
            ),
            key=lambda item: (-item.ingested_at.timestamp(), item.document_id),
        )
        return items[offset : offset + limit], len(items)

    @_reachable
    def count(self) -> int:
        return self._collection.count()

    @_reachable
    def check(self) -> None:
        self._client.heartbeat()
        self.count()


RECORD_FIELDS = ("document_id", "version", "source", "chunks", "ingested_at")


def _all(collection: Collection) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every entry's id and metadata, a page at a time."""
    offset = 0
    while True:
        page = collection.get(include=["metadatas"], limit=BATCH, offset=offset)
        yield from zip(page["ids"], (dict(m) for m in page["metadatas"] or []), strict=True)
        if len(page["ids"]) < BATCH:
            return
        offset += BATCH


def _hit(text: str | None, metadata: Any, score: float) -> Hit:
    return Hit(
        document_id=str(metadata["document_id"]),
        source=str(metadata["source"]),
        chunk_index=int(metadata["chunk_index"]),
        text=text or "",
        score=score,
    )


def create(embedding: EmbeddingRecord) -> ChromaStore:
    settings = ChromaSettings.read()
    return ChromaStore(str(settings.chroma_url), settings.collection, embedding)
