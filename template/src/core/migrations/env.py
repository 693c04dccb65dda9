"""Alembic environment: migrations run online, one process at a time (advisory lock)."""

from alembic import context
from sqlalchemy import text

from core.database import engine_for

# Any constant: processes starting together (api, worker, migrate) wait for each other.
MIGRATION_LOCK = 72_310_417


def run_migrations() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set: run `python -m core.migrate`")
    with engine_for(url).connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()
        try:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()


run_migrations()
