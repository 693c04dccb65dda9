"""MongoDB specifics. No MongoDB server can run here: the records are checked with the real
BSON codec, the catalog's calls with mongomock, and against a server when TEST_MONGODB_URL is
set (e.g. mongodb://127.0.0.1:27017 from `docker compose up db`)."""

import os
from datetime import UTC, datetime

import bson
import pytest
from pymongo import MongoClient

from core.catalog.mongo import MongoCatalog, from_record, to_record
from core.models import DocumentInfo
from core.service import RagService
from core.settings import Settings, SettingsError

DOCUMENT = DocumentInfo(
    document_id="tides-md-0123456789ab",
    filename="tides.md",
    chunks=3,
    ingested_at=datetime(2024, 5, 1, 12, 30, 15, 123000, tzinfo=UTC),
)


def test_records_survive_the_bson_codec() -> None:
    """What the driver sends and reads back: BSON keeps datetimes to the millisecond, in UTC."""
    options = bson.CodecOptions(tz_aware=True)
    record = bson.decode(bson.encode(to_record(DOCUMENT)), codec_options=options)
    assert record["_id"] == DOCUMENT.document_id
    assert from_record(record) == DOCUMENT


def test_nul_characters_survive_the_bson_codec() -> None:
    """BSON strings are length-prefixed: a NUL inside a file name or an id is kept as is."""
    document = DOCUMENT.model_copy(update={"document_id": "a\x00b", "filename": "n\x00l.md"})
    options = bson.CodecOptions(tz_aware=True)
    assert (
        from_record(bson.decode(bson.encode(to_record(document)), codec_options=options))
        == document
    )


def test_catalog_put_replaces_and_pages(service: RagService) -> None:
    catalog = service.catalog
    assert isinstance(catalog, MongoCatalog)
    catalog.put(DOCUMENT)
    catalog.put(DOCUMENT.model_copy(update={"chunks": 5}))
    newer = DOCUMENT.model_copy(
        update={"document_id": "b", "ingested_at": datetime(2025, 1, 1, tzinfo=UTC)}
    )
    catalog.put(newer)
    items, total = catalog.documents(0, 10)
    assert total == 2
    assert [(item.document_id, item.chunks) for item in items] == [
        ("b", 3),
        (DOCUMENT.document_id, 5),
    ]
    assert catalog.remove("b") is True
    assert catalog.remove("b") is False


def test_catalog_keeps_the_latest_version(service: RagService) -> None:
    service.catalog.put(DOCUMENT)
    older = DOCUMENT.model_copy(
        update={"chunks": 9, "ingested_at": datetime(2024, 1, 1, tzinfo=UTC)}
    )
    service.catalog.put(older)
    assert service.catalog.documents(0, 10) == ([DOCUMENT], 1)
    later = DOCUMENT.model_copy(
        update={"chunks": 4, "ingested_at": datetime(2025, 1, 1, tzinfo=UTC)}
    )
    service.catalog.put(later)
    assert service.catalog.documents(0, 10) == ([later], 1)


def test_mongodb_url_is_validated(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URL", "mysql://db")
    with pytest.raises(SettingsError, match="MONGODB_URL: String should match pattern"):
        RagService(settings)


@pytest.mark.skipif(
    "TEST_MONGODB_URL" not in os.environ,
    reason="not applicable here: no MongoDB server can run on this machine (no image, no "
    "binary); set TEST_MONGODB_URL to run the catalog against a real server. Covered "
    "without it: BSON encoding with the real codec, the catalog's calls with mongomock.",
)
def test_against_a_real_server(settings: Settings, settings_env: dict[str, str]) -> None:
    client: MongoClient[dict[str, object]] = MongoClient(os.environ["TEST_MONGODB_URL"])
    client.admin.command("ping")
    service = RagService(settings)
    assert service.check_ready() == {"vector_store": "ok", "database": "ok"}
    service.ingest("tides.md", b"The tides follow the moon.")
    assert service.list_documents(0, 10)[1] == 1
    client.drop_database(settings_env["MONGODB_DATABASE"])
