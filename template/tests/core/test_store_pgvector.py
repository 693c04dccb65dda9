"""pgvector specifics: the chunks table of the migrations and its HNSW index."""

from sqlalchemy import create_engine, inspect, text

from core.service import RagService


def test_migrations_create_the_chunks_table(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        assert "chunks" in inspect(engine).get_table_names()
        with engine.connect() as connection:
            definition = connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'chunks_embedding_hnsw'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert "USING hnsw (embedding vector_cosine_ops)" in definition


def test_the_hnsw_index_is_used_and_search_returns_top_k(service: RagService) -> None:
    for number in range(60):
        service.ingest(f"note{number}.txt", f"Note {number} about harbour {number % 5}.".encode())
    hits = service.search("harbour 3", top_k=50)
    assert len(hits) == 50
    assert hits[0].score >= hits[-1].score
