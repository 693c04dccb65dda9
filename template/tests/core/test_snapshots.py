"""The FAISS store's file is snapshotted to the bucket and restored on an empty volume (real S3)."""

from pathlib import Path

import pytest

from core.objects import Bucket, ObjectStoreError, S3Settings
from core.service import RagService
from core.settings import Settings

TIDES = b"Spring tides come at new and full moon; neap tides at the quarter moons."
BREAD = b"Sourdough bread bakes at 250 degrees in a Dutch oven."


def test_an_empty_volume_is_restored_from_the_bucket(
    settings: Settings, settings_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = RagService(settings)
    first.ingest("tides.md", TIDES)
    first.ingest("bread.txt", BREAD)
    first.delete_document(first.list_documents(0, 10)[0][0].document_id)

    monkeypatch.setenv("FAISS_DIR", str(Path(settings_env["FAISS_DIR"]).with_name("empty")))
    second = RagService(settings)
    assert second.chunk_count() == first.chunk_count() == 1
    assert [hit.source for hit in second.search("tides moon", top_k=5)] == (
        [hit.source for hit in first.search("tides moon", top_k=5)]
    )


def test_only_the_latest_snapshot_is_kept(service: RagService, settings_env) -> None:
    service.ingest("tides.md", TIDES)
    service.ingest("bread.txt", BREAD)
    bucket = Bucket(S3Settings(**{k.lower(): v for k, v in settings_env.items()}))
    keys = [item.key for item in bucket.list_objects("snapshots/faiss/")]
    stamp = bucket.read("snapshots/faiss/latest").decode()
    assert set(keys) == {"snapshots/faiss/latest", f"snapshots/faiss/{stamp}/store.sqlite3"}


def test_no_restore_without_a_bucket(settings: Settings, monkeypatch) -> None:
    """An unusable bucket stops the start: an empty store must not overwrite the snapshot."""
    monkeypatch.setenv("S3_BUCKET", "no-such-bucket")
    with pytest.raises(ObjectStoreError, match="does not exist"):
        RagService(settings)
