"""The metrics the dashboard and the alert rules name are really exported: a rendered project is
installed in a fresh virtual environment, its ASGI app answers some traffic in-process, and its
own /metrics page is scraped. (The worker's metrics are checked against a running worker in the
Docker tier, tests/docker/test_monitoring.py.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from tests.ops.opskit import contract_rows, metric_names, queries
from tests.support.processes import BIN, run

pytestmark = pytest.mark.slow

ANSWERS = {"monitoring": True, "database": "none", "vector_store": "faiss", "ui": "none"}
TRAFFIC = """
import json
from fastapi.testclient import TestClient
from api.main import create_app

# The project's .env (the working directory) has the key; the API its digest.
key = next(line.split("=", 1)[1] for line in open(".env") if line.startswith("API_KEY="))
headers = {"Authorization": f"Bearer {key}"}
with TestClient(create_app(), base_url="http://localhost", headers=headers) as client:
    upload = ("notes.txt", b"Prometheus scrapes, Grafana draws. " * 40, "text/plain")
    assert client.post("/documents", files={"file": upload}).status_code == 201
    assert client.post("/search", json={"query": "who draws"}).status_code == 200
    assert client.post("/ask", json={"question": "who scrapes?"}).status_code == 200
    assert client.get("/no-such-route").status_code == 404
    page = client.get("/metrics")
    assert page.status_code == 200, page.status_code
lines = [line for line in page.text.splitlines() if line and not line.startswith("#")]
print(json.dumps(sorted({line.split("{")[0].split(" ")[0] for line in lines})))
"""


@pytest.fixture(scope="module")
def exported(rendered, tmp_path_factory) -> set[str]:
    project = rendered(ANSWERS)
    venv = tmp_path_factory.mktemp("venv") / ".venv"
    uv = str(BIN / "uv")
    for cmd in (
        [uv, "venv", "-q", "--python", sys.executable, str(venv)],
        [uv, "pip", "install", "-q", "--python", str(venv / "bin/python")]
        + ["-r", "pyproject.toml", "--extra", "api"],
    ):
        result = run(cmd, cwd=project)
        assert result.returncode == 0, result.stderr
    data = tmp_path_factory.mktemp("vectors")
    result = run(
        [str(venv / "bin/python"), "-c", TRAFFIC],
        cwd=project,
        PYTHONPATH="src",
        FAISS_DIR=str(data),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def api_metrics_named(project: Path) -> set[str]:
    """rag_* metrics named by the dashboards and alert rules that the contract gives the API."""
    folder = project / "docker" / "monitoring"
    exprs = [
        expr
        for path in (folder / "grafana" / "dashboards").glob("*.json")
        for expr in queries(json.loads(path.read_text()))
    ]
    groups = yaml.safe_load((folder / "alerts.yml").read_text())["groups"]
    exprs += [rule["expr"] for group in groups for rule in group["rules"]]
    api = {name for name, _, exporters in contract_rows() if "api" in exporters}
    named = {name for expr in exprs for name in metric_names(expr) if name.startswith("rag_")}
    return {n for n in named if n.removesuffix("_bucket").removesuffix("_count") in api}


def test_every_api_metric_the_dashboard_names_is_on_the_metrics_page(rendered, exported):
    named = api_metrics_named(rendered(ANSWERS))
    assert named, "no application metric named: the check would be empty"
    assert named <= exported, f"named but not exported: {sorted(named - exported)}"


def test_every_api_metric_of_the_contract_is_exported(exported):
    for name, kind, exporters in contract_rows():
        if "api" in exporters:
            sample = f"{name}_bucket" if kind == "histogram" else name
            assert sample in exported, f"{name} ({exporters}) is not on the API's /metrics"
