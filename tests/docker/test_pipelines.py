"""Docker tier, the pipelines stack (issue 14): PostgreSQL, FAISS, the worker, the S3 server,
Airflow and Spark, with the stand-in images. The DAGs import cleanly; the ingestion DAG,
triggered through Airflow's REST API, succeeds on an empty prefix doing nothing, then ingests
the documents put under its prefix, a corrupt one failing alone; the evaluation DAG has the
evaluation-runner measure retrieval on them and returns the metrics; the Spark batch DAG runs
the corpus job on the cluster and its chunks become searchable.
One stack for the whole module (CI time): the tests run in order and build on each other.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.support.answers import DOCKER_BASE, PIPELINES
from tests.support.stacks import Stack, docker_problem, project_secrets, wait_for

pytestmark = pytest.mark.docker

# MLflow is not needed here (tests/docker/test_mlops.py runs it): less to start.
ANSWERS = {**DOCKER_BASE, **PIPELINES, "ui": "none", "experiment_tracking": "none"}
PREFIX = "pipeline-inbox/"
CORRUPT = "broken.md"
# Runs in the s3-init container (the project's image, boto3 and core.objects inside).
PUT_DOCUMENTS = (
    "import pathlib; from core.objects import Bucket; bucket = Bucket.from_environment()\n"
    "for path in sorted(pathlib.Path('/documents').iterdir()):\n"
    f"    bucket.write('{PREFIX}' + path.name, path.read_bytes())\n"
    f"bucket.write('{PREFIX}{CORRUPT}', bytes([0xFF, 0xFE, 0x00, 0xC3]))"
)
# Runs in the scheduler: every DAG file parsed, and each DAG's tasks with their downstream.
# The DAG folder is on sys.path, as when Airflow parses the files and runs the tasks.
DAG_BAG = (
    "import json, sys; from airflow import settings; from airflow.models import DagBag\n"
    "sys.path.insert(0, settings.DAGS_FOLDER); bag = DagBag()\n"
    "print(json.dumps({'errors': bag.import_errors, 'dags': {d.dag_id: {t.task_id: "
    "sorted(t.downstream_task_ids) for t in d.tasks} for d in bag.dags.values()}}))"
)


@pytest.fixture(scope="module")
def stack(rendered, tmp_path_factory) -> Iterator[Stack]:
    problem = docker_problem()
    if problem and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the Docker tier must run in CI: {problem}")
    if problem:
        pytest.skip(f"Docker tier: {problem}")
    project = tmp_path_factory.mktemp("pipelines") / "project"
    shutil.copytree(rendered(ANSWERS), project)
    stack = Stack(project, f"e2e-pipelines-{uuid.uuid4().hex[:6]}", ANSWERS)
    try:
        stack.write_test_overrides()
        seconds = stack.up("--build")
        print(f"pipelines stack up in {seconds:.0f} s")
        yield stack
    finally:
        stack.down()


@pytest.fixture(scope="module")
def api(stack: Stack) -> Iterator[httpx.Client]:
    headers = stack.api_headers()
    with httpx.Client(base_url=stack.url("API_PORT"), headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def airflow(stack: Stack) -> Iterator[httpx.Client]:
    base = stack.url("AIRFLOW_PORT")
    password = project_secrets(stack.project)["airflow_admin_password"]
    credentials = {"username": "admin", "password": password}
    token = httpx.post(f"{base}/auth/token", json=credentials, timeout=30)
    assert token.status_code in (200, 201), token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    with httpx.Client(base_url=f"{base}/api/v2", headers=headers, timeout=30) as client:
        yield client


def trigger(airflow: httpx.Client, dag_id: str, seconds: float = 300) -> dict:
    """Trigger a run of the DAG and wait for its end: the run, with its task instances."""
    wait_for(f"{dag_id} parsed", lambda: airflow.get(f"/dags/{dag_id}").is_success, seconds=120)
    started = airflow.post(f"/dags/{dag_id}/dagRuns", json={"logical_date": None})
    assert started.status_code == 200, started.text
    run_id = started.json()["dag_run_id"]

    def finished() -> dict | None:
        run = airflow.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()
        return run if run["state"] in ("success", "failed") else None

    run = wait_for(f"{dag_id} run {run_id} finished", finished, seconds=seconds, every=3)
    tasks = airflow.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances").json()
    return {**run, "tasks": tasks["task_instances"]}


def task_log(airflow: httpx.Client, run: dict, task_id: str, map_index: int = -1) -> str:
    """The log of a task's first try in the run."""
    path = f"/dags/{run['dag_id']}/dagRuns/{run['dag_run_id']}/taskInstances/{task_id}/logs/1"
    log = airflow.get(path, params={"map_index": map_index}, headers={"Accept": "application/json"})
    return log.text


def failed_logs(airflow: httpx.Client, run: dict) -> str:
    """The end of the logs of the run's failed tasks: what an assertion on its state shows."""
    failed = [t["task_id"] for t in run["tasks"] if t["state"] == "failed"]
    return "\n".join(f"{t}: {task_log(airflow, run, t)[-3000:]}" for t in failed)


def document_names(api: httpx.Client) -> list[str]:
    page = api.get("/documents", params={"limit": 100})
    assert page.status_code == 200, page.text
    return sorted(item["filename"] for item in page.json()["items"])


def test_the_stack_is_up_and_airflow_init_completed(stack: Stack) -> None:
    [init] = [json.loads(line) for line in stack.run("ps", "-a", "--format", "json",
                                                     "airflow-init").splitlines()]  # fmt: skip
    assert init["State"] == "exited" and init["ExitCode"] == 0, init


def test_no_container_environment_holds_a_password(stack: Stack) -> None:
    """Issue 16: Airflow's keys and the passwords of .secrets/ reach the containers as files."""
    assert stack.secrets_in_environments() == []


def test_the_dags_import_and_have_their_tasks(stack: Stack) -> None:
    # What the DAG processor found (it parsed the files before the stack was healthy).
    errors = stack.run("exec", "-T", "airflow-scheduler", "airflow", "dags", "list-import-errors",
                       "--output", "json", timeout=120)  # fmt: skip
    assert json.loads(errors.strip().splitlines()[-1] or "[]") == [], errors
    output = stack.run("exec", "-T", "airflow-scheduler", "python", "-c", DAG_BAG, timeout=120)
    bag = json.loads(output.strip().splitlines()[-1])
    assert bag["errors"] == {}, bag["errors"]
    assert bag["dags"] == {
        "ingest_inbox": {"changed_documents": ["ingest"], "ingest": []},
        "evaluate_retrieval": {"evaluate": []},
        "spark_batch": {"chunk": ["load"], "load": []},
    }


def test_an_empty_prefix_succeeds_doing_nothing(airflow: httpx.Client, api: httpx.Client) -> None:
    run = trigger(airflow, "ingest_inbox")
    assert run["state"] == "success", run
    assert [t["state"] for t in run["tasks"] if t["task_id"] == "ingest"] in ([], ["skipped"])
    assert document_names(api) == []


def test_the_inbox_is_ingested_and_a_corrupt_file_fails_alone(
    stack: Stack, airflow: httpx.Client, api: httpx.Client
) -> None:
    folder = stack.project / "data/eval/documents"
    stack.run("run", "--rm", "--no-deps", "-T", "--volume", f"{folder}:/documents:ro",
              "s3-init", "python", "-c", PUT_DOCUMENTS, timeout=120)  # fmt: skip
    run = trigger(airflow, "ingest_inbox")

    # The run fails (reported), only the corrupt file's task failing; the rest is ingested.
    assert run["state"] == "failed", run
    ingests = [t for t in run["tasks"] if t["task_id"] == "ingest"]
    failed = [t for t in ingests if t["state"] == "failed"]
    assert len(failed) == 1, ingests
    log = task_log(airflow, run, "ingest", failed[0]["map_index"])
    assert CORRUPT in log and "HTTP 4" in log, log[-3000:]
    expected = sorted(path.name for path in folder.iterdir())
    assert document_names(api) == expected
    hits = api.post("/search", json={"query": "How many hearts does an octopus have?", "top_k": 1})
    assert hits.json()["hits"][0]["source"] == "octopus.md", hits.json()


def test_the_evaluation_dag_measures_the_ingested_documents(
    stack: Stack, airflow: httpx.Client
) -> None:
    run = trigger(airflow, "evaluate_retrieval")
    assert run["state"] == "success", failed_logs(airflow, run)
    task = f"/dags/evaluate_retrieval/dagRuns/{run['dag_run_id']}/taskInstances/evaluate"
    report = airflow.get(f"{task}/xcomEntries/return_value").json()["value"]
    questions = (stack.project / "data/eval/questions.jsonl").read_text().splitlines()
    assert len(report["questions"]) == len([line for line in questions if line.strip()])
    assert report["metrics"]["hit_at_5"] == 1.0, report["metrics"]
    # The task prints the metrics in its log.
    log = task_log(airflow, run, "evaluate")
    assert f"hit_at_5 {report['metrics']['hit_at_5']:.3f}" in log, log[-3000:]


def test_the_spark_batch_runs_on_the_cluster_and_is_searchable(
    stack: Stack, airflow: httpx.Client, api: httpx.Client
) -> None:
    started = time.time() * 1000
    run = trigger(airflow, "spark_batch", seconds=600)
    assert run["state"] == "success", failed_logs(airflow, run)

    master = httpx.get(stack.url("SPARK_UI_PORT", "/json/"), timeout=30).json()
    finished = {app["name"]: app["state"] for app in master["completedapps"]
                if app["starttime"] >= started}  # fmt: skip
    assert finished == {"corpus-chunks-chunk": "FINISHED", "corpus-chunks-load": "FINISHED"}
    corpus = sorted(path.name for path in (stack.project / "data/corpus").iterdir())
    assert set(corpus) <= set(document_names(api))
    hits = api.post("/search", json={"query": "How long does a French press steep?", "top_k": 1})
    assert hits.json()["hits"][0]["source"] == "coffee_brewing.html", hits.json()
