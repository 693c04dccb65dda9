"""Chroma specifics: a real `chroma run` server (see tests/backends/chroma.py); versions
written without transactions, repaired at open; keyword search with Chroma's text filter."""

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.embedders.base import Vectors
from core.embedders.hashing import HashingEmbedder
from core.errors import StorageUnavailable
from core.models import DocumentInfo
from core.service import RagService
from core.settings import SearchMode, Settings, SettingsError
from core.stores import chroma
from core.stores.base import EmbeddingRecord, chunk_id
from core.stores.chroma import ChromaStore, create
from tests.backends import EMBEDDING_DIM

EMBEDDING = EmbeddingRecord("hashing", EMBEDDING_DIM)


def test_collection_uses_cosine_distance(service: RagService) -> None:
    service.ingest("a.txt", b"exactly these words")
    hit = service.search("exactly these words", top_k=1, mode=SearchMode.VECTOR)[0]
    assert hit.score == pytest.approx(1.0, abs=1e-4)  # same text: cosine similarity 1


def test_two_services_share_the_server(settings: Settings) -> None:
    writer, reader = RagService(settings), RagService(settings)
    writer.ingest("shared.md", b"Written by one process, read by another.")
    assert [hit.source for hit in reader.search("written read", top_k=1)] == ["shared.md"]


def test_not_ready_names_the_vector_store(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMA_URL", "http://127.0.0.1:9")  # nothing listens
    try:
        problem = RagService(settings).check_ready()["vector_store"]
    except StorageUnavailable as error:  # the store's embedding record is read at start
        problem = str(error)
    assert "cannot be reached" in problem


def test_chroma_url_is_required(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROMA_URL")
    with pytest.raises(SettingsError, match="CHROMA_URL: Field required"):
        RagService(settings)


FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def _version(
    document_id: str, number: int, texts: list[str], after: datetime = FIXED_TIME
) -> tuple[DocumentInfo, list[str], Vectors]:
    """Version `number` of a document, ingested `number` seconds after a time."""
    document = DocumentInfo(
        document_id=document_id,
        filename=f"{document_id}.txt",
        chunks=len(texts),
        ingested_at=after + timedelta(seconds=number),
    )
    return document, texts, HashingEmbedder(EMBEDDING_DIM).embed(texts)


def _texts_of(number: int) -> list[str]:
    return [f"Version {number} chunk {i}." for i in range(number % 4 + 1)]


def test_replace_keeps_the_latest_version(settings: Settings) -> None:
    store = create(EMBEDDING)
    assert store.replace(*_version("manual", 2, ["two a", "two b"])) is True
    assert store.replace(*_version("manual", 1, ["one"])) is False  # older: nothing changes
    assert store.texts("manual") == ["two a", "two b"]
    assert store.replace(*_version("manual", 3, ["three"])) is True
    assert (store.texts("manual"), store.count()) == (["three"], 1)
    assert store.documents(0, 10)[1] == 1
    assert store.delete("manual") == 1
    assert (store.texts("manual"), store.count(), store.documents(0, 10)) == ([], 0, ([], 0))


def test_threads_replacing_one_document_leave_the_latest_whole(settings: Settings) -> None:
    store = create(EMBEDDING)
    start = threading.Barrier(8)

    def write(number: int) -> None:
        start.wait(timeout=30)
        store.replace(*_version("manual", number, _texts_of(number)))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, random.sample(range(8), 8)))
    assert store.texts("manual") == _texts_of(7)
    assert store.count() == len(_texts_of(7))


def _plant(
    store: ChromaStore,
    document_id: str,
    number: int,
    texts: list[str],
    written: int,
    after: datetime = FIXED_TIME,
) -> None:
    """The first `written` chunks of a version, as a writer leaves them (crashed, or busy)."""
    document, texts, vectors = _version(document_id, number, texts, after)
    version = f"planted{number}"
    metadata = {
        "document_id": document_id,
        "version": version,
        "source": document.filename,
        "chunks": len(texts),
        "ingested_at": document.ingested_at.isoformat(),
    }
    store._collection.add(
        ids=[chunk_id(document_id, version, index) for index in range(written)],
        embeddings=vectors[:written],
        documents=texts[:written],
        metadatas=[{**metadata, "chunk_index": index} for index in range(written)],
    )


def test_opening_repairs_what_a_crash_left(settings: Settings) -> None:
    store = create(EMBEDDING)
    store.replace(*_version("incomplete", 1, ["kept a", "kept b"]))
    _plant(store, "incomplete", 2, ["new a", "new b", "new c"], written=2)  # crashed mid-write
    store.replace(*_version("superseded", 3, ["latest"]))
    _plant(store, "superseded", 2, ["old a", "old b"], written=2)  # not yet removed
    _plant(store, "uncommitted", 4, ["whole a", "whole b"], written=2)  # no record yet
    now = datetime.now(UTC)
    store.replace(*_version("recent", 0, ["latest"], after=now))
    _plant(store, "recent", -1, ["older"], written=1, after=now)  # superseded, however recent
    _plant(store, "recent", 1, ["busy a", "busy b"], written=1, after=now)  # being written
    assert store.count() == 2 + 2 + 1 + 2 + 2 + 1 + 1 + 1

    store = create(EMBEDDING)  # opened again, as at a restart
    assert store.texts("incomplete") == ["kept a", "kept b"]
    assert store.texts("superseded") == ["latest"]
    assert store.texts("uncommitted") == ["whole a", "whole b"]
    assert store.texts("recent") == ["latest"]
    assert store.count() == 2 + 1 + 2 + 1 + 1  # another writer may still finish "busy"
    documents, _ = store.documents(0, 10)
    assert {(item.document_id, item.chunks) for item in documents} == {
        ("incomplete", 2),
        ("superseded", 1),
        ("uncommitted", 2),
        ("recent", 1),
    }


def test_a_server_that_is_down_is_storage_unavailable() -> None:
    store = ChromaStore("http://127.0.0.1:9", "chunks", EMBEDDING)  # nothing listens
    with pytest.raises(StorageUnavailable, match="Chroma cannot be reached"):
        store.count()


def test_keyword_search_past_its_one_scan_finds_the_same(
    service: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the chunks holding a query's words outnumber its one scan's limit, the words left
    undecided are counted apart: the same hits as a scan that reads them all."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(8)]  # word i in about 1 / (i + 1) of the texts
    for number in range(24):
        chosen = [word for i, word in enumerate(words) if rng.random() < 1 / (i + 1)]
        service.ingest(f"t{number}.txt", " ".join(chosen or ["none"]).encode())
    service.store.common_chunks = 3
    queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(20)]

    def hits() -> list[list[tuple[str, float]]]:
        found = [service.store.keyword_search(query, top_k=30) for query in queries]
        return [[(hit.source, hit.score) for hit in ranking] for ranking in found]

    monkeypatch.setattr(chroma, "SCAN_PER_TERM", 100)
    whole = hits()
    counted = []
    monkeypatch.setattr(ChromaStore, "_common", _spy(ChromaStore._common, counted))
    monkeypatch.setattr(chroma, "SCAN_PER_TERM", 1)
    assert hits() == whole
    assert counted  # some words were counted apart


def _spy(method: Callable[..., bool], calls: list[bool]) -> Callable[..., bool]:
    def call(*args: Any) -> bool:
        calls.append(method(*args))
        return calls[-1]

    return call
