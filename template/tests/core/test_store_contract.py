"""What every vector store promises (core/stores/base.py), against the project's real store."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from core.models import DocumentInfo
from core.service import EmbeddingMismatch, RagService, document_id_for
from core.settings import SearchMode, Settings

THREADS = 8
START = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def hashing(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> RagService:
    """The service with the hashing embedder, whatever the project's default."""
    monkeypatch.setenv("EMBEDDER", "hashing")
    return RagService(Settings())


def put(service: RagService, texts: list[str], at: datetime, name: str = "doc.txt") -> bool:
    document = DocumentInfo(
        document_id=document_id_for(name), filename=name, chunks=len(texts), ingested_at=at
    )
    return service.store.replace(document, texts, service.embedder.embed(texts))


def test_replace_puts_a_document_in_place_of_the_earlier_version(service: RagService) -> None:
    assert put(service, ["one", "two", "three"], START)
    assert put(service, ["the new version"], START + timedelta(seconds=1))
    assert service.store.texts(document_id_for("doc.txt")) == ["the new version"]
    assert service.store.count() == 1


def test_the_latest_ingested_at_wins(service: RagService) -> None:
    assert put(service, ["later version"], START + timedelta(seconds=1))
    assert not put(service, ["earlier version", "with two chunks"], START)
    assert service.store.texts(document_id_for("doc.txt")) == ["later version"]
    assert service.store.count() == 1


def test_delete_and_texts(service: RagService) -> None:
    put(service, ["alpha", "beta", "gamma"], START)
    put(service, ["other"], START, name="other.txt")
    assert service.store.texts(document_id_for("doc.txt")) == ["alpha", "beta", "gamma"]
    assert service.store.delete(document_id_for("doc.txt")) == 3
    assert service.store.delete(document_id_for("doc.txt")) == 0
    assert service.store.texts(document_id_for("doc.txt")) == []
    assert service.store.count() == 1


def test_hybrid_finds_an_exact_identifier_the_vectors_miss(hashing: RagService) -> None:
    """To the hashing embedder, ZX-4471-A is close to ZX-4471-B (two words of three, and one pair
    of words), closer than a long text naming ZX-4471-B once; the text index matches it exactly."""
    target = hashing.ingest(
        "crane.txt",
        b"Maintenance log of the harbour crane. Replace the hydraulic seal ZX-4471-B every "
        b"spring. The crane lifts containers onto ships; the operator checks the brakes daily "
        b"and records each load in the logbook kept in the cabin.",
    )
    for suffix in "ACD":
        hashing.ingest(f"part-{suffix}.txt", f"Part ZX-4471-{suffix}.".encode())
    query = "ZX-4471-B"
    vector = hashing.search(query, top_k=3, mode=SearchMode.VECTOR)
    assert target.document_id not in {hit.document_id for hit in vector}
    [keyword] = hashing.search(query, top_k=1, mode=SearchMode.KEYWORD)
    assert keyword.document_id == target.document_id and "ZX-4471-B" in keyword.text
    hybrid = hashing.search(query, top_k=3, mode=SearchMode.HYBRID)
    assert hybrid[0].document_id == target.document_id
    assert hybrid[0].score > hybrid[1].score


@pytest.mark.parametrize("query", ['"', "a\x00b", "\x00", "-", "*", "NEAR(", "AND OR NOT", "'; --"])
def test_keyword_search_takes_any_text(service: RagService, query: str) -> None:
    """What a user types is words to find, never query syntax (found by the fuzz tier: NUL)."""
    service.ingest("a.txt", b"Plain words only.")
    assert service.search(query, top_k=3, mode=SearchMode.KEYWORD) == []


def test_keyword_search_ranks_an_exact_identifier_first(service: RagService) -> None:
    service.ingest("pumps.txt", b"The spare pump for the cooling loop is part ZX-4471-B.")
    service.ingest("other.txt", b"The cooling loop has a pump and a spare valve, part ZX-4471-C.")
    service.ingest("far.txt", b"Nothing about machines here.")
    hits = service.store.keyword_search("Which pump is ZX-4471-B?", top_k=5)
    assert [hit.source for hit in hits] == ["pumps.txt", "other.txt"]
    assert hits[0].score > hits[1].score > 0


def test_common_terms_only_rerank_what_rare_terms_match(service: RagService) -> None:
    """Lucene's CommonTermsQuery: with "pump" and "valve" in more than common_chunks chunks, a
    query's rare terms choose the chunks, its common ones only rank them; a query of only common
    terms needs all of them (so a search never ranks a large part of the store)."""
    service.store.common_chunks = 2
    service.ingest("boiler.txt", b"The pump and the valve of the boiler.")
    service.ingest("crane.txt", b"The pump and the valve of the crane.")
    service.ingest("ship.txt", b"The pump of the ship.")
    service.ingest("dam.txt", b"The valve of the dam.")

    def found(query: str) -> list[str]:
        return [hit.source for hit in service.store.keyword_search(query, top_k=5)]

    assert found("pump valve boiler") == ["boiler.txt"]
    assert found("pump dam") == ["dam.txt"]
    assert sorted(found("pump valve")) == ["boiler.txt", "crane.txt"]
    ranked = service.store.keyword_search("valve ship dam", top_k=5)
    assert [hit.source for hit in ranked] == ["dam.txt", "ship.txt"]
    assert ranked[0].score > ranked[1].score  # "valve" ranks, though it matches nothing


@pytest.mark.parametrize("query", ["the of and", "?!... --"])
def test_queries_of_only_stop_words_or_punctuation_find_nothing(
    service: RagService, query: str
) -> None:
    service.ingest("tides.txt", b"The tides follow the moon, and of course the sun.")
    assert service.store.keyword_search(query, top_k=5) == []


def test_the_embedding_is_recorded_and_another_refused(
    hashing: RagService, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hashing.store.recorded_embedding() is None
    hashing.ingest("tides.md", b"The tides follow the moon.")
    assert hashing.store.recorded_embedding() == hashing.embedding == ("hashing", 384)
    hashing.close()  # a store on a local folder may take one client at a time
    assert RagService(Settings()).embedding == hashing.embedding  # the same embedder starts
    monkeypatch.setenv("EMBEDDING_DIM", "256")
    with pytest.raises(EmbeddingMismatch) as stopped:
        RagService(Settings())
    message = str(stopped.value)
    assert "hashing (384 dimensions)" in message and "hashing (256 dimensions)" in message
    assert "make reindex" in message


def test_same_name_ingested_by_many_threads_at_once_is_never_lost(service: RagService) -> None:
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def ingest(number: int) -> None:
        texts = [f"Version v{number} chunk {i} of the shared file." for i in range(number + 1)]
        start.wait(timeout=30)
        try:
            service.ingest_texts("shared.txt", texts)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=ingest, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    [document], total = service.list_documents(0, 10)
    assert (total, document.filename) == (1, "shared.txt")
    texts = service.store.texts(document.document_id)
    assert len(texts) == document.chunks == service.chunk_count()
    version = texts[0].split()[1]  # one version, whole: every chunk of it
    assert texts == [f"Version {version} chunk {i} of the shared file." for i in range(len(texts))]
    hits = service.search(f"{version} shared file", top_k=THREADS + 1)
    assert {hit.chunk_index for hit in hits if hit.document_id == document.document_id} == set(
        range(document.chunks)
    )
