"""POST /jobs and GET /jobs/{job_id}: queueing for the worker (a real Redis server)."""

import socket

import pytest
from dramatiq import Message
from fastapi.testclient import TestClient

from core.jobs import QUEUE, JobQueue
from tests.api.conftest import MakeClient

TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"


def queued_messages(client: TestClient) -> list[Message]:
    queue: JobQueue = client.app.state.jobs
    stored = queue.broker.client.hvals(f"{queue.broker.namespace}:{QUEUE}.msgs")
    return [Message.decode(data) for data in stored]


def test_a_job_is_queued_with_the_request_id(client: TestClient) -> None:
    files = {"file": ("tides.md", TIDES)}
    response = client.post("/jobs", files=files, headers={"X-Request-ID": "queued-1"})
    assert response.status_code == 202
    job_id = response.json()["job_id"]
    assert response.headers["Location"] == f"/jobs/{job_id}"
    status = client.get(f"/jobs/{job_id}").json()
    assert status == {
        "job_id": job_id,
        "status": "queued",
        "filename": "tides.md",
        "result": None,
        "error": None,
    }
    [message] = queued_messages(client)
    assert message.args == (job_id,)
    assert message.options["request_id"] == "queued-1"
    assert client.get("/documents").json()["total"] == 0  # the worker ingests it, not the API


def test_bad_uploads_are_refused_before_queueing(make_client: MakeClient) -> None:
    client = make_client(max_upload_bytes=2000)
    assert client.post("/jobs", files={"file": ("tool.exe", b"MZ")}).status_code == 415
    too_big = client.post("/jobs", files={"file": ("big.txt", b"x" * 2001)})
    assert too_big.status_code == 413
    assert "2000 bytes" in too_big.json()["detail"]
    assert client.post("/jobs").status_code == 422
    assert queued_messages(client) == []


def test_an_unknown_job_is_404(client: TestClient) -> None:
    response = client.get("/jobs/0123456789abcdef")
    assert response.status_code == 404
    assert "0123456789abcdef" in response.json()["detail"]


def test_readyz_checks_redis(client: TestClient) -> None:
    assert client.get("/readyz").json()["checks"]["redis"] == "ok"


def test_without_redis_readyz_is_503_and_jobs_are_refused(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port}/0")
    client = make_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["detail"] == "not ready: redis unavailable"
    assert ready.json()["checks"]["vector_store"] == "ok"
    refused = client.post("/jobs", files={"file": ("tides.md", TIDES)})
    assert refused.status_code == 503
    assert refused.json()["detail"].startswith("the job queue is unavailable")
    assert client.get("/jobs/0123456789abcdef").status_code == 503


def test_a_full_queue_refuses_jobs_with_429(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JOB_MAX_QUEUED", "2")
    client = make_client()
    for _ in range(2):
        assert client.post("/jobs", files={"file": ("tides.md", TIDES)}).status_code == 202
    refused = client.post("/jobs", files={"file": ("tides.md", TIDES)})
    assert refused.status_code == 429
    assert "JOB_MAX_QUEUED" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    assert len(queued_messages(client)) == 2


def test_redis_at_its_memory_limit_refuses_jobs_with_503(client: TestClient) -> None:
    """Redis runs with maxmemory and noeviction (docker-compose-redis.yml): it refuses writes."""
    redis = client.app.state.jobs.broker.client
    used = int(redis.info("memory")["used_memory"])
    redis.config_set("maxmemory-policy", "noeviction")
    redis.config_set("maxmemory", used + 64 * 1024)
    try:
        refused = client.post("/jobs", files={"file": ("big.md", b"tides " * 50_000)})
    finally:
        redis.config_set("maxmemory", 0)
    assert refused.status_code == 503
    assert "maxmemory" in refused.json()["detail"]
    assert int(refused.headers["Retry-After"]) > 0
    assert queued_messages(client) == []
