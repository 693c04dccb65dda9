"""Who may call the API: a key on every route but the probes, known Host names only."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import OPEN_PATHS
from core.settings import Settings
from tests.api.conftest import MakeClient

SRC = Path(__file__).resolve().parents[2] / "src"


def guarded_routes(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every route of the application but the probes'."""
    found = [
        (method, re.sub(r"{[^}]+}", "some-id", context.path))
        for context in iter_route_contexts(client.app.routes)
        if isinstance(context.route, APIRoute) and context.path not in OPEN_PATHS
        for method in sorted(context.route.methods)
    ]
    assert len(found) >= 5, found
    return found


@pytest.mark.parametrize("key", [None, "a-wrong-key"])
def test_every_route_but_the_probes_needs_the_key(make_client: MakeClient, key: str | None) -> None:
    client = make_client(key=key)
    for method, path in guarded_routes(client):
        response = client.request(method, path)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert "API key" in response.json()["detail"]


def test_the_probes_and_the_api_description_are_open(make_client: MakeClient) -> None:
    client = make_client(key=None)
    for path in [*OPEN_PATHS, "/openapi.json", "/docs"]:
        assert client.get(path).status_code == 200, path
    schemes = client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["HTTPBearer"]["scheme"] == "bearer"


def test_the_key_opens_every_route(client: TestClient) -> None:
    for method, path in guarded_routes(client):
        assert client.request(method, path).status_code != 401, (method, path)


def test_a_foreign_host_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page of attacker.test resolved to 127.0.0.1 sends its own Host."""
    response = client.get("/documents", headers={"Host": "attacker.test"})
    assert response.status_code == 400
    assert client.get("/documents", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    # Probes call by IP address (Kubernetes) and learn nothing.
    assert client.get("/healthz", headers={"Host": "10.1.2.3:8000"}).status_code == 200


def test_a_cross_site_upload_stores_nothing(make_client: MakeClient) -> None:
    """A web page can POST a form to a local API without a preflight, but cannot add the key;
    no CORS header lets it read an answer or send the key."""
    page = make_client(key=None)
    origin = {"Origin": "http://attacker.test"}
    upload = page.post("/documents", files={"file": ("a.txt", b"planted")}, headers=origin)
    assert upload.status_code == 401
    assert "access-control-allow-origin" not in upload.headers
    preflight = page.options(
        "/documents",
        headers=origin | {"Access-Control-Request-Method": "POST",
                          "Access-Control-Request-Headers": "authorization"},
    )  # fmt: skip
    assert "access-control-allow-origin" not in preflight.headers
    assert page.app.state.service.chunk_count() == 0


def test_the_api_refuses_to_start_without_keys(settings_env: dict[str, str]) -> None:
    """uvicorn stops at start-up, saying why; with API_AUTH=off it would serve."""
    env = os.environ | settings_env | {"API_KEY_HASHES": "", "PYTHONPATH": str(SRC)}
    server = [sys.executable, "-m", "uvicorn", "api.main:app", "--port", "0"]
    started = subprocess.run(server, env=env, capture_output=True, text=True, timeout=60)
    assert started.returncode != 0
    assert "API_KEY_HASHES is empty" in started.stdout + started.stderr


def test_api_auth_off_lets_every_caller_in(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_KEY_HASHES", "")
    monkeypatch.setenv("API_AUTH", "off")
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        assert client.get("/documents").status_code == 200
