"""Qdrant specifics: the client's local mode on a folder (a server cannot run here)."""

import gc

import pytest

from core.service import RagService
from core.settings import Settings, SettingsError


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
    status = RagService(settings).check_ready()
    assert status["vector_store"] != "ok"
