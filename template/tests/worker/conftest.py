"""A queue of its own per test (Redis: tests/backends/jobs.py) and a worker in the test process."""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import dramatiq
import pytest
from prometheus_client import CollectorRegistry

from core.jobs import JobQueue, QueueSettings
from core.service import RagService
from worker.metrics import WorkerMetrics
from worker.tasks import declare_ingest_actor

RunWorker = Callable[..., AbstractContextManager[WorkerMetrics]]


@pytest.fixture
def queue_env(jobs_env: dict[str, str]) -> dict[str, str]:
    """The queue's environment variables: its own key prefix, short retry delays."""
    return jobs_env | {
        "JOB_MAX_RETRIES": "2",
        "JOB_MIN_BACKOFF_SECONDS": "0.2",
        "JOB_REQUEUE_AFTER_SECONDS": "1",
    }


@pytest.fixture
def queue_settings(queue_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> QueueSettings:
    for name, value in queue_env.items():
        monkeypatch.setenv(name, value)
    return QueueSettings()


@pytest.fixture
def queue(queue_settings: QueueSettings) -> JobQueue:
    return JobQueue(queue_settings)


@pytest.fixture
def run_worker(queue: JobQueue, service: RagService, queue_settings: QueueSettings) -> RunWorker:
    """`with run_worker(): ...` consumes the queue in this process, like `python -m worker`."""

    @contextmanager
    def run(ingest_service: RagService = service) -> Iterator[WorkerMetrics]:
        own_queue = JobQueue(queue_settings)  # a broker of its own, like a new process
        metrics = WorkerMetrics(CollectorRegistry())
        declare_ingest_actor(
            own_queue.broker,
            ingest_service,
            own_queue.jobs,
            metrics,
            queue_settings.job_max_retries,
        )
        worker = dramatiq.Worker(own_queue.broker, worker_threads=1, worker_timeout=100)
        worker.start()
        try:
            yield metrics
        finally:
            worker.stop()

    return run


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """configure_logging() replaces the root handler; put the test runner's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def inbox_dir(tmp_path: Path) -> Path:
    return tmp_path / "inbox"
