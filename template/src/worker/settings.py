"""Settings of the worker process (the queue's own are core.jobs.QueueSettings)."""

from pathlib import Path
from typing import Annotated

from pydantic import Field

from core.settings import EnvSettings


class WorkerSettings(EnvSettings):
    """One field per environment variable: the field name in upper case."""

    worker_threads: Annotated[int, Field(ge=1, le=64)] = 1
    worker_metrics_port: Annotated[int, Field(ge=1, le=65535)] = 8001
    # The metrics' address: this machine only, unless told (0.0.0.0 in the container).
    worker_metrics_host: str = "127.0.0.1"
    # Time given to the job in progress to finish on SIGTERM; unfinished, it is requeued.
    worker_shutdown_seconds: Annotated[float, Field(ge=0)] = 20.0
    # Files dropped in this folder are ingested (unset: no folder is watched).
    inbox_dir: Path | None = None
    inbox_poll_seconds: Annotated[float, Field(gt=0)] = 2.0


def load_worker_settings() -> WorkerSettings:
    return WorkerSettings.read()
