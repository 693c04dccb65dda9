"""Docker tier, monitoring: the largest stack this machine can run (PostgreSQL + pgvector,
worker + Redis, Prometheus and the exporters) built and started for real, then:
every scrape target up, every dashboard query answered with data by Prometheus, every alert
rule evaluated without error, and `make backup` / `make restore` bringing the data back after
the volumes were wiped.

Stand-ins: third-party images come from ../shared/offline-images (offline/*); the exporters,
whose official images are FROM scratch and cannot be pulled here, are built from their Debian
packages (monitoring_standins/Dockerfile, older versions of the same exporters). Grafana cannot
run here: its provisioning files are checked as data in tests/ops/test_dashboard.py.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
import yaml

from tests.support.answers import LARGEST
from tests.support.rendering import render
from tests.support.stacks import dotenv

pytestmark = pytest.mark.docker

HERE = Path(__file__).parent
ANSWERS = {**LARGEST, "ui": "none", "reverse_proxy": "none"}  # nothing this tier cannot run
OFFLINE_IMAGES = {
    "PYTHON_IMAGE": "offline/python:3.11-slim",
    "POSTGRES_IMAGE": "offline/pgvector:pg18",
    "REDIS_IMAGE": "offline/redis:7",
    "PROMETHEUS_IMAGE": "offline/prometheus:v2",
}
# variable -> (stand-in image, Debian package, binary)
EXPORTER_STANDINS = {
    "NODE_EXPORTER_IMAGE": ("offline-test/node-exporter", "prometheus-node-exporter"),
    "POSTGRES_EXPORTER_IMAGE": ("offline-test/postgres-exporter", "prometheus-postgres-exporter"),
    "REDIS_EXPORTER_IMAGE": ("offline-test/redis-exporter", "prometheus-redis-exporter"),
}
# Queries that may rightly return nothing on a healthy stack, and why.
MAY_BE_EMPTY = {'status=~"5.."': "no request failed with a 5xx status"}


def sh(*cmd: str, cwd: Path | None = None, timeout: int = 600, check: bool = True) -> str:
    result = subprocess.run(
        cmd, check=False, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode:
        pytest.fail(f"{' '.join(cmd)} -> {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result.stdout


def build_standins() -> None:
    for image, package in EXPORTER_STANDINS.values():
        exists = subprocess.run(
            ["docker", "image", "inspect", image], capture_output=True, check=False
        )
        if exists.returncode:
            sh("docker", "build", "--network", "host", "-t", image,
               "--build-arg", f"PACKAGE={package}", "--build-arg", f"BINARY={package}",
               str(HERE / "monitoring_standins"))  # fmt: skip


class Stack:
    def __init__(self, project: Path) -> None:
        self.project = project
        self.name = f"opsmon{uuid.uuid4().hex[:8]}"
        files = ["-f", "docker-compose.yml", "-f", "docker-compose.test.yml"]
        self.compose = ["docker", "compose", "-p", self.name, *files]

    def run(self, *args: str, timeout: int = 600, check: bool = True) -> str:
        return sh(*self.compose, *args, cwd=self.project, timeout=timeout, check=check)

    def make(self, *args: str) -> str:
        return sh("make", "-s", f"COMPOSE={' '.join(self.compose)}", *args, cwd=self.project)

    def prometheus(self, path: str, **params: str) -> dict:
        url = f"http://127.0.0.1:9090{path}?{urllib.parse.urlencode(params)}"
        out = self.run("exec", "-T", "prometheus", "wget", "-qO-", url, timeout=30)
        answer = json.loads(out)
        assert answer["status"] == "success", answer
        return answer["data"]

    def traffic(self) -> dict:
        script = (HERE / "monitoring_traffic.py").read_text()
        key = f"API_KEY={dotenv(self.project)['API_KEY']}"
        cmd = [*self.compose, "exec", "-T", "-e", key, "api", "python", "-", "--jobs"]
        result = subprocess.run(
            cmd,
            cwd=self.project,
            input=script,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_test_overrides(project: Path) -> None:
    """Stand-in images through .env, host network for builds through an extra -f file: the
    generated files stay as they are."""
    images = OFFLINE_IMAGES | {var: image for var, (image, _) in EXPORTER_STANDINS.items()}
    # Free host ports, so that stacks of parallel tests do not collide.
    ports = {"API_PORT": str(free_port())}
    with (project / ".env").open("a") as env:
        env.write("".join(f"\n{var}={value}" for var, value in (images | ports).items()) + "\n")
    config = json.loads(
        sh(
            "docker",
            "compose",
            "--profile",
            "monitoring",
            "config",
            "--format",
            "json",
            cwd=project,
        )
    )
    built = [name for name, service in config["services"].items() if "build" in service]
    overrides = {"services": {name: {"build": {"network": "host"}} for name in built}}
    (project / "docker-compose.test.yml").write_text(yaml.safe_dump(overrides))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    if subprocess.run(["docker", "info"], capture_output=True, check=False).returncode:
        pytest.fail("the Docker tier needs a running Docker engine (docker info failed)")
    build_standins()
    project = render(tmp_path_factory.mktemp("monitoring") / "project", ANSWERS)
    write_test_overrides(project)
    stack = Stack(project)
    services = stack.run("--profile", "monitoring", "config", "--services").split()
    try:
        # Everything but Grafana, whose image cannot be had here.
        up = [*stack.compose, "--profile", "monitoring", "up", "-d", "--build", "--wait"]
        up += [s for s in services if s != "grafana"]
        result = subprocess.run(up, cwd=project, capture_output=True, text=True, check=False)
        if result.returncode:
            logs = stack.run("--profile", "monitoring", "logs", "--tail", "30", check=False)
            pytest.fail(f"up failed:\n{result.stderr[-3000:]}\nlogs:\n{logs[-6000:]}")
        yield stack
    finally:
        stack.run("--profile", "monitoring", "down", "-v", "--remove-orphans", check=False)


def wait_for(what: str, probe, seconds: float = 120, every: float = 3):
    """probe() -> (done, detail); fails with the last detail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        done, detail = probe()
        if done:
            return detail
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not reached within {seconds} s: {detail}")
        time.sleep(every)


def expected_jobs(project: Path) -> set[str]:
    config = yaml.safe_load((project / "docker/monitoring/prometheus.yml").read_text())
    return {job["job_name"] for job in config["scrape_configs"]}


def test_every_scrape_target_is_up(stack):
    def probe():
        targets = stack.prometheus("/api/v1/targets")["activeTargets"]
        health = {t["labels"]["job"]: t["health"] for t in targets}
        return set(health) == expected_jobs(stack.project) and set(health.values()) == {
            "up"
        }, health

    wait_for("every target up", probe)


def dashboard_queries(project: Path) -> list[str]:
    folder = project / "docker/monitoring/grafana/dashboards"
    queries = []
    for path in sorted(folder.glob("*.json")):
        for panel in json.loads(path.read_text())["panels"]:
            queries += [target["expr"] for target in panel.get("targets", [])]
    return queries


def test_every_dashboard_query_returns_data(stack):
    results = stack.traffic()
    assert results["ingest"] == 201 and results["job"] == "done", results
    queries = [q for q in dashboard_queries(stack.project) if not any(m in q for m in MAY_BE_EMPTY)]

    def probe():
        empty = [q for q in queries if not stack.prometheus("/api/v1/query", query=q)["result"]]
        return not empty, empty

    # rate() needs two scrapes (15 s apart) after the traffic.
    wait_for("data for every dashboard query", probe, seconds=120, every=5)


def test_alert_rules_evaluate_without_error(stack):
    def probe():
        groups = stack.prometheus("/api/v1/rules")["groups"]
        rules = {rule["name"]: rule for group in groups for rule in group["rules"]}
        evaluated = all(rule.get("lastEvaluation", "").startswith("20") for rule in rules.values())
        return evaluated, rules

    rules = wait_for("a first evaluation of every rule", probe, seconds=60)
    assert {name: r["health"] for name, r in rules.items()} == dict.fromkeys(rules, "ok")
    assert rules["TargetDown"]["state"] != "firing"


def test_make_status_and_ingest(stack, tmp_path):
    status = stack.make("status")
    for service in ("api", "worker", "db", "redis"):
        assert any(line.split()[:1] == [service] and "(healthy)" in line
                   for line in status.splitlines()), status  # fmt: skip
    document = tmp_path / "through-make.txt"
    document.write_text("make ingest sends this file to POST /documents.\n" * 10)
    port = dotenv(stack.project)["API_PORT"]
    answer = json.loads(stack.make(f"FILE={document}", f"API=http://127.0.0.1:{port}", "ingest"))
    assert answer["filename"] == "through-make.txt" and answer["chunks"] >= 1


def test_backup_wipe_restore_brings_the_data_back(stack):
    def documents() -> list[str]:
        script = (
            "import json, os, urllib.request as u; "
            "r = u.Request('http://127.0.0.1:8000/documents?limit=100', "
            "headers={'Authorization': 'Bearer ' + os.environ['API_KEY']}); "
            "print(json.dumps([d['filename'] for d in json.load(u.urlopen(r))['items']]))"
        )
        key = f"API_KEY={dotenv(stack.project)['API_KEY']}"
        return json.loads(
            stack.run("exec", "-T", "-e", key, "api", "python", "-c", script, timeout=60)
        )

    before = documents()
    assert "monitoring.txt" in before, before
    stack.make("backup")
    [backup] = sorted((stack.project / "backups").iterdir())
    assert (backup / "db.tar.gz").stat().st_size > 0

    stack.run("--profile", "monitoring", "down", "-v")
    stack.run("up", "-d", "--wait")
    assert documents() == [], "the wipe left documents behind"

    stack.make("restore")
    assert sorted(documents()) == sorted(before)
