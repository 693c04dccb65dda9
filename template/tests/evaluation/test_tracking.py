"""The evaluation job logs to a real MLflow server (tests/evaluation/conftest.py)."""

import json
from pathlib import Path

import httpx
import pytest

from core.service import RagService
from evaluation.__main__ import main

DATA = Path(__file__).resolve().parents[2] / "data" / "eval"


def test_a_run_is_logged_with_metrics_and_report(
    service: RagService, mlflow_url: str, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    for path in sorted((DATA / "documents").iterdir()):
        service.ingest(path.name, path.read_bytes())
    monkeypatch.setenv("EVAL_QUESTIONS", str(DATA / "questions.jsonl"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_url)
    monkeypatch.setenv("MLFLOW_EXPERIMENT", "test-run")
    assert main([], service) == 0

    api = f"{mlflow_url}/api/2.0/mlflow"
    experiment = httpx.get(f"{api}/experiments/get-by-name", params={"experiment_name": "test-run"})
    experiment_id = experiment.json()["experiment"]["experiment_id"]
    runs = httpx.post(f"{api}/runs/search", json={"experiment_ids": [experiment_id]}).json()["runs"]
    assert len(runs) == 1
    metrics = {m["key"]: m["value"] for m in runs[0]["data"]["metrics"]}
    params = {p["key"]: p["value"] for p in runs[0]["data"]["params"]}
    assert metrics["hit_at_5"] == 1.0 and 0 < metrics["ndcg_at_10"] <= 1
    assert params["store"] == service.store.name and params["top_k"] == "5"
    artifacts = httpx.get(f"{api}/artifacts/list", params={"run_id": runs[0]["info"]["run_id"]})
    assert [item["path"] for item in artifacts.json()["files"]] == ["report.json"]
    # What the job prints (the evaluation runner answers with it).
    printed = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert printed["mlflow_run_id"] == runs[0]["info"]["run_id"]
    assert printed["metrics"] == metrics and printed["parameters"]["store"] == service.store.name


def test_an_unreachable_mlflow_stops_before_the_work(
    service: RagService, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("EVAL_QUESTIONS", str(DATA / "questions.jsonl"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
    assert main([]) == 1
    assert "MLflow is unreachable at http://127.0.0.1:9" in caplog.text
