"""The SQLAlchemy engine of the PostgreSQL database (one pool per process and URL)."""

from functools import cache

from sqlalchemy import Engine, create_engine


@cache
def engine_for(database_url: str) -> Engine:
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5)
