"""Docker tier, the MLOps stack (the LakeRAG / Rakuten seeds): PostgreSQL, FAISS, the worker, the
S3 server and MLflow, with the stand-in images. Documents put in the bucket become searchable
through the API; `make evaluate` creates an MLflow run read back through MLflow's REST API (its
report stored in the bucket); an empty FAISS volume is restored from the bucket's snapshot.
One stack for the whole module (CI time): the tests run in order and build on each other.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.answers import DOCKER_BASE, MLOPS_POSTGRES
from tests.support.stacks import Stack, docker_problem, wait_for

pytestmark = pytest.mark.docker

ANSWERS = {**DOCKER_BASE, **MLOPS_POSTGRES, "ui": "none"}
# Runs in the s3-init container (the project's image, boto3 and core.objects inside).
PUT_DOCUMENTS = (
    "import pathlib; from core.objects import Bucket; bucket = Bucket.from_environment()\n"
    "for path in sorted(pathlib.Path('/documents').iterdir()):\n"
    "    bucket.write(f'inbox/{path.name}', path.read_bytes())"
)
LIST_BUCKET = (
    "from core.objects import Bucket\n"
    "print('\\n'.join(o.key for o in Bucket.from_environment().list_objects('')))"
)


@pytest.fixture(scope="module")
def stack(rendered, tmp_path_factory) -> Iterator[Stack]:
    problem = docker_problem()
    if problem and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Docker tier must run in CI: {problem}")
    if problem:
        pytest.skip(f"Docker tier: {problem}")
    project = tmp_path_factory.mktemp("mlops") / "project"
    shutil.copytree(rendered(ANSWERS), project)
    stack = Stack(project, f"e2e-mlops-{uuid.uuid4().hex[:6]}", ANSWERS)
    try:
        stack.write_test_overrides()
        stack.up("--build")
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    headers = stack.api_headers()
    with httpx.Client(base_url=stack.url("API_PORT"), headers=headers, timeout=30) as client:
        yield client


def documents(stack: Stack) -> list[str]:
    return sorted(path.name for path in (stack.project / "data/eval/documents").iterdir())


def bucket_keys(stack: Stack) -> list[str]:
    return stack.run("run", "--rm", "--no-deps", "-T", "s3-init", "python", "-c", LIST_BUCKET,
                     timeout=120).split()  # fmt: skip


def test_no_container_environment_holds_a_password(stack: Stack) -> None:
    """Issue 16: the passwords and keys of .secrets/ reach the containers as files only."""
    assert stack.secrets_in_environments() == []


def test_documents_put_in_the_bucket_become_searchable(stack: Stack, api: httpx.Client) -> None:
    folder = stack.project / "data/eval/documents"
    stack.run("run", "--rm", "--no-deps", "-T", "--volume", f"{folder}:/documents:ro",
              "s3-init", "python", "-c", PUT_DOCUMENTS, timeout=120)  # fmt: skip

    def all_listed() -> bool:
        page = api.get("/documents", params={"limit": 100}).json()
        return sorted(item["filename"] for item in page["items"]) == documents(stack)

    wait_for("the bucket's documents ingested by the worker", all_listed, seconds=120, every=2)
    hits = api.post("/search", json={"query": "How many hearts does an octopus have?", "top_k": 1})
    assert hits.json()["hits"][0]["source"] == "octopus.md", hits.json()
    keys = bucket_keys(stack)
    assert "snapshots/faiss/latest" in keys, keys
    assert sum(key.startswith("ingested/inbox/") for key in keys) == len(documents(stack)), keys


def test_make_evaluate_logs_a_run_to_mlflow(stack: Stack) -> None:
    compose = " ".join(stack.compose)
    result = subprocess.run(["make", "evaluate", f"COMPOSE={compose}"], cwd=stack.project,
                            capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"

    mlflow = f"{stack.url('MLFLOW_PORT')}/api/2.0/mlflow"
    experiment = httpx.get(f"{mlflow}/experiments/get-by-name",
                           params={"experiment_name": "retrieval-evaluation"}, timeout=30)  # fmt: skip
    assert experiment.status_code == 200, experiment.text
    experiment_id = experiment.json()["experiment"]["experiment_id"]
    search = httpx.post(
        f"{mlflow}/runs/search", json={"experiment_ids": [experiment_id]}, timeout=30
    )
    [run] = search.json()["runs"]
    metrics = {m["key"]: m["value"] for m in run["data"]["metrics"]}
    params = {p["key"]: p["value"] for p in run["data"]["params"]}
    assert set(metrics) == {"hit_at_1", "hit_at_5", "mrr", "ndcg_at_10"}, metrics
    assert metrics["hit_at_5"] == 1.0 and metrics["mrr"] >= 0.75, metrics
    assert params["store"] == "faiss" and params["embedder"] == "minilm", params
    # The report is an artifact, stored by the server in the bucket.
    assert any(k.startswith("mlflow/") and k.endswith("/report.json") for k in bucket_keys(stack))


def test_an_empty_faiss_volume_is_restored_from_the_bucket(stack: Stack, api: httpx.Client) -> None:
    stack.run("rm", "--stop", "--force", "api", "worker", "evaluation")
    subprocess.run(["docker", "volume", "rm", f"{stack.name}_vectors"], check=True,
                   capture_output=True, timeout=60)  # fmt: skip
    stack.run("up", "-d", "--wait", "api", "worker", timeout=300)
    hits = api.post("/search", json={"query": "What is the largest glacier?", "top_k": 1})
    assert hits.status_code == 200, hits.text
    assert hits.json()["hits"][0]["source"] == "glaciers.md", hits.json()
    logs = stack.run("logs", "--no-color", "api", "worker")
    assert "restored the vector store from snapshot" in logs
