"""A generated project run by the real Docker engine: render, point it at the offline stand-in
images (test-only .env lines and an extra -f file; the generated files are never edited), start
it, talk to it through its published ports, stop it and remove its volumes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

T = TypeVar("T")

# Stand-ins from ../shared/offline-images (no registry here); tests use python_version=3.11.
OFFLINE_IMAGES = {
    "PYTHON_IMAGE": "offline/python:3.11-slim",
    "POSTGRES_IMAGE": "offline/pgvector:pg18",
    "REDIS_IMAGE": "offline/redis:7",
    "NGINX_IMAGE": "offline/nginx:stable",
    "PROMETHEUS_IMAGE": "offline/prometheus:v2",
    "CHROMA_IMAGE": "offline/chroma:1.5.9",
    "S3_IMAGE": "offline/s3:seaweedfs",
    "MLFLOW_IMAGE": "offline/mlflow:3",
    "AIRFLOW_IMAGE": "offline/airflow:3",
    "SPARK_IMAGE": "offline/spark:4.0.1",
}
PORT_VARIABLES = ("API_PORT", "UI_PORT", "PROXY_PORT", "GRAFANA_PORT", "MLFLOW_PORT",
                  "AIRFLOW_PORT", "SPARK_UI_PORT")  # fmt: skip
TEST_OVERRIDE = "docker-compose.e2e.yml"
# Services whose images cannot run on this machine (no stand-in): never started here.
NOT_RUNNABLE = {"grafana", "node-exporter", "db-exporter", "redis-exporter"}
# Set where a registry is reachable: the official images then, not the stand-ins.
REAL_IMAGES = "E2E_REAL_IMAGES"
UP_TIMEOUT = 900  # seconds, builds included


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T | None], seconds: float = 60, every: float = 1) -> T:
    """probe() until it returns something truthy, at most `seconds` (and 300 tries)."""
    deadline = time.monotonic() + seconds
    last: Any = None
    for _ in range(300):
        try:
            result = probe()
            if result:
                return result
            last = result
        except Exception as error:  # noqa: BLE001 - reported below if it never succeeds
            last = error
        if time.monotonic() > deadline:
            break
        time.sleep(every)
    raise AssertionError(f"{what}: not reached in {seconds} s (last: {last!r})")


class Stack:
    """One rendered project and the `docker compose` command that drives it."""

    def __init__(self, project: Path, name: str, answers: dict[str, Any]) -> None:
        self.project = project
        self.name = name
        self.answers = answers
        self.ports = {var: free_port() for var in PORT_VARIABLES}
        self.base = ["docker", "compose", "--ansi", "never", "-p", name, "--profile", "monitoring"]
        self.base += ["-f", "docker-compose.yml"]
        self.compose = [*self.base, "-f", TEST_OVERRIDE]

    # --- set-up -----------------------------------------------------------------------------
    def write_test_overrides(self) -> None:
        """Appends stand-in images, pull policy never and free ports to the generated .env;
        writes the extra -f file giving every built service the host network for its build."""
        lines = {var: str(port) for var, port in self.ports.items()}
        if not os.environ.get(REAL_IMAGES):
            lines |= OFFLINE_IMAGES | {"THIRD_PARTY_PULL_POLICY": "never"}
        with (self.project / ".env").open("a") as env:
            env.write("\n# e2e test overrides\n")
            env.write("".join(f"{var}={value}\n" for var, value in lines.items()))
        config = yaml.safe_load(self.run("config", override=False))
        built = [name for name, service in config["services"].items() if "build" in service]
        overrides = {"services": {name: {"build": {"network": "host"}} for name in built}}
        (self.project / TEST_OVERRIDE).write_text(yaml.safe_dump(overrides))

    def api_headers(self) -> dict[str, str]:
        """The developer's key (API_KEY of the rendered .env), as the API wants it."""
        return {"Authorization": f"Bearer {dotenv(self.project)['API_KEY']}"}

    def run(self, *args: str, timeout: float = 300, check: bool = True, override: bool = True):
        command = self.compose if override else self.base
        result = subprocess.run(
            [*command, *args],
            cwd=self.project,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode:
            raise AssertionError(
                f"docker compose {' '.join(args)} -> exit {result.returncode}\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}\n{self.logs()}"
            )
        return result.stdout

    def services(self) -> list[str]:
        return [s for s in self.run("config", "--services").split() if s not in NOT_RUNNABLE]

    def up(self, *extra: str) -> float:
        """`up -d --wait` of every runnable service; returns the seconds it took."""
        started = time.monotonic()
        self.run("up", "-d", "--wait", "--wait-timeout", str(UP_TIMEOUT - 60), *extra,
                 *self.services(), timeout=UP_TIMEOUT)  # fmt: skip
        return time.monotonic() - started

    def down(self) -> None:
        """Containers, networks, volumes and this project's image tags go; the parent layers stay
        (--no-prune): they are the build cache of the next run."""
        built = self.run("config", "--images", check=False).split()
        self.run("down", "-v", "--remove-orphans", "--timeout", "20", check=False, timeout=180)
        mine = [image for image in built if image.startswith(f"{self.name}-")]
        if mine:
            subprocess.run(["docker", "rmi", "--no-prune", *mine], capture_output=True, check=False)

    def secrets_in_environments(self) -> list[str]:
        """The variables of the running containers (`docker inspect`: Config.Env) whose value
        holds the content of a file of .secrets/, as "container: VARIABLE"."""
        values = {value for value in project_secrets(self.project).values() if value}
        ids = self.run("ps", "-q").split()
        inspected = json.loads(subprocess.run(["docker", "inspect", *ids], capture_output=True,
                                              text=True, check=True).stdout) if ids else []  # fmt: skip
        return [
            f"{container['Name'].lstrip('/')}: {variable.partition('=')[0]}"
            for container in inspected
            for variable in container["Config"]["Env"] or []
            if any(value in variable.partition("=")[2] for value in values)
        ]

    def logs(self) -> str:
        try:
            result = subprocess.run(
                [*self.compose, "logs", "--no-color", "--tail", "40"],
                cwd=self.project, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
        except (subprocess.TimeoutExpired, OSError) as error:
            return f"(no logs: {error})"
        return f"--- logs (last lines per service)\n{result.stdout[-8000:]}"

    # --- addresses --------------------------------------------------------------------------
    @property
    def config(self) -> dict[str, Any]:
        return yaml.safe_load(self.run("config"))

    def published(self, service: str) -> bool:
        return bool(self.config["services"].get(service, {}).get("ports"))

    def url(self, variable: str, path: str = "") -> str:
        return f"http://127.0.0.1:{self.ports[variable]}{path}"


def docker_problem() -> str | None:
    """None when the engine, compose and the stand-in images are there, else what is missing."""
    try:
        info = subprocess.run(
            ["docker", "info"], check=False, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"docker info: {error}"
    if info.returncode:
        return f"docker info failed: {info.stderr.strip()[:300]}"
    compose = subprocess.run(
        ["docker", "compose", "version"], check=False, capture_output=True, text=True
    )
    if compose.returncode:
        return "docker compose (v2 plugin) is missing"
    missing = [
        image
        for image in OFFLINE_IMAGES.values()
        if subprocess.run(
            ["docker", "image", "inspect", image], check=False, capture_output=True
        ).returncode
    ]
    if missing and not os.environ.get(REAL_IMAGES):
        return f"stand-in images missing (run ../shared/offline-images/build.sh): {missing}"
    return None


def dotenv(project: Path) -> dict[str, str]:
    """The KEY=value lines of the project's .env (the last one of a key wins, as in Compose)."""
    lines = (project / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def project_secrets(project: Path) -> dict[str, str]:
    """The files of the project's .secrets/ (what Compose mounts as secrets): name -> value."""
    return {path.name: path.read_text() for path in sorted((project / ".secrets").iterdir())}
