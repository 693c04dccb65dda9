"""Docker tier: generated stacks built and started by the real engine, then used like a user
would, through the published ports only (nginx when chosen): ingest, worker job, search, ask,
readiness, Prometheus' view of the API, the Streamlit page in headless Chromium; then the data
survives a restart of the stateful service and a `down` / `up`; `down -v` whatever happened.

Third-party images are the stand-ins of ../shared/offline-images (test-only .env lines, see
tests/support/stacks.py); E2E_REAL_IMAGES=1 uses the official images where a registry is reachable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import registry
from tests.support.answers import DOCKER_BASE, LARGEST
from tests.support.stacks import Stack, docker_problem, wait_for

pytestmark = pytest.mark.docker
# A skip with this reason is allowed in CI (tests/conftest.py).
NOT_APPLICABLE = "not applicable here:"

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
QUESTION = "How many hearts does an octopus have?"
EXPECTED = "three hearts"
STACKS = {
    "defaults": {},  # FAISS, no database, Streamlit
    "largest": LARGEST,  # pgvector
    "chroma": {"vector_store": "chroma", "worker": True, "ui": "none"},
    "chroma-postgresql": {"database": "postgresql", "vector_store": "chroma", "ui": "none"},
}


@pytest.fixture(scope="session")
def docker_engine() -> None:
    problem = docker_problem()
    if problem and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Docker tier must run in CI: {problem}")
    if problem:
        pytest.skip(f"Docker tier: {problem}")


@pytest.fixture(scope="module", params=list(STACKS), ids=list(STACKS))
def stack(request, docker_engine, rendered, tmp_path_factory) -> Iterator[Stack]:
    answers = DOCKER_BASE | STACKS[request.param]
    project = tmp_path_factory.mktemp(request.param) / "project"
    shutil.copytree(rendered(answers), project)  # the shared render stays read-only
    stack = Stack(project, f"e2e-{request.param}-{uuid.uuid4().hex[:6]}", answers)
    try:
        stack.write_test_overrides()
        # One build after another: the classic builder shares a layer (the embedding model's)
        # between images through its cache only.
        stack.run("--parallel", "1", "build", timeout=900)
        stack.up()
        yield stack
    finally:
        stack.down()


class Client:
    """The API and the UI as a user reaches them: through nginx or their own published ports."""

    def __init__(self, stack: Stack) -> None:
        proxy = stack.answers.get("reverse_proxy") == "nginx"
        self.api = stack.url("PROXY_PORT", "/api") if proxy else stack.url("API_PORT")
        self.ui = stack.url("PROXY_PORT", "/") if proxy else stack.url("UI_PORT", "/")
        self.http = httpx.Client(base_url=self.api, headers=stack.api_headers(), timeout=30)

    def upload(self, path: str, name: str) -> httpx.Response:
        return self.http.post(path, files={"file": (name, (CORPUS / name).read_bytes())})

    def documents(self) -> set[str]:
        page = self.http.get("/documents", params={"limit": 100})
        page.raise_for_status()
        return {item["filename"] for item in page.json()["items"]}

    def ask(self) -> dict[str, Any]:
        answer = self.http.post("/ask", json={"question": QUESTION, "top_k": 3})
        answer.raise_for_status()
        return answer.json()


def assert_answer_is_back(client: Client) -> None:
    answer = client.ask()
    assert EXPECTED in answer["answer"].lower(), answer
    assert answer["citations"][0]["source"] == "octopus.txt", answer


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[Client]:
    client = Client(stack)
    with client.http:
        yield client


def test_ingest_search_ask_and_ready(stack: Stack, client: Client) -> None:
    assert client.http.get("/readyz").status_code == 200, client.http.get("/readyz").text
    created = client.upload("/documents", "octopus.txt")
    assert created.status_code == 201, created.text
    assert created.json()["chunks"] >= 1
    assert client.upload("/documents", "sourdough.txt").status_code == 201
    hits = client.http.post("/search", json={"query": "octopus hearts blood", "top_k": 3})
    assert hits.status_code == 200, hits.text
    assert hits.json()["hits"][0]["source"] == "octopus.txt", hits.json()
    assert_answer_is_back(client)
    if stack.answers.get("reverse_proxy") == "nginx":
        assert "X-Request-ID" in client.http.get("/healthz").headers
        assert not stack.published("api"), "behind nginx, the API must not publish a port"


def test_smoke_script_passes(stack: Stack) -> None:
    """The generated scripts/smoke.sh (make smoke, the CI smoke job): ingest, search and ask
    through the published port, reading the port and API_KEY from the project's .env."""
    smoke = subprocess.run(["bash", "scripts/smoke.sh"], cwd=stack.project, capture_output=True,
                           text=True, timeout=300, check=False)  # fmt: skip
    assert smoke.returncode == 0, smoke.stdout + smoke.stderr
    assert "smoke test passed" in smoke.stdout


def test_worker_finishes_a_job(stack: Stack, client: Client) -> None:
    if not stack.answers.get("worker"):
        pytest.skip(f"{NOT_APPLICABLE} this stack has no worker")
    queued = client.upload("/jobs", "tides.txt")
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]

    def finished() -> dict[str, Any] | None:
        job = client.http.get(f"/jobs/{job_id}").json()
        assert job["status"] != "failed", job
        return job if job["status"] == "done" else None

    wait_for(f"job {job_id} done", finished, seconds=90)
    hits = client.http.post("/search", json={"query": "spring tides neap tides", "top_k": 1})
    assert hits.json()["hits"][0]["source"] == "tides.txt", hits.json()


def test_prometheus_sees_the_api_up(stack: Stack) -> None:
    if not stack.answers.get("monitoring"):
        pytest.skip(f"{NOT_APPLICABLE} this stack has no monitoring")
    query = ["exec", "-T", "prometheus", "promtool", "query", "instant", "-o", "json",
             "http://127.0.0.1:9090", 'up{job="api"}']  # fmt: skip

    def api_up() -> bool:
        result = json.loads(stack.run(*query, timeout=30))
        return bool(result) and all(sample["value"][1] == "1" for sample in result)

    wait_for('Prometheus: up{job="api"} == 1', api_up, seconds=90, every=3)


def test_streamlit_page_shows_an_answer(stack: Stack, client: Client) -> None:
    if stack.answers.get("ui", "streamlit") != "streamlit":
        pytest.skip(f"{NOT_APPLICABLE} this stack has no UI")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(client.ui, timeout=60_000)
            question = page.get_by_label("Question")
            expect(question).to_be_visible(timeout=60_000)
            question.fill(QUESTION)
            question.press("Enter")
            page.get_by_role("button", name="Ask").click()
            expect(page.get_by_text(EXPECTED).first).to_be_visible(timeout=60_000)
        finally:
            browser.close()


# What a built image must not carry: other components' libraries and sources, build tools.
FORBIDDEN = {
    "api": ["streamlit"],
    "worker": ["streamlit", "fastapi", "uvicorn"],
    "ui": ["fastapi", "psycopg", "sqlalchemy", "faiss", "chromadb", "pymongo"],
}
# The API and the worker are peers: both use core's job queue, neither carries the other.
SOURCES = {"api": {"core", "api"}, "worker": {"core", "worker"}, "ui": {"ui"}}
INSPECT = (
    "import importlib.util as u, json, os, shutil, sys; print(json.dumps({"
    "'uid': os.getuid(), 'sources': sorted(os.listdir('/app/src')), "
    "'modules': [m for m in sys.argv[1:] if u.find_spec(m)], "
    "'compilers': [t for t in ('gcc', 'cc') if shutil.which(t)]}))"
)


def test_no_container_environment_holds_a_password(stack: Stack) -> None:
    """Issue 16: the passwords and keys of .secrets/ reach the containers as files only."""
    assert stack.secrets_in_environments() == []


def test_images_carry_only_their_component(stack: Stack) -> None:
    for service in sorted(set(FORBIDDEN) & set(stack.services())):
        out = stack.run("exec", "-T", service, "python", "-c", INSPECT, *FORBIDDEN[service])
        image = json.loads(out)
        expected = SOURCES[service]
        assert image["uid"] == 10001, f"{service} runs as {image['uid']}"
        assert set(image["sources"]) == expected, f"{service} image: src/{image['sources']}"
        assert not image["modules"], f"{service} image carries {image['modules']}"
        assert not image["compilers"], f"{service} image carries {image['compilers']}"


def model_step(image: str) -> str:
    """The id of the build step that added /opt/models to the image (its history)."""
    out = subprocess.run(["docker", "history", "--no-trunc", "--format", "{{.ID}}\t{{.CreatedBy}}",
                          image], capture_output=True, text=True, check=True)  # fmt: skip
    [step] = [line.split("\t")[0] for line in out.stdout.splitlines() if "in /opt/models" in line]
    return step


def test_api_and_worker_share_the_model_layer(stack: Stack) -> None:
    """The embedding model is one layer, built once: the same step in both images' history."""
    if "worker" not in stack.services():
        pytest.skip(f"{NOT_APPLICABLE} this stack has no worker")
    api, worker = (
        model_step(stack.run("images", "-q", name).strip()) for name in ("api", "worker")
    )
    assert api == worker, f"the model layer is built twice: {api} (api), {worker} (worker)"
    listing = stack.run("exec", "-T", "worker", "ls", "/opt/models/all-MiniLM-L6-v2")
    assert listing.split() == ["model.onnx", "vocab.txt.gz"], listing


def test_built_services_stop_gracefully_within_10_seconds(stack: Stack) -> None:
    services = stack.config["services"]
    built = [name for name, s in services.items() if "build" in s and name != "migrate"]
    stack.run("stop", "--timeout", "10", *built, timeout=120)
    for name in built:
        ids = stack.run("ps", "-a", "-q", name).split()
        assert ids, f"{name}: no container"
        inspect = subprocess.run(["docker", "inspect", "-f", "{{.State.ExitCode}}", *ids],
                                 capture_output=True, text=True, check=True)  # fmt: skip
        codes = inspect.stdout.split()
        assert "137" not in codes, f"{name} was killed (exit 137), not stopped by SIGTERM"
    stack.up()


def test_data_survives_a_restart_and_down_up(stack: Stack, client: Client) -> None:
    # the services whose volume holds the data (registry: `data` is service:path)
    entries = registry.stack(stack.answers).values()
    stateful = [c["data"].split(":")[0] for c in entries if c["chosen"] and c["data"]]
    stack.run("restart", *stateful, timeout=180)
    stack.up()  # waits until every service is healthy again
    wait_for("API ready after the restart", lambda: client.http.get("/readyz").status_code == 200)
    assert {"octopus.txt", "sourdough.txt"} <= client.documents()
    assert_answer_is_back(client)

    stack.run("down", "--timeout", "20", timeout=180)
    stack.up()
    wait_for("API ready after down/up", lambda: client.http.get("/readyz").status_code == 200)
    assert {"octopus.txt", "sourdough.txt"} <= client.documents()
    assert_answer_is_back(client)
