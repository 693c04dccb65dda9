"""Prometheus metrics of the API (names are a contract with the dashboards and alert rules)."""

import logging
from collections.abc import Callable

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

logger = logging.getLogger(__name__)

# Label values come from these sets only: a client can send any method, the series stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ApiMetrics:
    """One registry per application, so that several apps (tests) do not collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter(
            "rag_http_requests_total",
            "HTTP requests by method, route template and status code",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "rag_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )
        self.documents = Counter(
            "rag_documents_ingested", "Documents ingested", registry=self.registry
        )
        self.chunks = Counter("rag_chunks_ingested", "Chunks ingested", registry=self.registry)
        self.store_chunks = Gauge(
            "rag_vector_store_chunks", "Chunks in the vector store", registry=self.registry
        )

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        """route is a route template or "unmatched", never the raw path."""
        method = method if method in METHODS else "other"
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    def watch_store(self, chunk_count: Callable[[], int]) -> None:
        """Read the number of stored chunks at each scrape."""

        def count() -> float:
            try:
                return chunk_count()
            except Exception:
                logger.warning("could not count the chunks of the vector store", exc_info=True)
                return float("nan")

        self.store_chunks.set_function(count)

    def observe_ingest(self, chunks: int) -> None:
        self.documents.inc()
        self.chunks.inc(chunks)
