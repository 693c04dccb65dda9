"""Run by benchmarks/scale.py with a generated project's Python (PYTHONPATH=src, the project's
settings in the environment): `scale_probe.py STORE PORT MEASURED FILL_SECONDS SIZE...`.

Starts the store's server (store_servers.py), then for each SIZE: fills the store to SIZE chunks
without the embedder (stand-in vectors, see fill(); FILL_SECONDS of filling at most in all), times the
ingestion of MEASURED more beside the embedder alone, then searches: the store library's own
vector search (see RAW) and keyword query (RAW_KEYWORD), each search mode's baseline (the
question's embedding and those), the store's searches, and per mode (vector, hybrid) the
service's search and, over HTTP, POST /search beside GET /healthz. Prints one JSON object per
size."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from core.chunking import split_text
from core.embedders import make_embedder
from core.embedders.base import normalize_rows
from core.retrieval import CANDIDATES
from core.service import EMBED_BATCH, RagService, document_for
from core.settings import SearchMode, Settings
from core.stores import make_store
from store_servers import SERVERS

WORDS_PER_CHUNK = 90  # about 680 characters: mostly one chunk each with the default CHUNK_SIZE
CHUNKS_PER_DOCUMENT = 10
DOCUMENTS_PER_CALL = 20  # an ingest_many call: about 210 chunks
QUERIES = 200
MIN_QUERIES, SERIES_SECONDS = 20, 60  # a slow store's series stops after a minute
TOP_K = 5


# Each store library's own vector search (of TOP_K unless told), on what the store holds open.
def faiss_raw(store) -> Callable[[np.ndarray], object]:
    import faiss

    faiss.omp_set_num_threads(1)  # as the store searches
    index = store._index
    return lambda vector, k=TOP_K: index.search(vector.reshape(1, -1), k)


def pgvector_raw(store) -> Callable[[np.ndarray], object]:
    """One SQL query with pgvector's cosine distance operator on an open connection."""
    import psycopg

    connection = psycopg.connect(os.environ["DATABASE_URL"].replace("+psycopg", ""))
    query = "SELECT document_id, chunk_index, text FROM chunks ORDER BY embedding <=> %s::vector LIMIT %s"  # fmt: skip
    return lambda vector, k=TOP_K: connection.execute(query, (str(vector.tolist()), k)).fetchall()


def qdrant_raw(store) -> Callable[[np.ndarray], object]:
    client, collection = store._client, store._collection
    return lambda vector, k=TOP_K: client.query_points(
        collection, query=vector.tolist(), limit=k, with_payload=True
    )


def chroma_raw(store) -> Callable[[np.ndarray], object]:
    collection = store._collection
    return lambda vector, k=TOP_K: collection.query(
        query_embeddings=[vector], n_results=k, include=["documents", "metadatas", "distances"]
    )


RAW = {"faiss": faiss_raw, "pgvector": pgvector_raw, "qdrant": qdrant_raw, "chroma": chroma_raw}


# Each store's keyword query, run directly: the same SQL or the same library calls as the store's
# keyword_search, without building hits (nor, for Chroma, our BM25 ranking of the candidates).
def faiss_raw_keyword(store) -> Callable[[str], object]:
    """The store's FTS5 query on a connection of its own (with its document-frequency probes)."""
    connection = sqlite3.connect(store._path)
    query = "SELECT rowid, -bm25(chunk_text) FROM chunk_text WHERE chunk_text MATCH ? ORDER BY bm25(chunk_text) LIMIT ?"  # fmt: skip
    return lambda text: connection.execute(
        query, (store.match_expression(text) or '""', CANDIDATES)
    ).fetchall()


def pgvector_raw_keyword(store) -> Callable[[str], object]:
    """The store's SQL statement (document frequencies included) with psycopg."""
    import psycopg
    from core.stores.pgvector import KEYWORD_SEARCH
    from core.words import STOP_WORDS

    connection = psycopg.connect(
        os.environ["DATABASE_URL"].replace("+psycopg", ""), autocommit=True
    )
    query = KEYWORD_SEARCH.text.replace(":stop_words", "%(stop_words)s")
    query = query.replace(":query", "%(query)s").replace(":top_k", "%(top_k)s")
    query = query.replace(":common", "%(common)s")
    parameters = {"stop_words": sorted(STOP_WORDS), "top_k": CANDIDATES,
                  "common": store.common_chunks}  # fmt: skip
    return lambda text: connection.execute(query, parameters | {"query": text}).fetchall()


def qdrant_raw_keyword(store) -> Callable[[str], object]:
    """Its keyword search is the client's calls (one batch of counts, one query) and no more."""
    return lambda text: store.keyword_search(text, CANDIDATES)


def chroma_raw_keyword(store) -> Callable[[str], object]:
    """The same scans: the chunks holding any word, its words counted (and, past a limit, a scan
    per word left and one for the candidates), not ranked."""
    from core.stores.chroma import keyword_terms

    return lambda text: store.keyword_candidates(keyword_terms(text))


RAW_KEYWORD = {
    "faiss": faiss_raw_keyword, "pgvector": pgvector_raw_keyword, "qdrant": qdrant_raw_keyword,
    "chroma": chroma_raw_keyword,
}  # fmt: skip


def words(rng: random.Random, size: int = 5000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(size)]


def paragraph(rng: random.Random, vocabulary: list[str]) -> str:
    return " ".join(rng.choices(vocabulary, k=WORDS_PER_CHUNK)) + "."


def documents(rng: random.Random, vocabulary: list[str]) -> list[str]:
    """One ingest_many call's documents."""
    return [
        "\n\n".join(paragraph(rng, vocabulary) for _ in range(CHUNKS_PER_DOCUMENT))
        for _ in range(DOCUMENTS_PER_CALL)
    ]


def percentiles(values: list[float]) -> tuple[float, float, int]:
    """p50, p95 and the number of values."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))], len(ordered)


def timed(calls: list[Callable[[], object]]) -> list[float]:
    """Milliseconds of each call, until SERIES_SECONDS have passed (at least MIN_QUERIES)."""
    times: list[float] = []
    end = time.perf_counter() + SERIES_SECONDS
    for call in calls:
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
        if len(times) >= MIN_QUERIES and start > end:
            break
    return times


def fill(
    service: RagService, chunks: int, deadline: float, rng: random.Random, vocabulary: list[str]
) -> int:
    """Chunks added towards `chunks` of the same texts as the measured ones, without the embedder:
    random unit vectors under the embedder's record (what a store costs does not depend on the
    vectors' values), through the store's own batch path (replace_many), until the deadline."""
    vectors = np.random.default_rng(rng.getrandbits(32))
    size = service.settings.chunk_size, service.settings.chunk_overlap, service.settings.max_chunks
    names = itertools.count()
    filled = 0
    while filled < chunks and time.monotonic() < deadline:
        batch = []
        for text in documents(rng, vocabulary):
            texts = split_text(text, *size)
            random_vectors = vectors.standard_normal((len(texts), service.embedding.dim))
            batch.append((document_for(f"fill-{chunks}-{next(names):06d}.txt", texts), texts,
                          normalize_rows(random_vectors.astype(np.float32))))  # fmt: skip
            filled += len(texts)
        service.store.replace_many(batch)
    return filled


def ingestion_rates(
    service: RagService, chunks: int, rng: random.Random, vocabulary: list[str]
) -> tuple[int, float, float]:
    """Chunks ingested, the embedder-only rate and the ingestion rate (chunks/s).

    Batch by batch, the embedder alone on new texts (so that an embedder's cache is no warmer
    for one than for the other), then ingestion: both under the same machine load."""
    settings = service.settings
    embedder = make_embedder(settings)
    ingested = embedded = 0
    names = itertools.count()
    embed_seconds = ingest_seconds = 0.0
    size = settings.chunk_size, settings.chunk_overlap, settings.max_chunks
    while ingested < chunks:
        texts = [chunk for text in documents(rng, vocabulary) for chunk in split_text(text, *size)]
        start = time.perf_counter()
        for first in range(0, len(texts), EMBED_BATCH):
            embedder.embed(texts[first : first + EMBED_BATCH])
        embed_seconds += time.perf_counter() - start
        embedded += len(texts)
        files = [
            (f"bench-{time.time_ns()}-{next(names)}.txt", text.encode())
            for text in documents(rng, vocabulary)
        ]
        start = time.perf_counter()
        results = service.ingest_many(files)
        ingest_seconds += time.perf_counter() - start
        ingested += sum(result.chunks for result in results)
    return ingested, embedded / embed_seconds, ingested / ingest_seconds


def over_http(port: int, queries: list[str], mode: SearchMode) -> tuple[list[float], list[float]]:
    """GET /healthz (the HTTP floor) and POST /search, keep-alive, against uvicorn."""
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level",
         "warning"],
        env=os.environ | {"PYTHONPATH": "src", "SEARCH_MODE": mode},
    )  # fmt: skip
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        key = os.environ.get("API_KEY")
        headers = {"Content-Type": "application/json"}
        headers |= {"Authorization": f"Bearer {key}"} if key else {}

        def call(method: str, path: str, body: dict[str, object] | None = None) -> None:
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status}")

        # The API opens its store at start: Qdrant's local mode reads every point (a minute or
        # more at 90k chunks here).
        deadline = time.monotonic() + 600
        while True:
            try:
                call("GET", "/healthz")
                break
            except OSError:
                connection.close()
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        call("POST", "/search", {"query": queries[0], "top_k": TOP_K})  # opens the store
        floor = timed([lambda: call("GET", "/healthz")] * QUERIES)
        search = timed(
            [lambda q=q: call("POST", "/search", {"query": q, "top_k": TOP_K}) for q in queries]
        )
        return floor, search
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(
    name: str, service: RagService, port: int, measured: int, rng: random.Random,
    vocabulary: list[str],
) -> dict[str, object]:  # fmt: skip
    load = os.getloadavg()[0]
    ingested, embed_rate, ingest_rate = ingestion_rates(service, measured, rng, vocabulary)
    queries = [" ".join(rng.choices(vocabulary, k=6)) for _ in range(QUERIES)]
    embedder = service.embedder
    embed_query = timed([lambda q=q: embedder.embed([q]) for q in queries])
    vectors = embedder.embed(queries)
    service.close()  # Qdrant's local mode: one client at a time
    start = time.perf_counter()
    store = make_store(service.embedding)
    store.check()
    cold_start = time.perf_counter() - start
    raw, raw_keyword = RAW[name](store), RAW_KEYWORD[name](store)
    raw_search = timed([lambda v=v: raw(v) for v in vectors])
    # Each mode's baseline: what its search cannot do without (the question's embedding, the
    # library's vector search of CANDIDATES, and for hybrid its keyword query).
    depth = max(TOP_K, CANDIDATES)
    baselines = {
        SearchMode.VECTOR: timed([lambda q=q: raw(embedder.embed([q])[0]) for q in queries]),
        SearchMode.HYBRID: timed(
            [lambda q=q: (raw(embedder.embed([q])[0], depth), raw_keyword(q)) for q in queries]
        ),
    }
    raw_keyword_search = timed([lambda q=q: raw_keyword(q) for q in queries])
    store_search = timed(
        [lambda q=q, v=v: (store.search(v, depth), store.keyword_search(q, depth))
         for q, v in zip(queries, vectors, strict=True)]
    )  # fmt: skip
    store.close()
    settings, modes = service.settings, {}
    for mode, baseline in baselines.items():
        searcher = RagService(settings)
        in_process = timed([lambda q=q, s=searcher, m=mode: s.search(q, TOP_K, m) for q in queries])
        searcher.close()
        floor, http_search = over_http(port, queries, mode)
        modes[mode] = {
            "baseline": percentiles(baseline), "service": percentiles(in_process),
            "healthz": percentiles(floor), "search": percentiles(http_search),
        }  # fmt: skip
    return {
        "ingested": ingested, "embed_rate": embed_rate, "ingest_rate": ingest_rate,
        "cold_start_s": cold_start, "embed_query": percentiles(embed_query),
        "raw": percentiles(raw_search), "raw_keyword": percentiles(raw_keyword_search),
        "store_search": percentiles(store_search), "modes": modes,
        "load": (load, os.getloadavg()[0]),
    }  # fmt: skip


def main() -> None:
    name, port, measured, fill_seconds = sys.argv[1], *map(int, sys.argv[2:5])
    sizes = [int(size) for size in sys.argv[5:]]
    rng = random.Random(42)
    vocabulary = words(rng)
    with (
        tempfile.TemporaryDirectory(prefix=f"scale-{name}-") as folder,
        SERVERS[name](Path(folder)),
    ):
        chunks, fill_budget = 0, float(fill_seconds)  # the fills' time, measurements left out
        for size in sizes:
            service = RagService(Settings())
            start = time.monotonic()
            filled = fill(service, max(0, size - chunks), start + fill_budget, rng, vocabulary)
            elapsed = time.monotonic() - start
            fill_budget -= elapsed
            fill_rate = filled / elapsed
            chunks += filled
            result = measure(name, service, port, measured, rng, vocabulary)
            print(json.dumps({"store": name, "size": size, "filled": chunks,
                              "fill_rate": fill_rate, **result}), flush=True)  # fmt: skip
            chunks += result["ingested"]


if __name__ == "__main__":
    main()
