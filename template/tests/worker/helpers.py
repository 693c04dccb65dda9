"""Waiting for a job to reach a state (bounded in time)."""

import time

from core.jobs import FINISHED, JobQueue, JobStatus


def wait_for_job(
    queue: JobQueue, job_id: str, states: frozenset[str] = FINISHED, timeout: float = 30
) -> JobStatus:
    deadline = time.monotonic() + timeout
    while True:
        job = queue.status(job_id)
        assert job is not None, f"job {job_id} disappeared"
        if job.status in states:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job.status} after {timeout} s"
        time.sleep(0.05)
