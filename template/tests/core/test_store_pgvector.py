"""pgvector specifics: the chunks table of the migrations and its indexes; writers of one
document in threads and processes; full-text search; what PostgreSQL text cannot hold."""

import math
import multiprocessing
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier

import numpy as np
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from core.embedders.base import Vectors
from core.embedders.hashing import HashingEmbedder
from core.errors import StorageUnavailable
from core.migrate import alembic_config
from core.models import DocumentInfo
from core.service import RagService
from core.stores.base import EmbeddingRecord
from core.stores.pgvector import PgvectorStore
from tests.backends import EMBEDDING_DIM


def test_migrations_create_the_chunks_table(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert "chunks" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            definition = connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert "USING hnsw (embedding vector_cosine_ops)" in definition


def test_the_hnsw_index_is_used_and_search_returns_top_k(service: RagService) -> None:
    for number in range(60):
        service.ingest(f"note{number}.txt", f"Note {number} about harbour {number % 5}.".encode())
    hits = service.search("harbour 3", top_k=50)
    assert len(hits) == 50
    assert hits[0].score >= hits[-1].score


def _version(number: int, texts: list[str]) -> tuple[DocumentInfo, list[str], Vectors]:
    """Version `number` of one document, ingested `number` seconds after a fixed time."""
    document = DocumentInfo(
        document_id="manual",
        filename="manual.txt",
        chunks=len(texts),
        ingested_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=number),
    )
    return document, texts, HashingEmbedder(EMBEDDING_DIM).embed(texts)


def _texts_of(number: int) -> list[str]:
    return [f"Version {number} chunk {i}." for i in range(number % 4 + 1)]


def test_replace_keeps_the_latest_version(service: RagService) -> None:
    store = service.store
    assert store.replace(*_version(2, ["two a", "two b"])) is True
    assert store.replace(*_version(1, ["one"])) is False  # older: nothing changes
    assert store.texts("manual") == ["two a", "two b"]
    assert store.replace(*_version(3, ["three"])) is True
    assert (store.texts("manual"), store.count()) == (["three"], 1)
    assert store.delete("manual") == 1
    assert (store.texts("manual"), store.count()) == ([], 0)


def test_threads_replacing_one_document_leave_the_latest_whole(service: RagService) -> None:
    start = threading.Barrier(8)

    def write(number: int) -> None:
        start.wait(timeout=30)
        service.store.replace(*_version(number, _texts_of(number)))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, random.sample(range(8), 8)))
    assert service.store.texts("manual") == _texts_of(7)
    assert service.store.count() == len(_texts_of(7))


def _write_versions(database_url: str, numbers: list[int], start: Barrier) -> None:
    """One process (as the API and the worker are): store its versions of the document, each
    time finding one whole version stored."""
    store = PgvectorStore(database_url, EmbeddingRecord("hashing", EMBEDDING_DIM))
    whole = [_texts_of(number) for number in range(max(numbers) + 2)]
    start.wait(timeout=60)
    for number in numbers:
        store.replace(*_version(number, _texts_of(number)))
        assert store.texts("manual") in whole


def test_processes_replacing_one_document_leave_the_latest_whole(database_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    processes = [  # one writes the even versions, the other the odd ones, in order: they race
        context.Process(
            target=_write_versions, args=(database_url, list(range(part, 40, 2)), start)
        )
        for part in range(2)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    store = PgvectorStore(database_url, EmbeddingRecord("hashing", EMBEDDING_DIM))
    assert store.texts("manual") == _texts_of(39)
    assert store.count() == len(_texts_of(39))


def test_a_chunk_without_any_word_has_no_nan_score(service: RagService, database_url: str) -> None:
    service.ingest("words.txt", b"Harbour lights at night.")
    service.ingest("stop.txt", b"the of and to")  # embedded as a zero vector
    engine = create_engine(database_url)
    with engine.begin() as connection:  # exact search: every row, the zero vector too
        connection.execute(text("DROP INDEX chunks_embedding_hnsw"))
    engine.dispose()
    hits = service.search("harbour lights", top_k=5)
    assert [hit.source for hit in hits] == ["words.txt"]
    assert all(math.isfinite(hit.score) for hit in hits)


def test_nul_characters_are_stripped_and_ids_with_one_name_nothing(service: RagService) -> None:
    # A text file with NUL is refused as binary (core/loaders.py); text from elsewhere (a PDF,
    # chunks through POST /documents/chunks) reaches the store as it is.
    service.ingest_texts("nul\x00name.txt", ["Text with a \x00 NUL inside."])
    [document], _ = service.list_documents(0, 10)
    assert document.filename == "nulname.txt"
    assert service.store.texts(document.document_id) == ["Text with a  NUL inside."]
    assert service.store.keyword_search("NUL\x00", top_k=5)[0].source == "nulname.txt"
    assert service.delete_document(f"{document.document_id}\x00") is False
    assert service.store.texts(f"{document.document_id}\x00") == []
    assert service.delete_document(document.document_id) is True


def test_a_database_that_is_down_is_storage_unavailable() -> None:
    store = PgvectorStore(
        "postgresql+psycopg://app@127.0.0.1:9/app", EmbeddingRecord("hashing", EMBEDDING_DIM)
    )
    with pytest.raises(StorageUnavailable, match="the database cannot be reached"):
        store.search(HashingEmbedder(EMBEDDING_DIM).embed(["a query"])[0], top_k=3)


def test_migration_0003_keeps_the_chunks_of_0002(empty_database_url: str) -> None:
    config = alembic_config(empty_database_url, embedding_dim=3)
    command.upgrade(config, "0002")
    engine = create_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents VALUES ('manual', 'manual.txt', 1, '2026-01-02T00:00:00Z');"
                "INSERT INTO chunks (document_id, version, source, chunk_index, text, embedding)"
                " VALUES ('manual', 'v1', 'manual.txt', 0, 'Part ZX-4471-B', '[1,0,0]')"
            )
        )
    command.upgrade(config, "head")
    store = PgvectorStore(empty_database_url, EmbeddingRecord("hashing", 3))
    assert [hit.text for hit in store.keyword_search("ZX-4471-B", top_k=1)] == ["Part ZX-4471-B"]
    later = DocumentInfo(
        document_id="manual",
        filename="manual.txt",
        chunks=1,
        ingested_at=datetime(2026, 1, 3, tzinfo=UTC),
    )
    vectors = np.array([[0, 1, 0]], dtype=np.float32)
    assert (
        store.replace(
            later.model_copy(update={"ingested_at": datetime(2026, 1, 1, tzinfo=UTC)}),
            ["older"],
            vectors,
        )
        is False
    )
    assert store.replace(later, ["newer"], vectors) is True
    assert store.texts("manual") == ["newer"]
    engine.dispose()
