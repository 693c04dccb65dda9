"""Ingestion throughput and /search latency of this project's backends, printed as a table.

    PYTHONPATH=src uv run python benchmarks/ingest_search.py [--chunks 10000] [--queries 200]

It writes into the store and database the settings point at (environment, .env): use a
throwaway one. Its documents are named bench-*.txt and deleted at the end (unless --keep).
Ingestion goes through RagService (load, chunk, embed, store); searches go through the ASGI
application (routing, validation, JSON) in this process, without a network.
"""

import argparse
import random
import secrets
import statistics
import time

from fastapi.testclient import TestClient

from api.main import create_app
from api.security import ApiKeys, SecuritySettings, hash_key
from core.service import RagService
from core.settings import load_settings

WORDS_PER_CHUNK = 110  # about 700 characters: one chunk each with the default CHUNK_SIZE
CHUNKS_PER_DOCUMENT = 10


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(size)]


def make_document(rng: random.Random, words: list[str]) -> bytes:
    paragraphs = (
        " ".join(rng.choices(words, k=WORDS_PER_CHUNK)) + "." for _ in range(CHUNKS_PER_DOCUMENT)
    )
    return "\n\n".join(paragraphs).encode()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=10_000, help="chunks to ingest")
    parser.add_argument("--queries", type=int, default=200, help="searches to time")
    parser.add_argument("--top-k", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark documents")
    args = parser.parse_args()

    settings = load_settings()
    service = RagService(settings)
    rng = random.Random(42)
    words = vocabulary(rng)

    ingested, documents, started = 0, [], time.perf_counter()
    while ingested < args.chunks:
        result = service.ingest(f"bench-{len(documents):05d}.txt", make_document(rng, words))
        documents.append(result.document_id)
        ingested += result.chunks
    ingest_seconds = time.perf_counter() - started

    app = create_app(settings)
    # What the lifespan would set; the key is checked as for any client.
    key = secrets.token_urlsafe(32)
    app.state.settings, app.state.service = settings, service
    app.state.security = SecuritySettings(allowed_hosts="localhost")
    app.state.api_keys = ApiKeys([hash_key(key)])
    headers = {"Authorization": f"Bearer {key}"}
    client = TestClient(app, base_url="http://localhost", headers=headers)
    latencies = []
    for _ in range(args.queries):
        query = " ".join(rng.choices(words, k=6))
        started = time.perf_counter()
        response = client.post("/search", json={"query": query, "top_k": args.top_k})
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()

    if not args.keep:
        for document_id in documents:
            service.delete_document(document_id)

    print(
        "| vector store | metadata | embedder | chunks | ingest chunks/s "
        "| /search p50 ms | /search p95 ms |"
    )
    print("|---|---|---|---:|---:|---:|---:|")
    print(
        f"| {service.store.name} | {service.catalog.name} | {settings.embedder} | {ingested} "
        f"| {ingested / ingest_seconds:.0f} | {statistics.median(latencies):.1f} "
        f"| {percentile(latencies, 0.95):.1f} |"
    )


if __name__ == "__main__":
    main()
