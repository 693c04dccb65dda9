"""pgvector: chunks, embeddings and their words in PostgreSQL (table `chunks`, HNSW cosine and
GIN full-text indexes, created by the migrations).

A write is one transaction holding an advisory lock on the document id: writers of one document
(threads, the API and the worker) take turns, and each sees the version the previous one left.
"""

import math

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    delete,
    exists,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert

from core.database import database_url, engine_for, transaction, without_nul
from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit
from core.stores.base import EmbeddingRecord, VectorStore
from core.words import STOP_WORDS

metadata = MetaData()
chunks = Table(
    "chunks",
    metadata,
    Column("document_id", String(100), nullable=False),
    Column("source", Text, nullable=False),
    Column("chunk_index", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("embedding", Vector(), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)
embedding_record = Table(
    "embedding_record",
    metadata,
    Column("id", Boolean, primary_key=True),
    Column("model", Text, nullable=False),
    Column("dim", Integer, nullable=False),
)

# Each of the query's terms (split at spaces, stop words left out) as a phrase: `ZX-4471-B`
# matches as written, not every text holding "zx" and "4471". A term is common when more than
# :common chunks hold it (counted through the GIN index, at most :common + 1 rows read). The
# chunks holding any rare term match, or, when all terms are common, those holding all of them;
# ts_rank ranks them by every term. No term left: a NULL query, which matches nothing. (The
# queries are scalar subqueries: computed once, then searched with the index.)
KEYWORD_SEARCH = text(r"""
    WITH terms AS (
        SELECT phraseto_tsquery('simple', term) AS term
        FROM regexp_split_to_table(:query, '\s+') AS term
        WHERE lower(term) <> ALL(:stop_words) AND numnode(phraseto_tsquery('simple', term)) > 0
    ), counted AS (
        SELECT term, (
            SELECT count(*) FROM (
                SELECT FROM chunks WHERE text_search @@ terms.term LIMIT :common + 1
            ) AS found
        ) > :common AS common
        FROM terms
    ), words AS (
        SELECT coalesce(
            string_agg(term::text, ' | ') FILTER (WHERE NOT common),
            string_agg(term::text, ' & ')
        )::tsquery AS match, string_agg(term::text, ' | ')::tsquery AS rank
        FROM counted
    )
    SELECT document_id, source, chunk_index, text,
        ts_rank(text_search, (SELECT rank FROM words)) AS score
    FROM chunks
    WHERE text_search @@ (SELECT match FROM words)
    ORDER BY score DESC, document_id, chunk_index
    LIMIT :top_k
""").bindparams(bindparam("stop_words", sorted(STOP_WORDS), type_=ARRAY(Text)))

HNSW_EF_SEARCH = 40  # pgvector's default
HIT_COLUMNS = (chunks.c.document_id, chunks.c.source, chunks.c.chunk_index, chunks.c.text)


class PgvectorStore(VectorStore):
    name = "pgvector"

    def __init__(self, database_url: str, embedding: EmbeddingRecord) -> None:
        self.embedding = embedding
        self._engine = engine_for(database_url)

    def replace(self, document: DocumentInfo, texts: list[str], vectors: Vectors) -> bool:
        document_id = without_nul(document.document_id)
        rows = [
            {
                "document_id": document_id,
                "source": without_nul(document.filename),
                "chunk_index": index,
                "text": without_nul(chunk_text),
                "embedding": vector,
                "ingested_at": document.ingested_at,
            }
            for index, (chunk_text, vector) in enumerate(zip(texts, vectors, strict=True))
        ]
        later = exists().where(
            chunks.c.document_id == document_id, chunks.c.ingested_at > document.ingested_at
        )
        with transaction(self._engine) as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 0))"), {"id": document_id}
            )
            if connection.execute(select(later)).scalar_one():
                return False
            connection.execute(delete(chunks).where(chunks.c.document_id == document_id))
            connection.execute(chunks.insert(), rows)
            connection.execute(
                insert(embedding_record)
                .values(id=True, model=self.embedding.model, dim=self.embedding.dim)
                .on_conflict_do_nothing()
            )
        return True

    def delete(self, document_id: str) -> int:
        if "\x00" in document_id:
            return 0  # no stored id holds one
        with transaction(self._engine) as connection:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(hashtextextended(:id, 0))"), {"id": document_id}
            )
            statement = delete(chunks).where(chunks.c.document_id == document_id)
            return connection.execute(statement).rowcount

    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        distance = chunks.c.embedding.cosine_distance(vector)
        query = select(*HIT_COLUMNS, (1 - distance).label("score")).order_by(distance).limit(top_k)
        with transaction(self._engine) as connection:
            # The HNSW index returns at most ef_search rows (40 unless set): keep it above top_k.
            if top_k > HNSW_EF_SEARCH // 2:
                connection.execute(text(f"SET LOCAL hnsw.ef_search = {2 * top_k}"))
            rows = connection.execute(query).mappings().all()
        # A zero vector (a query or a chunk of only stop words) has no cosine similarity (NaN).
        return [Hit.model_validate(dict(row)) for row in rows if math.isfinite(row["score"])]

    def keyword_search(self, query: str, top_k: int) -> list[Hit]:
        with transaction(self._engine) as connection:
            rows = connection.execute(
                KEYWORD_SEARCH,
                {"query": without_nul(query), "top_k": top_k, "common": self.common_chunks},
            ).mappings()
            return [Hit.model_validate(dict(row)) for row in rows]

    def texts(self, document_id: str) -> list[str]:
        if "\x00" in document_id:
            return []
        query = (
            select(chunks.c.text)
            .where(chunks.c.document_id == document_id)
            .order_by(chunks.c.chunk_index)
        )
        with transaction(self._engine) as connection:
            return list(connection.execute(query).scalars())

    def recorded_embedding(self) -> EmbeddingRecord | None:
        with transaction(self._engine) as connection:
            row = connection.execute(
                select(embedding_record.c.model, embedding_record.c.dim)
            ).first()
        return EmbeddingRecord(*row) if row else None

    def count(self) -> int:
        with transaction(self._engine) as connection:
            return connection.execute(select(func.count()).select_from(chunks)).scalar_one()

    def check(self) -> None:
        self.count()


def create(embedding: EmbeddingRecord) -> PgvectorStore:
    return PgvectorStore(database_url(), embedding)
