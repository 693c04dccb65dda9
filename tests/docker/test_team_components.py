"""Docker tier: team components (the `components` answer) built and run by the real engine. A
service is healthy and answers on its published port, or through nginx when chosen; a job runs
once in its own container and exits 0."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.support.answers import DOCKER_BASE
from tests.support.stacks import TEST_OVERRIDE, Stack, docker_problem, free_port

pytestmark = pytest.mark.docker

TEAM = {"reports": "service", "etl": "job"}
BASE = {**DOCKER_BASE, "ui": "none", "components": TEAM}
STACKS = {"published": {}, "nginx": {"reverse_proxy": "nginx"}}
JOBS = ("--profile", "jobs")


@pytest.fixture(scope="module", params=list(STACKS), ids=list(STACKS))
def stack(request, rendered, tmp_path_factory) -> Iterator[Stack]:
    if problem := docker_problem():
        pytest.skip(f"Docker tier: {problem}")
    answers = BASE | STACKS[request.param]
    project = tmp_path_factory.mktemp(request.param) / "project"
    shutil.copytree(rendered(answers), project)  # the shared render stays read-only
    stack = Stack(project, f"e2e-team-{request.param}-{uuid.uuid4().hex[:6]}", answers)
    stack.ports["REPORTS_PORT"] = free_port()
    try:
        stack.write_test_overrides()
        with (project / ".env").open("a") as env:
            env.write(f"REPORTS_PORT={stack.ports['REPORTS_PORT']}\n")
        # The job has the profile "jobs": its build needs the host network too.
        overrides = yaml.safe_load((project / TEST_OVERRIDE).read_text())
        overrides["services"]["etl"] = {"build": {"network": "host"}}
        (project / TEST_OVERRIDE).write_text(yaml.safe_dump(overrides))
        stack.up("--build")
        yield stack
    finally:
        stack.down()
        subprocess.run(
            ["docker", "rmi", "--no-prune", f"{stack.name}-etl"], capture_output=True, check=False
        )


def test_the_service_is_healthy(stack: Stack) -> None:
    states = [json.loads(line) for line in stack.run("ps", "--format", "json").splitlines()]
    states = states[0] if states and isinstance(states[0], list) else states
    health = {state["Service"]: state["Health"] for state in states}
    assert health["reports"] == "healthy", health


def test_the_service_answers(stack: Stack) -> None:
    proxied = stack.answers.get("reverse_proxy") == "nginx"
    if proxied:
        assert not stack.published("reports"), "behind nginx, the service publishes no port"
        base = stack.url("PROXY_PORT", "/reports")
    else:
        base = stack.url("REPORTS_PORT")
    assert httpx.get(f"{base}/healthz", timeout=10).json() == {"status": "ok"}
    response = httpx.get(f"{base}/", headers={"X-Request-ID": "e2e-1"}, timeout=10)
    assert response.json() == {"service": "reports"}
    # nginx gives every request its own id ($request_id); without it, the client's is kept.
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id) if proxied else request_id == "e2e-1"


def test_the_job_runs_once_and_exits_zero(stack: Stack) -> None:
    assert "etl" not in stack.run("ps", "--services").split(), "`up` must leave the job out"
    output = stack.run(*JOBS, "run", "--rm", "--build", "etl", timeout=900)
    messages = [json.loads(line)["message"] for line in output.splitlines() if line.startswith("{")]
    assert messages == ["started", "done"], output
