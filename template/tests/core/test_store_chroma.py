"""Chroma specifics: a real `chroma run` server (see tests/conftest.py)."""

import pytest

from core.service import RagService
from core.settings import Settings, SettingsError


def test_collection_uses_cosine_distance(service: RagService) -> None:
    service.ingest("a.txt", b"exactly these words")
    hit = service.search("exactly these words", top_k=1)[0]
    assert hit.score == pytest.approx(1.0, abs=1e-4)  # same text: cosine similarity 1


def test_two_services_share_the_server(settings: Settings) -> None:
    writer, reader = RagService(settings), RagService(settings)
    writer.ingest("shared.md", b"Written by one process, read by another.")
    assert [hit.source for hit in reader.search("written read", top_k=1)] == ["shared.md"]


def test_not_ready_names_the_vector_store(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHROMA_URL", "http://127.0.0.1:9")  # nothing listens
    status = RagService(settings).check_ready()
    assert status["vector_store"] != "ok"


def test_chroma_url_is_required(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROMA_URL")
    with pytest.raises(SettingsError, match="CHROMA_URL: Field required"):
        RagService(settings)
