"""FAISS specifics: several processes writing one name at once, other processes' commits seen
before a search, the dimension kept, a damaged file refused."""

import gc
import multiprocessing
import os
import sqlite3
import threading
from contextlib import closing
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

import faiss
import numpy as np
import pytest

from core.embedders.hashing import HashingEmbedder
from core.models import DocumentInfo
from core.reindex import reindex
from core.service import EmbeddingMismatch, RagService
from core.settings import Settings
from core.stores.base import EmbeddingRecord
from core.stores.faiss import DATABASE_FILE, FaissStore
from tests.backends import IN_OTHER_PROCESSES
from tests.backends.faiss import assert_no_leftovers

WRITERS = 4
VERSIONS = 10
HASHING = EmbeddingRecord("hashing", 384)


def _write_documents(directory: str, writer: int, start: Barrier) -> None:
    """One process: its own documents, and versions of one name every writer also writes."""
    os.environ["FAISS_DIR"] = directory
    service = RagService(Settings())
    start.wait(timeout=60)  # all writers begin together
    for number in range(VERSIONS):
        service.ingest_texts(f"w{writer}-d{number}.txt", [f"Writer {writer} document {number}."])
        texts = [f"Shared by w{writer} version {number} chunk {i}." for i in range(number + 1)]
        service.ingest_texts("shared.txt", texts)


@IN_OTHER_PROCESSES
def test_writer_processes_on_one_name_lose_nothing(settings: Settings, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    processes = [
        context.Process(target=_write_documents, args=(str(tmp_path / "v"), writer, start))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0

    store = FaissStore(tmp_path / "v", HASHING)
    documents, total = store.documents(0, 1000)
    assert total == WRITERS * VERSIONS + 1
    [shared] = [d for d in documents if d.filename == "shared.txt"]
    texts = store.texts(shared.document_id)
    assert len(texts) == shared.chunks and len(set(t.split(" chunk ")[0] for t in texts)) == 1
    assert store.count() == sum(d.chunks for d in documents)
    store.check()
    assert store._index.ntotal == store.count()  # each chunk has its vector, nothing orphaned
    assert_no_leftovers(tmp_path / "v")


def test_a_second_instance_sees_the_commits_of_the_first(tmp_path: Path) -> None:
    embedder = HashingEmbedder(384)
    reader, writer = FaissStore(tmp_path, HASHING), FaissStore(tmp_path, HASHING)
    query = embedder.embed(["keeper"])[0]
    assert reader.search(query, 3) == []
    document = DocumentInfo(
        document_id="d", filename="d.txt", chunks=1, ingested_at=datetime.now(UTC)
    )
    writer.replace(document, ["the lighthouse keeper"], embedder.embed(["the lighthouse keeper"]))
    assert [hit.document_id for hit in reader.search(query, 3)] == ["d"]
    assert [hit.document_id for hit in reader.keyword_search("keeper", 3)] == ["d"]
    writer.delete("d")
    assert reader.search(query, 3) == []
    assert reader._index.ntotal == 0


def test_threads_share_the_index_and_keep_their_connection(tmp_path: Path) -> None:
    embedder, store = HashingEmbedder(384), FaissStore(tmp_path, HASHING)
    texts = [f"chunk {i} about harbours" for i in range(50)]
    document = DocumentInfo(
        document_id="d", filename="d.txt", chunks=50, ingested_at=datetime.now(UTC)
    )
    store.replace(document, texts, embedder.embed(texts))
    connections, results = set(), []

    def search() -> None:
        for _ in range(20):
            results.append(len(store.search(embedder.embed(["harbours"])[0], 5)))
            connections.add(id(store._db))

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [5] * 80
    assert len(connections) == 4  # one per thread, not one per query


def test_vectors_of_another_dimension_are_refused(tmp_path: Path) -> None:
    document = DocumentInfo(
        document_id="d", filename="d.txt", chunks=1, ingested_at=datetime.now(UTC)
    )
    FaissStore(tmp_path, EmbeddingRecord("m", 8)).replace(
        document, ["text"], np.ones((1, 8), dtype=np.float32)
    )
    other = FaissStore(tmp_path, EmbeddingRecord("m", 16))
    assert other.recorded_embedding() == ("m", 8)
    with pytest.raises(ValueError, match="make reindex"):
        other.check()
    with pytest.raises(ValueError, match="holds vectors of"):
        other.replace(document, ["text"], np.ones((1, 16), dtype=np.float32))


def test_a_damaged_file_is_refused(settings: Settings, settings_env: dict[str, str]) -> None:
    service = RagService(settings)
    service.ingest("a.txt", b"some text")
    del service
    gc.collect()  # its connection closed: the file alone holds the data
    (Path(settings_env["FAISS_DIR"]) / DATABASE_FILE).write_bytes(b"garbage" * 1000)
    with pytest.raises(sqlite3.DatabaseError):
        RagService(settings)


@IN_OTHER_PROCESSES
def test_reindex_re_embeds_every_document_and_resumes_after_a_failure(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = RagService(settings)
    for number in range(3):
        service.ingest(f"doc{number}.txt", f"Document {number} about tides.".encode())
    before = service.list_documents(0, 10)
    monkeypatch.setenv("EMBEDDING_DIM", "256")
    with pytest.raises(EmbeddingMismatch):
        RagService(Settings())

    export = tmp_path / "reindex.jsonl"
    replace = FaissStore.replace
    calls = []

    def failing_replace(self, *args):  # the second document fails: a crash midway
        calls.append(args)
        if len(calls) == 2:
            raise OSError("disk full")
        return replace(self, *args)

    with monkeypatch.context() as patch:
        patch.setattr(FaissStore, "replace", failing_replace)
        with pytest.raises(OSError):
            reindex(export)
    assert export.exists()
    assert reindex(export) == 3
    assert not export.exists()
    service = RagService(Settings())
    assert service.store.recorded_embedding() == ("hashing", 256)
    assert service.list_documents(0, 10) == before
    assert service.search("document 2 tides", top_k=1)[0].source == "doc2.txt"
    assert reindex(export) == 0  # nothing left to do


def test_the_earlier_layout_is_imported(tmp_path: Path) -> None:
    """An index file beside versioned chunk rows: the latest complete version of each document
    (every chunk with its vector) is imported, the old files removed."""
    embedder = HashingEmbedder(384)
    rows = [  # id, document, version, chunk index, chunks, time, text
        (1, "a", "v1", 0, 1, "2030-01-01T00:00:00+00:00", "old tides"),
        (2, "a", "v2", 0, 2, "2030-01-02T00:00:00+00:00", "new tides"),
        (3, "a", "v2", 1, 2, "2030-01-02T00:00:00+00:00", "and the moon"),
        (4, "b", "v9", 0, 2, "2030-01-03T00:00:00+00:00", "half a version"),
    ]
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(384))
    index.add_with_ids(embedder.embed([row[6] for row in rows]), np.array([r[0] for r in rows]))
    faiss.write_index(index, str(tmp_path / "index.faiss"))
    with closing(sqlite3.connect(tmp_path / "chunks.sqlite3")) as old, old:
        old.execute(
            "CREATE TABLE chunks (id INTEGER PRIMARY KEY, document_id TEXT, version TEXT,"
            " chunk_index INTEGER, chunks INTEGER, ingested_at TEXT, text TEXT, source TEXT)"
        )
        orphan = (5, "c", "v1", 0, 1, "2030-01-04T00:00:00+00:00", "a row without its vector")
        old.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, 'a.txt')", [*rows, orphan])
    store = FaissStore(tmp_path, HASHING)
    assert store.documents(0, 10)[1] == 1
    assert store.texts("a") == ["new tides", "and the moon"]
    assert store.search(embedder.embed(["moon"])[0], 1)[0].text == "and the moon"
    assert_no_leftovers(tmp_path)
