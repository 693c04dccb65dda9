"""Apply the database migrations: `python -m core.migrate` (Alembic upgrade head; idempotent)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.database import database_url
from core.settings import load_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str, embedding_dim: int) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["embedding_dim"] = embedding_dim
    return config


def upgrade(database_url: str, embedding_dim: int) -> None:
    command.upgrade(alembic_config(database_url, embedding_dim), "head")


def main() -> None:
    upgrade(database_url(), load_settings().embedding_dim)
    print("database migrated to the latest revision")


if __name__ == "__main__":
    main()
