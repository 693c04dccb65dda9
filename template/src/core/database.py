"""The PostgreSQL database (DATABASE_URL): one SQLAlchemy engine per process and URL."""

from functools import cache
from typing import Annotated

from pydantic import Field
from sqlalchemy import Engine, create_engine

from core.settings import EnvSettings


class DatabaseSettings(EnvSettings):
    database_url: Annotated[str, Field(pattern=r"^postgresql\+psycopg://")]


def database_url() -> str:
    return DatabaseSettings.read().database_url


@cache
def engine_for(database_url: str) -> Engine:
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)
