"""The ingestion job in a worker of this process: outcomes, retries with backoff, request ids."""

import json
import time

import pytest

from core.jobs import JobQueue
from core.logging import configure_logging, request_context
from core.service import RagService
from tests.worker.conftest import RunWorker
from tests.worker.helpers import wait_for_job

TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"


def test_a_queued_document_is_ingested(
    queue: JobQueue, run_worker: RunWorker, service: RagService
) -> None:
    job_id = queue.submit("tides.md", TIDES, "req-1")
    assert queue.status(job_id).status == "queued"
    with run_worker() as metrics:
        job = wait_for_job(queue, job_id)
    assert job.status == "done", job.error
    assert job.result.filename == "tides.md"
    assert job.error is None
    documents, total = service.list_documents(0, 10)
    assert total == 1
    assert documents[0].document_id == job.result.document_id
    assert service.search("spring tides", 1)[0].source == "tides.md"
    assert queue.jobs.content(job_id) is None  # the file is not kept once ingested
    assert metrics.jobs.labels("done")._value.get() == 1
    assert metrics.chunks._value.get() == job.result.chunks
    assert queue.depth() == 0


def test_a_bad_document_fails_at_once(queue: JobQueue, run_worker: RunWorker) -> None:
    job_id = queue.submit("latin.txt", b"caf\xe9 au lait", None)
    with run_worker() as metrics:
        job = wait_for_job(queue, job_id)
        time.sleep(0.5)  # a retry, if any, would be queued by now
        assert queue.depth() == 0
    assert job.status == "failed"
    assert job.error.startswith("NotText: latin.txt is not UTF-8 text")
    assert metrics.jobs.labels("failed")._value.get() == 1


class FlakyService:
    """The real service, whose first `failures` ingestions fail like an unreachable store."""

    def __init__(self, service: RagService, failures: int) -> None:
        self.service = service
        self.failures = failures
        self.attempts: list[float] = []

    def ingest(self, filename: str, content: bytes):
        self.attempts.append(time.monotonic())
        if len(self.attempts) <= self.failures:
            raise ConnectionError(f"store unreachable (attempt {len(self.attempts)})")
        return self.service.ingest(filename, content)


def test_failures_are_retried_with_growing_delays(
    queue: JobQueue, run_worker: RunWorker, service: RagService
) -> None:
    flaky = FlakyService(service, failures=2)
    job_id = queue.submit("tides.md", TIDES, None)
    with run_worker(flaky):
        retrying = wait_for_job(queue, job_id, frozenset({"queued"}), timeout=10)
        job = wait_for_job(queue, job_id)
    assert job.status == "done", job.error
    assert len(flaky.attempts) == 3
    first, second = (b - a for a, b in zip(flaky.attempts, flaky.attempts[1:], strict=False))
    assert first >= 0.2  # JOB_MIN_BACKOFF_SECONDS, then doubled
    assert second >= 0.4
    assert retrying.status == "queued"
    assert service.list_documents(0, 10)[1] == 1


def test_a_job_failing_every_retry_is_failed_with_the_last_error(
    queue: JobQueue, run_worker: RunWorker, service: RagService
) -> None:
    flaky = FlakyService(service, failures=10)
    job_id = queue.submit("tides.md", TIDES, None)
    with run_worker(flaky) as metrics:
        job = wait_for_job(queue, job_id, timeout=20)
    assert job.status == "failed"
    assert len(flaky.attempts) == 3  # JOB_MAX_RETRIES=2
    assert job.error == "attempt 3 failed: ConnectionError: store unreachable (attempt 3)"
    assert metrics.jobs.labels("failed")._value.get() == 1
    assert service.list_documents(0, 10)[1] == 0


def test_the_request_id_travels_with_the_job(
    capsys: pytest.CaptureFixture[str], queue: JobQueue, run_worker: RunWorker
) -> None:
    configure_logging("INFO")
    with request_context("from-the-api-7") as request_id:
        job_id = queue.submit("tides.md", TIDES, request_id)
    with run_worker():
        wait_for_job(queue, job_id)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    mine = [line["message"] for line in lines if line["request_id"] == "from-the-api-7"]
    assert f"job {job_id}: ingesting tides.md" in mine
    assert any(message.startswith(f"job {job_id}: done") for message in mine)


def test_a_job_is_not_run_twice_once_finished(
    queue: JobQueue, run_worker: RunWorker, service: RagService
) -> None:
    """A message delivered again after the job finished (worker died before the ack)."""
    job_id = queue.submit("tides.md", TIDES, None)
    with run_worker():
        wait_for_job(queue, job_id)
    flaky = FlakyService(service, failures=0)
    queue.enqueue(job_id, None)
    with run_worker(flaky):
        deadline = time.monotonic() + 5
        while queue.depth() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    assert flaky.attempts == []
    assert queue.status(job_id).status == "done"
