"""Run by benchmarks/scale.py with a generated project's Python (PYTHONPATH=src, the project's
settings in the environment): `scale_probe.py CHUNKS PORT [MEASURED]`. Ingests CHUNKS chunks
and times it; with MEASURED, fills the store to CHUNKS chunks first without the embedder
(stand-in vectors, see fill()) and times the ingestion of MEASURED more. Then times searches
in-process and over HTTP. Prints one JSON object."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time

import faiss
import numpy as np
from core.chunking import split_text
from core.embedders import make_embedder
from core.embedders.base import normalize_rows
from core.service import EMBED_BATCH, RagService, document_for
from core.settings import Settings
from core.stores.faiss import FaissStore

WORDS_PER_CHUNK = 90  # about 680 characters: mostly one chunk each with the default CHUNK_SIZE
CHUNKS_PER_DOCUMENT = 10
DOCUMENTS_PER_CALL = 20  # an ingest_many call: about 210 chunks, one store transaction
QUERIES = 200


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


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def timed(call, repeat: int) -> list[float]:
    """Milliseconds of each call."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fill(service: RagService, chunks: int, rng: random.Random, vocabulary: list[str]) -> int:
    """The store filled to `chunks` chunks of the same texts as the measured ones, without the
    embedder: random unit vectors of its dimension, under its record (what a store costs does
    not depend on the vectors' values), one transaction per call's documents."""
    vectors = np.random.default_rng(42)
    size = service.settings.chunk_size, service.settings.chunk_overlap, service.settings.max_chunks
    names = itertools.count()
    filled = 0
    while filled < chunks:
        batch = []
        for text in documents(rng, vocabulary):
            texts = split_text(text, *size)
            random_vectors = vectors.standard_normal((len(texts), service.embedding.dim))
            batch.append((document_for(f"fill-{next(names):06d}.txt", texts), texts,
                          normalize_rows(random_vectors.astype(np.float32))))  # fmt: skip
            filled += len(texts)
        service.store.replace_many(batch)
    return filled


def ingestion_rates(
    service: RagService, chunks: int, rng: random.Random, vocabulary: list[str]
) -> tuple[int, float, float]:
    """Chunks ingested, the embedder-only rate and the ingestion rate (chunks/s).

    Batch by batch, the embedder alone on new texts (so that the hashing embedder's cache is
    no warmer for one than for the other), then ingestion: both under the same machine load."""
    settings = service.settings
    embedder = make_embedder(settings)
    ingested = embedded = 0
    names = itertools.count()
    embed_seconds = ingest_seconds = 0.0
    while ingested < chunks:
        size = settings.chunk_size, settings.chunk_overlap, settings.max_chunks
        texts = [chunk for text in documents(rng, vocabulary) for chunk in split_text(text, *size)]
        start = time.perf_counter()
        for first in range(0, len(texts), EMBED_BATCH):
            embedder.embed(texts[first : first + EMBED_BATCH])
        embed_seconds += time.perf_counter() - start
        embedded += len(texts)
        files = [
            (f"bench-{next(names):06d}.txt", text.encode()) for text in documents(rng, vocabulary)
        ]
        start = time.perf_counter()
        results = service.ingest_many(files)
        ingest_seconds += time.perf_counter() - start
        ingested += sum(result.chunks for result in results)
    return ingested, embedded / embed_seconds, ingested / ingest_seconds


def main() -> None:
    chunks, port = int(sys.argv[1]), int(sys.argv[2])
    measured = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    rng = random.Random(42)
    vocabulary = words(rng)
    service = RagService(Settings())
    filled = fill(service, chunks, rng, vocabulary) if measured else 0
    ingested, embed_rate, ingest_rate = ingestion_rates(
        service, measured or chunks, rng, vocabulary
    )

    start = time.perf_counter()
    store = FaissStore(service.store._path.parent, service.embedding)
    opened = time.perf_counter() - start
    store.check()  # builds the index from the file
    cold_start = time.perf_counter() - start

    queries = [" ".join(rng.choices(vocabulary, k=6)) for _ in range(QUERIES)]
    vectors = service.embedder.embed(queries)
    index = store._index
    faiss.omp_set_num_threads(1)  # as the store searches
    faiss_alone = [
        t for v in vectors for t in timed(lambda v=v: index.search(v.reshape(1, -1), 5), 1)
    ]
    store_search = [
        t
        for query, v in zip(queries, vectors, strict=True)
        for t in timed(lambda q=query, v=v: (store.search(v, 20), store.keyword_search(q, 20)), 1)
    ]
    in_process = [t for q in queries for t in timed(lambda q=q: service.search(q, 5), 1)]

    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(port), "--log-level",
         "warning"],
        env=os.environ | {"PYTHONPATH": "src"},
    )  # fmt: skip
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)  # keep-alive
        key = os.environ.get("API_KEY")
        headers = {"Content-Type": "application/json"}
        headers |= {"Authorization": f"Bearer {key}"} if key else {}

        def call(method: str, path: str, body: dict[str, object] | None = None) -> None:
            connection.request(method, path, json.dumps(body) if body else None, headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{method} {path}: {response.status}")

        for _ in range(600):
            try:
                call("GET", "/healthz")
                break
            except OSError:
                connection.close()
                time.sleep(0.1)
        call("POST", "/search", {"query": queries[0], "top_k": 5})  # warm
        floor = timed(lambda: call("GET", "/healthz"), QUERIES)
        http_search = [
            t
            for q in queries
            for t in timed(lambda q=q: call("POST", "/search", {"query": q, "top_k": 5}), 1)
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(json.dumps({
        "chunks": filled + ingested, "filled": filled, "measured": ingested, "embed_rate": embed_rate, "ingest_rate": ingest_rate,
        "open_s": opened, "cold_start_s": cold_start,
        "faiss": percentiles(faiss_alone), "store": percentiles(store_search),
        "service": percentiles(in_process), "healthz": percentiles(floor),
        "search": percentiles(http_search),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
