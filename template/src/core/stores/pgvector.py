"""pgvector: chunks and embeddings in PostgreSQL (table `chunks`, HNSW cosine index, created
by the migrations). A change is one transaction: all of a document's chunks, or none."""

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    select,
    text,
)

from core.database import database_url, engine_for
from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit
from core.stores.base import VectorStore

chunks = Table(
    "chunks",
    MetaData(),
    Column("id", BigInteger, primary_key=True),
    Column("document_id", String(100), nullable=False),
    Column("version", String(32), nullable=False),
    Column("source", Text, nullable=False),
    Column("chunk_index", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("embedding", Vector(), nullable=False),
)


class PgvectorStore(VectorStore):
    name = "pgvector"

    def __init__(self, database_url: str, dim: int) -> None:
        self.dim = dim
        self._engine = engine_for(database_url)

    def add(self, document: DocumentInfo, version: str, texts: list[str], vectors: Vectors) -> None:
        rows = [
            {
                "document_id": document.document_id,
                "version": version,
                "source": document.filename,
                "chunk_index": index,
                "text": chunk_text,
                "embedding": vector,
            }
            for index, (chunk_text, vector) in enumerate(zip(texts, vectors, strict=True))
        ]
        with self._engine.begin() as connection:
            connection.execute(chunks.insert(), rows)

    def delete(self, document_id: str, keep_version: str | None = None) -> int:
        statement = delete(chunks).where(chunks.c.document_id == document_id)
        if keep_version is not None:
            statement = statement.where(chunks.c.version != keep_version)
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount

    def delete_version(self, document_id: str, version: str) -> None:
        statement = delete(chunks).where(
            chunks.c.document_id == document_id, chunks.c.version == version
        )
        with self._engine.begin() as connection:
            connection.execute(statement)

    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        distance = chunks.c.embedding.cosine_distance(vector)
        query = (
            select(chunks.c.document_id, chunks.c.source, chunks.c.chunk_index, chunks.c.text)
            .add_columns((1 - distance).label("score"))
            .order_by(distance)
            .limit(top_k)
        )
        with self._engine.begin() as connection:
            # The HNSW index returns at most ef_search rows: keep it above top_k.
            connection.execute(text(f"SET LOCAL hnsw.ef_search = {max(40, 2 * top_k)}"))
            rows = connection.execute(query).mappings().all()
        return [Hit.model_validate(dict(row)) for row in rows]

    def count(self) -> int:
        with self._engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(chunks)).scalar_one()

    def check(self) -> None:
        self.count()


def create(dim: int) -> PgvectorStore:
    return PgvectorStore(database_url(), dim)
