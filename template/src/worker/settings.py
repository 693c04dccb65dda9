"""Settings of the job queue (read by the API, which queues jobs, and by the worker)."""

from pathlib import Path
from typing import Annotated

from pydantic import Field, RedisDsn, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.settings import SettingsError, describe


class QueueSettings(BaseSettings):
    """One field per environment variable: the field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    redis_url: RedisDsn
    # Prefix of every Redis key of the queue and of the job records.
    queue_namespace: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_.-]{1,64}$")] = "rag"

    # A failed job is tried again JOB_MAX_RETRIES times, waiting exponentially longer.
    job_max_retries: Annotated[int, Field(ge=0, le=100)] = 5
    job_min_backoff_seconds: Annotated[float, Field(gt=0)] = 2.0
    job_max_backoff_seconds: Annotated[float, Field(gt=0)] = 300.0
    job_time_limit_seconds: Annotated[float, Field(gt=0)] = 600.0
    # The jobs of a worker that stopped sending heartbeats (killed) go back to the queue.
    job_requeue_after_seconds: Annotated[float, Field(ge=1)] = 60.0
    # How long a job's status stays readable (GET /jobs/{job_id}).
    job_ttl_seconds: Annotated[int, Field(ge=60)] = 7 * 24 * 3600

    worker_threads: Annotated[int, Field(ge=1, le=64)] = 1
    worker_metrics_port: Annotated[int, Field(ge=1, le=65535)] = 8001
    # Time given to the job in progress to finish on SIGTERM; unfinished, it is requeued.
    worker_shutdown_seconds: Annotated[float, Field(ge=0)] = 20.0
    # Files dropped in this folder are ingested (unset: no folder is watched).
    inbox_dir: Path | None = None
    inbox_poll_seconds: Annotated[float, Field(gt=0)] = 2.0


def load_queue_settings() -> QueueSettings:
    """Read and validate the settings, or stop with a one-line message naming the variable."""
    try:
        return QueueSettings()
    except ValidationError as error:
        raise SettingsError(f"invalid settings: {describe(error)}") from None
