"""Prometheus metrics of the worker, served on WORKER_METRICS_HOST:WORKER_METRICS_PORT
(127.0.0.1:8001) at /metrics."""

from collections.abc import Callable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    start_http_server,
)


class WorkerMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.registry = registry
        self.jobs = Counter(
            "rag_jobs", "Finished ingestion jobs by final status", ["status"], registry=registry
        )
        self.duration = Histogram(
            "rag_job_duration_seconds",
            "Time spent on one attempt of an ingestion job",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
            registry=registry,
        )
        self.queue_depth = Gauge(
            "rag_queue_depth", "Ingestion jobs waiting in the queue", registry=registry
        )
        self.documents = Counter("rag_documents_ingested", "Documents ingested", registry=registry)
        self.chunks = Counter("rag_chunks_ingested", "Chunks ingested", registry=registry)
        for status in ("done", "failed"):
            self.jobs.labels(status)

    def watch_queue(self, depth: Callable[[], int]) -> None:
        """Read the queue depth at each scrape."""
        self.queue_depth.set_function(depth)

    def serve(self, host: str, port: int) -> None:
        start_http_server(port, addr=host, registry=self.registry)
