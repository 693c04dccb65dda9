"""The inbox folder: a file is queued once it stopped changing, then moved aside."""

from pathlib import Path

from core.jobs import JobQueue
from tests.worker.conftest import RunWorker
from tests.worker.helpers import wait_for_job
from worker.inbox import Inbox


def test_a_file_is_queued_once_it_is_stable(
    queue: JobQueue, run_worker: RunWorker, inbox_dir: Path
) -> None:
    inbox = Inbox(inbox_dir, queue.submit, max_bytes=2000)
    (inbox_dir / "tides.md").write_bytes(b"Spring tides come at new and full moon.")
    assert inbox.scan() == []  # first seen: it may still be being written
    [job_id] = inbox.scan()
    assert (inbox_dir / "processed" / "tides.md").exists()
    assert not (inbox_dir / "tides.md").exists()
    assert inbox.scan() == []
    with run_worker():
        job = wait_for_job(queue, job_id)
    assert job.status == "done", job.error
    assert job.result.filename == "tides.md"


def test_a_growing_file_waits(queue: JobQueue, inbox_dir: Path) -> None:
    inbox = Inbox(inbox_dir, queue.submit, max_bytes=2000)
    path = inbox_dir / "notes.txt"
    path.write_bytes(b"first part")
    assert inbox.scan() == []
    path.write_bytes(b"first part, second part")
    assert inbox.scan() == []
    assert len(inbox.scan()) == 1


def test_oversized_and_hidden_files_are_not_queued(queue: JobQueue, inbox_dir: Path) -> None:
    inbox = Inbox(inbox_dir, queue.submit, max_bytes=10)
    (inbox_dir / "big.txt").write_bytes(b"x" * 11)
    (inbox_dir / ".partial.txt").write_bytes(b"x")
    assert inbox.scan() == inbox.scan() == []
    assert (inbox_dir / "rejected" / "big.txt").exists()
    assert (inbox_dir / ".partial.txt").exists()
    assert queue.depth() == 0
