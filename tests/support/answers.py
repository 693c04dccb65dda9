"""Named answer sets, written once. Unnamed answers take copier.yml's defaults."""

from __future__ import annotations

from typing import Any

Answers = dict[str, Any]

DEFAULTS: Answers = {}  # FAISS, no database, Streamlit, GitHub Actions
# Every component at once: PostgreSQL with pgvector, worker, Streamlit, nginx, monitoring.
LARGEST: Answers = {
    "database": "postgresql",
    "worker": True,
    "ui": "streamlit",
    "reverse_proxy": "nginx",
    "monitoring": True,
}
# The other backends, nothing optional.
MONGODB_QDRANT: Answers = {"database": "mongodb", "vector_store": "qdrant", "ui": "none"}
# The MLOps stacks of the seeds (issue 13): the worker, an S3 bucket and MLflow, over MongoDB
# with Chroma, and over PostgreSQL with FAISS (its index snapshotted to the bucket).
MLOPS_MONGODB: Answers = {
    "database": "mongodb", "vector_store": "chroma", "worker": True,
    "object_store": "s3", "experiment_tracking": "mlflow",
}  # fmt: skip
MLOPS_POSTGRES: Answers = {**MLOPS_MONGODB, "database": "postgresql", "vector_store": "faiss"}
# The pipelines of issue 14 on the MLOps stack: Airflow (metadata in the project's PostgreSQL,
# its inbox a bucket prefix) and Spark.
PIPELINES: Answers = {**MLOPS_POSTGRES, "orchestrator": "airflow", "batch_processing": "spark"}
# Airflow with its own PostgreSQL (airflow-db) and a folder inbox.
AIRFLOW_OWN_DB: Answers = {"database": "mongodb", "orchestrator": "airflow"}
# Together these choose every component and every backend that has a service.
EVERY_SERVICE: list[Answers] = [
    LARGEST,
    {**MONGODB_QDRANT, "worker": True, "monitoring": True},
    {
        "vector_store": "chroma",
        "llm": "ollama",
        "object_store": "s3",
        "experiment_tracking": "mlflow",
        "orchestrator": "airflow",
        "batch_processing": "spark",
    },
]
# What the Docker tier runs with: the offline stand-in images are Python 3.11.
DOCKER_BASE: Answers = {"python_version": "3.11", "ci": "none"}


def label(answers: Answers) -> str:
    """Short readable id, e.g. database=postgresql-worker=True, components=etl+reports
    ("defaults" when empty)."""
    shown = (
        f"{k}={'+'.join(v)}" if isinstance(v, dict) else f"{k}={v}" if len(str(v)) < 12
        else f"{k}=(text)"
        for k, v in answers.items()
    )  # fmt: skip
    return "-".join(shown) or "defaults"


def key(answers: Answers) -> str:
    """The same answers in any order give the same key (a render cache key)."""
    return ",".join(f"{k}={v!r}" for k, v in sorted(answers.items()))


def cli_data(answers: Answers) -> list[str]:
    """`--data name=value` arguments of the copier command line."""
    return [
        arg
        for name, value in answers.items()
        for arg in ("--data", f"{name}={str(value).lower() if isinstance(value, bool) else value}")
    ]
