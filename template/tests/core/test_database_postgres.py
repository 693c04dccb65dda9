"""PostgreSQL specifics: migrations as `python -m core.migrate` runs them, readiness."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from core.errors import StorageUnavailable
from core.migrate import alembic_config
from core.models import DocumentInfo
from core.service import RagService
from core.settings import Settings, SettingsError

SRC = Path(__file__).resolve().parents[2] / "src"


def test_migrations_reach_the_latest_revision(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert {"documents", "alembic_version"} <= tables
    config = alembic_config(database_url, embedding_dim=8)
    assert head == ScriptDirectory.from_config(config).get_current_head()


def test_migrate_command_creates_the_schema_once(
    settings_env: dict[str, str], empty_database_url: str
) -> None:
    env = {**os.environ, **settings_env, "DATABASE_URL": empty_database_url, "PYTHONPATH": str(SRC)}
    for _ in range(2):  # the second run finds the database at head and changes nothing
        result = subprocess.run(
            [sys.executable, "-m", "core.migrate"], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert "database migrated" in result.stdout
    engine = create_engine(empty_database_url)
    try:
        assert "documents" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_database_url_is_required(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(SettingsError, match="DATABASE_URL: Field required"):
        RagService(settings)
    monkeypatch.setenv("DATABASE_URL", "mysql://app@db/app")
    with pytest.raises(SettingsError, match="DATABASE_URL: String should match pattern"):
        RagService(settings)


def test_a_database_down_is_named(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@127.0.0.1:9/app")  # no server
    try:
        problem = RagService(settings).check_ready()["database"]
    except StorageUnavailable as error:  # a store in the database is read at start (pgvector)
        problem = f"{type(error).__name__}: {error}"
    assert problem.startswith("StorageUnavailable: the database cannot be reached")


def test_catalog_keeps_the_latest_version_and_strips_nul(service: RagService) -> None:
    first = DocumentInfo(
        document_id="tides",
        filename="tides.md",
        chunks=1,
        ingested_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    service.catalog.put(first)
    service.catalog.put(
        first.model_copy(update={"chunks": 9, "ingested_at": datetime(2026, 1, 1, tzinfo=UTC)})
    )
    assert service.catalog.documents(0, 10) == ([first], 1)  # the older version was refused
    later = first.model_copy(
        update={"filename": "ti\x00des.md", "ingested_at": datetime(2026, 1, 3, tzinfo=UTC)}
    )
    service.catalog.put(later)
    assert service.catalog.documents(0, 10) == (
        [later.model_copy(update={"filename": "tides.md"})],
        1,
    )
    assert service.catalog.remove("tides\x00") is False
    assert service.catalog.remove("tides") is True


def test_a_database_that_is_down_is_storage_unavailable(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://app@127.0.0.1:9/app")  # no server
    with pytest.raises(StorageUnavailable, match="the database cannot be reached"):
        RagService(settings).list_documents(0, 10)
