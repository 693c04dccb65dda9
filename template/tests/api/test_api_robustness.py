"""Hostile or unlucky requests get a clear 4xx or 503, never a 500, and cost little."""

import random
import string
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.api.conftest import MakeClient


def upload(client: TestClient, name: str, content: bytes) -> Response:
    return client.post("/documents", files={"file": (name, content)})


def test_text_or_chunks_over_the_limits_are_413(make_client: MakeClient) -> None:
    client = make_client(max_text_chars=1000, max_chunks=2)
    response = upload(client, "long.md", b"word " * 1000)
    assert response.status_code == 413
    assert "MAX_TEXT_CHARS" in response.json()["detail"]
    response = upload(client, "chunky.md", b"A sentence of some words. " * 38)
    assert response.status_code == 413
    assert "MAX_CHUNKS" in response.json()["detail"]
    assert client.get("/documents").json()["total"] == 0


@pytest.mark.parametrize("content", [b"\0" * 1000, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"])
def test_binary_content_under_a_text_name_is_415(client: TestClient, content: bytes) -> None:
    response = upload(client, "notes.txt", content)
    assert response.status_code == 415
    assert "not" in response.json()["detail"] and "text" in response.json()["detail"]


def test_random_methods_do_not_grow_the_metrics(client: TestClient) -> None:
    def series() -> set[str]:
        text = client.get("/metrics").text
        return {line.split("}")[0] for line in text.splitlines() if line.startswith("rag_http_")}

    client.request("BREW", "/documents")
    client.request("BREW", "/brew")
    series()  # the first scrape adds its own series
    before = series()
    for _ in range(30):
        method = "".join(random.choices(string.ascii_uppercase, k=8))
        client.request(method, "/documents")
        client.request(method, f"/{method.lower()}")
    assert series() == before
    assert {s.split('method="')[1].split('"')[0] for s in before} <= {"GET", "other"}


def test_a_validation_error_does_not_echo_a_huge_input(client: TestClient) -> None:
    response = client.post("/search", json={"query": "q" * 2_000_000})
    assert response.status_code == 422
    assert len(response.content) < 2000
    assert response.json()["detail"][0]["loc"] == ["body", "query"]


@pytest.mark.parametrize(
    "params",
    [{"offset": 2**63}, {"offset": 10**30}, {"limit": 2**64}, {"offset": -(2**63) - 1}],
)
def test_huge_pagination_values_are_422(client: TestClient, params: dict[str, int]) -> None:
    assert client.get("/documents", params=params).status_code == 422


@pytest.mark.parametrize("path", ["/search", "/ask"])
def test_a_lone_surrogate_in_json_is_422(client: TestClient, path: str) -> None:
    field = "query" if path == "/search" else "question"
    body = f'{{"{field}": "tides \\ud800"}}'
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def unusable(name: str, value: str, tmp_path: Path) -> str | None:
    """What makes a setting's store unusable: its local folder below a regular file (it cannot
    be created, as on a read-only disk), its database server gone. None: left as it is."""
    if value.startswith(str(tmp_path)):
        blocker = tmp_path / "a-file"
        blocker.touch()
        return str(blocker / name.lower())
    if name == "DATABASE_URL":
        return urlunsplit((urlsplit(value).scheme, "rag:rag@127.0.0.1:9", "/rag", "", ""))
    return None


def test_unusable_storage_does_not_stop_the_api(
    make_client: MakeClient,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    broken = {
        name: replaced
        for name, value in settings_env.items()
        if (replaced := unusable(name, value, tmp_path)) is not None
    }
    if not broken:
        pytest.skip(
            "not applicable here: the storage of this project is a server these tests do not stop"
        )
    for name, value in broken.items():
        monkeypatch.setenv(name, value)
    client = make_client()
    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert any(state != "ok" for state in checks.values()), checks
    responses = [
        upload(client, "notes.txt", b"The lighthouse keeper logs the tides."),
        client.get("/documents"),
    ]
    if checks.get("vector_store") != "ok":  # a store that works still answers searches
        responses.append(client.post("/search", json={"query": "tides"}))
    for response in responses:
        assert response.status_code == 503, response.text
        assert "unavailable" in response.json()["detail"]
        assert response.headers["Retry-After"]


def test_readyz_fails_when_the_disk_is_nearly_full(make_client: MakeClient) -> None:
    response = make_client(min_free_disk_bytes=2**62).get("/readyz")
    assert response.status_code == 503
    assert "MIN_FREE_DISK_BYTES" in response.json()["checks"]["disk"]


def test_openapi_lists_the_error_responses(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        ("/documents", "post"): {"400", "413", "415", "422", "503"},
        ("/documents", "get"): {"422", "503"},
        ("/documents/{document_id}", "delete"): {"404", "503"},
        ("/search", "post"): {"400", "422", "503"},
        ("/ask", "post"): {"400", "422", "503"},
        ("/readyz", "get"): {"503"},
    }
    if "/jobs" in paths:
        expected[("/jobs", "post")] = {"400", "413", "415", "422", "429", "503"}
        expected[("/jobs/{job_id}", "get")] = {"404", "503"}
    for (path, method), codes in expected.items():
        documented = set(paths[path][method]["responses"])
        assert codes <= documented, (path, method, codes - documented)
