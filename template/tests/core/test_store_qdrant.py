"""Qdrant specifics: the client's local mode on a folder (a server cannot run here); versions
written without transactions, repaired at open; Qdrant's own keyword search."""

import gc
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from qdrant_client import models

from core.embedders.base import Vectors
from core.embedders.hashing import HashingEmbedder
from core.errors import StorageUnavailable
from core.models import DocumentInfo
from core.service import RagService
from core.settings import Settings, SettingsError
from core.stores.base import EmbeddingRecord
from core.stores.qdrant import QdrantStore, _chunk_ids, create, words_vector
from core.words import indexed_terms
from tests.backends import EMBEDDING_DIM

EMBEDDING = EmbeddingRecord("hashing", EMBEDDING_DIM)


def test_local_mode_keeps_the_data_on_disk(settings: Settings) -> None:
    first = RagService(settings)
    first.ingest("kept.md", b"Data written in local mode survives a restart.")
    first.store._client.close()
    del first
    gc.collect()
    again = RagService(settings)
    assert [hit.source for hit in again.search("survives a restart", top_k=1)] == ["kept.md"]
    assert again.chunk_count() == 1


def test_exactly_one_of_url_and_path(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QDRANT_URL", "http://vectordb:6333")
    with pytest.raises(SettingsError, match="exactly one of QDRANT_URL"):
        RagService(settings)
    monkeypatch.delenv("QDRANT_URL")
    monkeypatch.delenv("QDRANT_PATH")
    with pytest.raises(SettingsError, match="exactly one of QDRANT_URL"):
        RagService(settings)


def test_server_mode_not_ready_names_the_vector_store(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QDRANT_PATH")
    monkeypatch.setenv("QDRANT_URL", "http://127.0.0.1:9")  # nothing listens
    try:
        problem = RagService(settings).check_ready()["vector_store"]
    except StorageUnavailable as error:  # the store's embedding record is read at start
        problem = str(error)
    assert "cannot be reached" in problem


def _version(
    document_id: str, number: int, texts: list[str]
) -> tuple[DocumentInfo, list[str], Vectors]:
    """Version `number` of a document, ingested `number` seconds after a fixed time."""
    document = DocumentInfo(
        document_id=document_id,
        filename=f"{document_id}.txt",
        chunks=len(texts),
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=number),
    )
    return document, texts, HashingEmbedder(EMBEDDING_DIM).embed(texts)


def _texts_of(number: int) -> list[str]:
    return [f"Version {number} chunk {i}." for i in range(number % 4 + 1)]


def _reopened(store: QdrantStore) -> QdrantStore:
    """The store opened again, as at a restart (local mode: one client per folder)."""
    store._client.close()
    del store
    gc.collect()
    return create(EMBEDDING)


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
    store = _reopened(store)  # and nothing is left for the repair
    assert store.count() == len(_texts_of(7))


def _plant(
    store: QdrantStore, document_id: str, number: int, texts: list[str], written: int
) -> None:
    """The first `written` chunk points of a version, as a writer that crashed leaves them."""
    document, texts, vectors = _version(document_id, number, texts)
    version = f"planted{number}"
    payload = {
        "document_id": document_id,
        "version": version,
        "source": document.filename,
        "chunks": len(texts),
        "ingested_at": document.ingested_at.isoformat(),
    }
    points = [
        models.PointStruct(
            id=point_id,
            vector={"": vector.tolist(), "words": words_vector(indexed_terms(text))},
            payload={**payload, "chunk_index": index, "text": text},
        )
        for index, (point_id, text, vector) in enumerate(
            zip(_chunk_ids(document_id, version, len(texts)), texts, vectors, strict=True)
        )
    ]
    store._client.upsert(store._collection, points[:written], wait=True)


def test_opening_repairs_what_a_crash_left(settings: Settings) -> None:
    store = create(EMBEDDING)
    store.replace(*_version("incomplete", 1, ["kept a", "kept b"]))
    _plant(store, "incomplete", 2, ["new a", "new b", "new c"], written=2)  # crashed mid-write
    store.replace(*_version("superseded", 3, ["latest"]))
    _plant(store, "superseded", 2, ["old a", "old b"], written=2)  # not yet removed
    _plant(store, "uncommitted", 4, ["whole a", "whole b"], written=2)  # no record yet
    assert store.count() == 2 + 2 + 1 + 2 + 2

    store = _reopened(store)
    assert store.texts("incomplete") == ["kept a", "kept b"]
    assert store.texts("superseded") == ["latest"]
    assert store.texts("uncommitted") == ["whole a", "whole b"]
    assert store.count() == 5
    documents, total = store.documents(0, 10)
    assert total == 3
    assert {(item.document_id, item.chunks) for item in documents} == {
        ("incomplete", 2),
        ("superseded", 1),
        ("uncommitted", 2),
    }
    hits = store.search(HashingEmbedder(EMBEDDING_DIM).embed(["old a"])[0], top_k=10)
    assert "old a" not in [hit.text for hit in hits]


def test_a_server_that_is_down_is_storage_unavailable() -> None:
    store = QdrantStore("http://127.0.0.1:9", None, "chunks", EMBEDDING)  # nothing listens
    with pytest.raises(StorageUnavailable, match="Qdrant cannot be reached"):
        store.count()


def test_a_collection_made_before_keyword_search_still_works(settings: Settings) -> None:
    store = create(EMBEDDING)
    store._client.create_collection(
        "older",
        vectors_config=models.VectorParams(size=EMBEDDING_DIM, distance=models.Distance.COSINE),
    )
    store._client.close()
    older = QdrantStore(None, store._path, "older", EMBEDDING)
    assert older.replace(*_version("manual", 1, ["Part ZX-4471-B."])) is True
    assert older.search(HashingEmbedder(EMBEDDING_DIM).embed(["ZX-4471-B"])[0], top_k=1)
    assert older.keyword_search("ZX-4471-B", top_k=1) == []
