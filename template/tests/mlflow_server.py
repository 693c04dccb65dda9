"""A real MLflow tracking server for the tests: `mlflow server` in its own environment (uv tool
run, the version of the project's client), SQLite and artifacts in a temporary folder."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import answers, free_port, serving

MLFLOW_VERSION = "3.17.2"  # the mlflow-skinny version in pyproject.toml


@contextmanager
def mlflow_server(folder: Path) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uv", "tool", "run", "--from", f"mlflow=={MLFLOW_VERSION}"]
    command += ["mlflow", "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}", "--serve-artifacts"]
    command += ["--artifacts-destination", str(folder / "artifacts")]
    url = f"http://127.0.0.1:{port}"
    # The first run installs mlflow in uv's cache.
    with serving(
        "mlflow server", command, answers(f"{url}/health"), folder / "server.log", seconds=600
    ):
        yield url
