"""The facade against the project's real vector store (and database): see tests/conftest.py."""

import time

import pytest

from core.errors import DocumentTooLarge, EmptyDocument, UnsupportedFileType
from core.service import RagService, document_id_for
from core.settings import Settings

TIDES = b"""# Tides

The tides follow the moon. Spring tides, the highest of the month, come at new and full moon.
Neap tides are the weakest. Harbour masters publish tide tables a year ahead.
"""
BREAD = b"Sourdough bread needs a starter of flour and water. Bake it at 230 degrees."
NEW = b"Lighthouses are now automated."
LONG = " ".join(f"Paragraph {i} is about lighthouses and their keepers." for i in range(60))


def test_ingest_then_search_finds_the_document(service: RagService) -> None:
    result = service.ingest("tides.md", TIDES)
    service.ingest("bread.txt", BREAD)
    assert result.document_id == document_id_for("tides.md")
    assert result.chunks == 1
    hits = service.search("when are spring tides highest", top_k=2)
    assert [hit.source for hit in hits] == ["tides.md", "bread.txt"]
    assert hits[0].score > hits[1].score
    assert "Spring tides" in hits[0].text
    assert hits[0].chunk_index == 0


def test_long_documents_become_several_chunks(service: RagService) -> None:
    result = service.ingest("lighthouses.txt", LONG.encode())
    assert result.chunks > 3
    assert service.chunk_count() == result.chunks
    hits = service.search("Paragraph 42 lighthouses", top_k=50)
    assert sorted(hit.chunk_index for hit in hits) == list(range(result.chunks))


def test_reingesting_replaces_the_document(service: RagService) -> None:
    service.ingest("lighthouses.txt", LONG.encode())
    service.ingest("tides.md", TIDES)
    again = service.ingest("lighthouses.txt", NEW)
    assert again.chunks == 1
    assert service.chunk_count() == 2
    documents, total = service.list_documents(0, 10)
    assert total == 2
    assert sorted(d.filename for d in documents) == ["lighthouses.txt", "tides.md"]
    hits = service.search("lighthouses keepers", top_k=10)
    assert [hit.text for hit in hits if hit.source == "lighthouses.txt"] == [
        "Lighthouses are now automated."
    ]


def test_list_documents_pages_newest_first(service: RagService) -> None:
    for number in range(5):
        service.ingest(f"doc{number}.txt", f"Document number {number}.".encode())
        time.sleep(0.002)  # distinct times, also in a database that keeps milliseconds
    first, total = service.list_documents(0, 2)
    second, _ = service.list_documents(2, 2)
    last, _ = service.list_documents(4, 2)
    assert total == 5
    names = [d.filename for d in first + second + last]
    assert names == ["doc4.txt", "doc3.txt", "doc2.txt", "doc1.txt", "doc0.txt"]
    assert first[0].chunks == 1
    assert first[0].ingested_at >= first[1].ingested_at


def test_delete_removes_chunks_and_metadata(service: RagService) -> None:
    tides = service.ingest("tides.md", TIDES)
    service.ingest("bread.txt", BREAD)
    assert service.delete_document(tides.document_id) is True
    assert service.delete_document(tides.document_id) is False
    assert service.delete_document("never-ingested") is False
    assert [d.filename for d in service.list_documents(0, 10)[0]] == ["bread.txt"]
    assert {hit.source for hit in service.search("tides moon", top_k=5)} == {"bread.txt"}


def test_ask_answers_from_the_documents_with_citations(service: RagService) -> None:
    service.ingest("tides.md", TIDES)
    service.ingest("bread.txt", BREAD)
    answer = service.ask("At what temperature should sourdough bread bake?", top_k=2)
    assert "230 degrees" in answer.answer
    assert answer.citations[0].source == "bread.txt"


@pytest.mark.parametrize(
    ("filename", "content", "error"),
    [
        ("photo.png", b"\x89PNG", UnsupportedFileType),
        ("empty.txt", b"  \n ", EmptyDocument),
        ("big.txt", b"x" * 2001, DocumentTooLarge),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(
    settings: Settings,  # sets the environment of a fresh backend
    monkeypatch: pytest.MonkeyPatch,
    filename: str,
    content: bytes,
    error: type[Exception],
) -> None:
    monkeypatch.setenv("MAX_UPLOAD_BYTES", "2000")
    service = RagService(Settings())
    with pytest.raises(error):
        service.ingest(filename, content)
    assert service.chunk_count() == 0
    assert service.list_documents(0, 10) == ([], 0)


def test_a_failed_catalog_write_leaves_one_whole_version_and_a_retry_repairs(
    service: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = service.store.texts(service.ingest("lighthouses.txt", LONG.encode()).document_id)
    put = service.catalog.put

    def failing_put(*args: object) -> None:
        raise ConnectionError("metadata database went away")

    monkeypatch.setattr(service.catalog, "put", failing_put)
    with pytest.raises(ConnectionError):
        service.ingest("lighthouses.txt", NEW)
    new = service.store.texts(document_id_for("lighthouses.txt"))
    assert new in (["Lighthouses are now automated."], old)  # one version, whole
    monkeypatch.setattr(service.catalog, "put", put)
    service.ingest("lighthouses.txt", NEW)
    [document], _ = service.list_documents(0, 10)
    assert document.chunks == service.chunk_count() == 1


def test_ingest_texts_and_ingest_many(service: RagService) -> None:
    result = service.ingest_texts("notes.txt", ["First chunk about tides.", " ", "Second chunk."])
    assert result.chunks == 2
    assert service.store.texts(result.document_id) == ["First chunk about tides.", "Second chunk."]
    results = service.ingest_many([("tides.md", TIDES), ("bread.txt", BREAD)])
    assert [r.filename for r in results] == ["tides.md", "bread.txt"]
    assert service.list_documents(0, 10)[1] == 3
    assert service.search("sourdough starter", top_k=1)[0].source == "bread.txt"
    with pytest.raises(EmptyDocument):
        service.ingest_texts("blank.txt", ["  "])


def test_search_with_an_empty_query_or_an_empty_store(service: RagService) -> None:
    assert service.search("anything", top_k=5) == []
    service.ingest("tides.md", TIDES)
    assert service.search("   ", top_k=5) == []


def test_ready_when_the_backends_answer(service: RagService) -> None:
    status = service.check_ready()
    assert status and set(status.values()) == {"ok"}
