"""FAISS specifics: several processes writing at once, atomic index files, reloads."""

import multiprocessing
from datetime import UTC, datetime
from multiprocessing.synchronize import Barrier
from pathlib import Path

import numpy as np
import pytest

from core.embedders.hashing import HashingEmbedder
from core.models import DocumentInfo
from core.service import RagService
from core.stores.faiss import FaissStore

WRITERS = 4
DOCUMENTS_PER_WRITER = 40


def _write_documents(directory: str, writer: int, start: Barrier) -> None:
    """One process: store its documents, replacing every other one, as RagService.ingest does."""
    store, embedder = FaissStore(Path(directory), dim=384), HashingEmbedder(384)
    start.wait(timeout=60)  # all writers begin together
    for number in range(DOCUMENTS_PER_WRITER):
        texts = [f"Writer {writer} document {number} chunk {i}." for i in range(number % 8 + 1)]
        document = DocumentInfo(
            document_id=f"w{writer}-d{number}",
            filename=f"w{writer}-d{number}.txt",
            chunks=len(texts),
            ingested_at=datetime.now(UTC),
        )
        for version in ("v1", "v2") if number % 2 else ("v1",):
            store.add(document, version, texts, embedder.embed(texts))
            store.delete(document.document_id, keep_version=version)


def test_concurrent_writer_processes_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WRITERS)
    processes = [
        context.Process(target=_write_documents, args=(str(tmp_path), writer, start))
        for writer in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0

    store = FaissStore(tmp_path, dim=384)
    documents, total = store.documents(0, 1000)
    assert total == WRITERS * DOCUMENTS_PER_WRITER
    expected_chunks = sum(d.chunks for d in documents)
    assert store.count() == expected_chunks
    index = store._current_index()
    assert index.ntotal == expected_chunks  # every row has its vector, no vector is orphaned
    assert not list(tmp_path.glob("*.tmp"))


def test_a_second_instance_sees_the_writes_of_the_first(tmp_path: Path) -> None:
    embedder = HashingEmbedder(384)
    reader, writer = FaissStore(tmp_path, 384), FaissStore(tmp_path, 384)
    assert reader.search(embedder.embed(["keeper"])[0], 3) == []
    document = DocumentInfo(
        document_id="d", filename="d.txt", chunks=1, ingested_at=datetime.now(UTC)
    )
    writer.add(document, "v1", ["the lighthouse keeper"], embedder.embed(["the lighthouse keeper"]))
    assert [hit.document_id for hit in reader.search(embedder.embed(["keeper"])[0], 3)] == ["d"]
    writer.delete("d")
    assert reader.search(embedder.embed(["keeper"])[0], 3) == []


def test_an_index_of_another_dimension_is_refused(tmp_path: Path) -> None:
    document = DocumentInfo(
        document_id="d", filename="d.txt", chunks=1, ingested_at=datetime.now(UTC)
    )
    FaissStore(tmp_path, 8).add(document, "v1", ["text"], np.ones((1, 8), dtype=np.float32))
    with pytest.raises(ValueError, match="EMBEDDING_DIM"):
        FaissStore(tmp_path, 16).check()


def test_not_ready_when_the_index_file_is_damaged(
    service: RagService, settings_env: dict[str, str]
) -> None:
    service.ingest("a.txt", b"some text")
    (Path(settings_env["FAISS_DIR"]) / "index.faiss").write_bytes(b"garbage")
    status = service.check_ready()
    assert status["vector_store"] != "ok"
