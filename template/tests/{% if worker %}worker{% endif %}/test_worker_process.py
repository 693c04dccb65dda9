"""`python -m worker` as a real process: killed mid-job, stopped mid-job, inbox, metrics."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from core.service import RagService
from core.settings import Settings
from tests.worker.helpers import wait_for_job
from worker.queue import JobQueue

ROOT = Path(__file__).resolve().parents[2]
TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"
StartWorker = Callable[..., subprocess.Popen]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def start_worker(
    settings_env: dict[str, str], queue_env: dict[str, str], tmp_path: Path
) -> Iterator[StartWorker]:
    """start_worker(*module, **env) -> a worker process (stopped at the end of the test)."""
    processes: list[subprocess.Popen] = []

    def start(*module: str, **env: str) -> subprocess.Popen:
        environment = os.environ | settings_env | queue_env
        environment |= {"WORKER_METRICS_PORT": str(free_port())} | env
        environment["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
        log = (tmp_path / f"worker-{len(processes)}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", *(module or ["worker"])],
            env=environment,
            cwd=tmp_path,  # away from the project's .env
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_for_file(path: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, f"the worker exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{path.name} did not appear in {timeout} s"
        time.sleep(0.05)


def unacknowledged(queue: JobQueue) -> int:
    """Messages a worker took and did not acknowledge (dramatiq's per-worker ack sets)."""
    client: redis.Redis = queue.broker.client
    keys = client.keys(f"{queue.broker.namespace}:__acks__.*")
    return sum(client.scard(key) for key in keys)


def test_a_job_survives_its_worker_being_killed(
    queue: JobQueue, start_worker: StartWorker, settings: Settings, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    first = start_worker("tests.worker.slow_worker", "600", str(marker))
    job_id = queue.submit("tides.md", TIDES, "kill-9")
    wait_for_file(marker, first)
    assert queue.status(job_id).status == "running"

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert queue.status(job_id).status == "running"  # taken, never acknowledged
    assert unacknowledged(queue) == 1

    port = free_port()
    second = start_worker(WORKER_METRICS_PORT=str(port))
    job = wait_for_job(queue, job_id, timeout=90)
    assert job.status == "done", job.error
    assert (unacknowledged(queue), queue.depth()) == (0, 0)
    metrics = httpx.get(f"http://127.0.0.1:{port}/metrics").text
    assert 'rag_jobs_total{status="done"} 1.0' in metrics
    assert "rag_queue_depth 0.0" in metrics
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0

    service = RagService(settings)
    documents, total = service.list_documents(0, 10)
    assert total == 1
    assert (documents[0].filename, documents[0].chunks) == ("tides.md", job.result.chunks)
    assert service.chunk_count() == job.result.chunks  # stored once, not twice
    assert service.search("spring tides", 1)[0].document_id == job.result.document_id


def test_sigterm_lets_the_job_in_progress_finish(
    queue: JobQueue, start_worker: StartWorker, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    worker = start_worker("tests.worker.slow_worker", "2", str(marker))
    job_id = queue.submit("tides.md", TIDES, None)
    wait_for_file(marker, worker)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert queue.status(job_id).status == "done"
    assert (unacknowledged(queue), queue.depth()) == (0, 0)


def test_files_dropped_in_the_inbox_are_ingested(
    queue: JobQueue, start_worker: StartWorker, settings: Settings, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    worker = start_worker(INBOX_DIR=str(inbox), INBOX_POLL_SECONDS="0.2")
    (inbox / "tides.md").write_bytes(TIDES)
    processed = inbox / "processed" / "tides.md"
    wait_for_file(processed, worker)
    deadline = time.monotonic() + 60
    while not RagService(settings).list_documents(0, 10)[1]:
        assert time.monotonic() < deadline, "the dropped file was not ingested"
        time.sleep(0.2)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert not (inbox / "tides.md").exists()
