"""The jobs the DAGs start run in services built from the jobs' own images (Airflow's image lacks
their dependencies): a task asks the service over HTTP and waits for the job's end."""

from __future__ import annotations

import httpx


def run(url: str, job: str) -> dict:
    """POST url: print the job's log, return its summary; raise when the job failed."""
    response = httpx.post(url, timeout=3600)
    response.raise_for_status()
    result = response.json()
    print(result["log"])
    if result["returncode"]:
        raise RuntimeError(f"{job} exited with {result['returncode']}: {result['summary']}")
    return result["summary"]
