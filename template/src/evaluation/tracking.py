"""Log an evaluation to MLflow: its parameters, its metrics, the report as an artifact."""

from typing import Annotated, Any

import httpx
import mlflow
from pydantic import Field, HttpUrl

from core.settings import EnvSettings
from evaluation.run import Report


class TrackingSettings(EnvSettings):
    mlflow_tracking_uri: HttpUrl
    mlflow_experiment: Annotated[str, Field(min_length=1)] = "retrieval-evaluation"


class TrackingError(RuntimeError):
    """MLflow cannot take the run: unreachable, or refusing the requests."""


def check_reachable(settings: TrackingSettings) -> None:
    """Fail before the evaluation, with what to fix, rather than after it."""
    uri = str(settings.mlflow_tracking_uri).rstrip("/")
    try:
        reply = httpx.get(f"{uri}/api/2.0/mlflow/experiments/search",
                          params={"max_results": 1}, timeout=10)  # fmt: skip
    except httpx.HTTPError as error:
        raise TrackingError(f"MLflow is unreachable at {uri}: {error}") from None
    if reply.status_code == 403:
        raise TrackingError(
            f"MLflow at {uri} refused the request ({reply.text.strip()[:120]}): its"
            " --allowed-hosts must list this host name"
        )
    if reply.status_code != 200:
        raise TrackingError(f"MLflow at {uri} answered {reply.status_code}: {reply.text[:200]}")


def log_run(settings: TrackingSettings, parameters: dict[str, Any], report: Report) -> str:
    """One run in the experiment; returns its id."""
    mlflow.set_tracking_uri(str(settings.mlflow_tracking_uri))
    mlflow.set_experiment(settings.mlflow_experiment)
    with mlflow.start_run(run_name="retrieval") as run:
        mlflow.log_params(parameters)
        mlflow.log_metrics(report.metrics)
        mlflow.log_dict({"parameters": parameters, **report.as_dict()}, "report.json")
    return run.info.run_id
