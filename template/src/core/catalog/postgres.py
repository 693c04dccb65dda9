"""Document metadata in PostgreSQL (table `documents`, created by the migrations).

Of two versions of a document, the later `ingested_at` stays, whichever is written last."""

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert

from core.catalog.base import Catalog
from core.database import database_url, engine_for, transaction, without_nul
from core.models import DocumentInfo
from core.stores.base import VectorStore

documents = Table(
    "documents",
    MetaData(),
    Column("document_id", String(100), primary_key=True),
    Column("filename", Text, nullable=False),
    Column("chunks", Integer, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)


class PostgresCatalog(Catalog):
    name = "postgresql"

    def __init__(self, database_url: str) -> None:
        self._engine = engine_for(database_url)

    def put(self, document: DocumentInfo) -> None:
        values = document.model_dump()
        values["document_id"] = without_nul(document.document_id)
        values["filename"] = without_nul(document.filename)
        statement = insert(documents).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[documents.c.document_id],
            set_=values,
            where=statement.excluded.ingested_at >= documents.c.ingested_at,
        )
        with transaction(self._engine) as connection:
            connection.execute(statement)

    def remove(self, document_id: str) -> bool:
        if "\x00" in document_id:
            return False  # no stored id holds one
        with transaction(self._engine) as connection:
            result = connection.execute(
                delete(documents).where(documents.c.document_id == document_id)
            )
        return result.rowcount > 0

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        page = (
            select(documents)
            .order_by(documents.c.ingested_at.desc(), documents.c.document_id)
            .offset(offset)
            .limit(limit)
        )
        with transaction(self._engine) as connection:
            total = connection.execute(select(func.count()).select_from(documents)).scalar_one()
            rows = connection.execute(page).mappings().all()
        return [DocumentInfo.model_validate(dict(row)) for row in rows], total

    def check(self) -> None:
        with transaction(self._engine) as connection:
            connection.execute(select(func.count()).select_from(documents))


def create(store: VectorStore) -> PostgresCatalog:
    return PostgresCatalog(database_url())
