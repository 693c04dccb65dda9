"""Health, readiness, metrics, request ids, JSON logs and the OpenAPI description."""

import json
import re

import pytest
from fastapi.testclient import TestClient

from core.service import RagService
from tests.api.conftest import MakeClient


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_each_dependency(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["vector_store"] == "ok"
    assert set(body["checks"].values()) == {"ok"}


def test_readyz_is_503_naming_the_failing_dependency(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    service: RagService = client.app.state.service

    def unreachable() -> None:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(service.store, "check", unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["detail"] == "not ready: vector_store unavailable"
    assert body["checks"]["vector_store"] == "ConnectionError: connection refused"


def metric(client: TestClient, name: str, **labels: str) -> float:
    """The value of one sample of /metrics (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    sample = f"{name}{{{wanted}}}" if labels else name
    for line in client.get("/metrics").text.splitlines():
        if line.startswith(f"{sample} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_use_route_templates_and_count_ingestion(client: TestClient) -> None:
    client.delete("/documents/no-such-document")
    client.delete("/documents/another-one")
    client.get("/no/such/path")
    labels = {"method": "DELETE", "route": "/documents/{document_id}", "status": "404"}
    assert metric(client, "rag_http_requests_total", **labels) == 2
    assert metric(client, "rag_http_requests_total", method="GET", route="unmatched", status="404")
    assert "/documents/no-such-document" not in client.get("/metrics").text

    files = {"file": ("tides.md", b"Spring tides come at new and full moon.")}
    chunks = client.post("/documents", files=files).json()["chunks"]
    assert metric(client, "rag_documents_ingested_total") == 1
    assert metric(client, "rag_chunks_ingested_total") == chunks
    assert metric(client, "rag_vector_store_chunks") == chunks
    buckets = metric(
        client, "rag_http_request_duration_seconds_count", method="POST", route="/documents"
    )
    assert buckets == 1


def test_request_id_is_echoed_or_made(client: TestClient) -> None:
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["X-Request-ID"] == "abc-123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz").headers["X-Request-ID"] != made
    unsafe = client.get("/healthz", headers={"X-Request-ID": "a b\tc" + "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["X-Request-ID"])
    refused = client.post("/search", json={}, headers={"X-Request-ID": "bad-body-1"})
    assert refused.headers["X-Request-ID"] == "bad-body-1"


def test_log_lines_are_json_with_the_request_id(
    capsys: pytest.CaptureFixture[str], make_client: MakeClient
) -> None:
    client = make_client()  # after capsys: its log handler writes to the captured stdout
    capsys.readouterr()
    files = {"file": ("tides.md", b"Spring tides come at new and full moon.")}
    client.post("/documents", files=files, headers={"X-Request-ID": "upload-42"})
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]
    mine = [line for line in lines if line["request_id"] == "upload-42"]
    assert {line["logger"] for line in mine} >= {"core.service", "api.access"}
    access = next(line for line in mine if line["logger"] == "api.access")
    assert access["route"] == "/documents"
    assert access["status"] == 201
    assert access["duration_ms"] > 0


def test_openapi_describes_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {"/documents", "/documents/{document_id}", "/search", "/ask", "/healthz", "/readyz"}
    assert expected <= set(paths)
    assert "multipart/form-data" in paths["/documents"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200
