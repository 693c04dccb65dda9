"""Docker tier, llm: a stack with llm=ollama comes up healthy on the Ollama stand-in
(llm_standin/: llama.cpp's OpenAI-compatible server with Gemma 3 270M behind Ollama's ports,
endpoints and CLI; the official image cannot run here), and /ask through the published port
returns a generated answer with its sources, also streamed as server-sent events. The model
llm-pull pulled is kept in the models volume; llm-pull fails loudly when it cannot pull.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.docker.llm_standin import standin
from tests.support.answers import DOCKER_BASE
from tests.support.stacks import Stack, docker_problem

pytestmark = pytest.mark.docker

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ANSWERS = DOCKER_BASE | {"llm": "ollama", "ui": "none"}
MODEL = "qwen2.5:1.5b"  # the default LLM_MODEL


@pytest.fixture(scope="module")
def stack(rendered, tmp_path_factory) -> Iterator[Stack]:
    problem = docker_problem()
    if problem and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Docker tier must run in CI: {problem}")
    if problem:
        pytest.skip(f"Docker tier: {problem}")
    standin.ensure_image()
    project = tmp_path_factory.mktemp("llm") / "project"
    shutil.copytree(rendered(ANSWERS), project)
    stack = Stack(project, f"e2e-llm-{uuid.uuid4().hex[:6]}", ANSWERS)
    try:
        stack.write_test_overrides()
        with (project / ".env").open("a") as env:
            # Short answers: the tiny test model writes until the limit.
            env.write(f"LLM_IMAGE={standin.IMAGE}\nLLM_ANSWER_TOKENS=64\n")
        print(f"\nstack up in {stack.up('--build'):.0f} s")
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    headers = stack.api_headers()
    with httpx.Client(base_url=stack.url("API_PORT"), headers=headers, timeout=120) as client:
        for name in ("octopus.txt", "sourdough.txt"):
            body = {"file": (name, (CORPUS / name).read_bytes())}
            client.post("/documents", files=body).raise_for_status()
        yield client


def test_stack_is_healthy_and_the_model_was_pulled(stack: Stack) -> None:
    states = {s["Service"]: s for s in map(json.loads, stack.run("ps", "-a", "--format", "json").splitlines())}  # fmt: skip
    assert states["llm"]["Health"] == "healthy", states["llm"]
    assert states["llm-pull"]["State"] == "exited" and states["llm-pull"]["ExitCode"] == 0
    assert states["api"]["Health"] == "healthy", states["api"]
    assert MODEL in stack.run("exec", "-T", "llm", "ollama", "list")  # the healthcheck's command
    assert not stack.published("llm"), "the model server must not publish a port"


def test_ask_returns_a_generated_answer_with_its_sources(api: httpx.Client) -> None:
    started = time.monotonic()
    response = api.post(
        "/ask", json={"question": "How many hearts does an octopus have?", "top_k": 2}
    )
    seconds = time.monotonic() - started
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["answer"].strip()
    assert answer["citations"][0]["source"] == "octopus.txt", answer
    print(f"\n/ask through the published port: {seconds:.1f} s, answer {answer['answer']!r}")


def test_ask_streams_events_through_the_published_port(api: httpx.Client) -> None:
    body = {"question": "What does sourdough need?", "top_k": 2}
    headers = {"Accept": "text/event-stream"}
    events, name = [], None
    with api.stream("POST", "/ask", json=body, headers=headers) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                events.append((name, json.loads(line.removeprefix("data:"))))
    assert events[0][0] == "sources" and events[-1][0] == "done", events
    assert sum(n == "token" for n, _ in events) > 1
    assert events[-1][1]["citations"][0]["source"] == "sourdough.txt"


def test_llm_pull_fails_loudly_without_a_server(stack: Stack) -> None:
    command = [*stack.compose, "run", "--rm", "--no-deps", "-e", "OLLAMA_HOST=http://nowhere:11434", "llm-pull"]  # fmt: skip
    result = subprocess.run(
        command, check=False, cwd=stack.project, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0, result.stdout
    assert "Error" in result.stdout + result.stderr
