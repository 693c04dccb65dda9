"""The PostgreSQL database (DATABASE_URL): one SQLAlchemy engine per process and URL.

PostgreSQL text cannot hold NUL characters: `without_nul` strips them from what is written
(invisible in any text), and an id holding one names nothing stored.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Annotated

from pydantic import Field
from sqlalchemy import Connection, Engine, create_engine, exc

from core.errors import StorageUnavailable
from core.settings import EnvSettings


class DatabaseSettings(EnvSettings):
    database_url: Annotated[str, Field(pattern=r"^postgresql\+psycopg://")]


def database_url() -> str:
    return DatabaseSettings.read().database_url


@cache
def engine_for(database_url: str) -> Engine:
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction (committed at the end); a database that cannot be
    reached raises StorageUnavailable."""
    try:
        with engine.begin() as connection:
            yield connection
    except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as error:
        reason = getattr(error, "orig", None) or error
        raise StorageUnavailable(f"the database cannot be reached: {reason}") from error


def without_nul(text: str) -> str:
    return text.replace("\x00", "")
