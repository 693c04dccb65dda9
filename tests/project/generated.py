"""Generated-project tier helpers: the answer sets, and installing a rendered project in a fresh
virtual environment with uv (the uv cache is shared, so only the first install downloads)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support import registry
from tests.support.answers import LARGEST, PIPELINES

# Every backend and component at least once; the first answer set of each vector store is
# also the one the corpus test uses.
COMBINATIONS: list[dict[str, Any]] = [
    {"vector_store": "faiss", "database": "none", "ui": "none", "worker": False},
    {"vector_store": "pgvector", **LARGEST},
    {"vector_store": "chroma", "database": "none", "ui": "none", "worker": True},
    {"vector_store": "qdrant", "database": "mongodb", "ui": "streamlit", "worker": False},
    {"vector_store": "chroma", "database": "postgresql", "ui": "none", "worker": False},
    {"vector_store": "faiss", "database": "mongodb", "ui": "none", "worker": True},
    {"vector_store": "qdrant", "database": "none", "ui": "none", "worker": False, "llm": "ollama"},
    # Team components: one of each kind, each with its own dependency group and tests.
    {
        "vector_store": "faiss",
        "ui": "none",
        "worker": True,
        "components": {"etl": "job", "reports": "service", "thumbs": "consumer"},
    },
    # S3 server, MLflow server, FAISS snapshots; the Spark job in local mode (once: it is slow)
    {**PIPELINES, "ui": "none"},
    {
        "vector_store": "faiss",
        "object_store": "s3",
        "ui": "none",
    },  # the API ingests the bucket inbox itself
]
INSTALL_TIMEOUT = 900
UV = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv") or "uv"


@dataclass(frozen=True)
class Installed:
    path: Path
    python: Path

    def run(self, *args: str, timeout: float = 600, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a command of the project's environment from its root."""
        environment = {
            k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}
        }
        environment["PATH"] = f"{self.python.parent}{os.pathsep}{environment.get('PATH', '')}"
        environment.update(env)
        return subprocess.run(
            args,
            check=False,
            cwd=self.path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def extras(project: Path, answers: dict[str, Any]) -> list[str]:
    """The dependency groups of the built components (registry), of chosen components that
    have one (spark: PySpark for its job's tests), and dev. An image built from a third-party
    one (mlflow) has no group."""
    groups = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    stack = registry.stack(answers)
    built = [stack[name]["build"] for name in registry.built(answers)]
    wanted = dict.fromkeys([*built, *registry.chosen(answers), "dev"])
    return [group for group in wanted if group in groups["optional-dependencies"]]


def install(project: Path, venv: Path, answers: dict[str, Any]) -> Installed:
    subprocess.run(
        [UV, "venv", "-q", "--python", sys.executable, str(venv)],
        check=True,
        timeout=INSTALL_TIMEOUT,
    )
    command = [UV, "pip", "install", "-q", "--python", str(venv / "bin" / "python")]
    command += ["-r", "pyproject.toml"]
    for extra in extras(project, answers):
        command += ["--extra", extra]
    result = subprocess.run(
        command,
        check=False,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    return Installed(project, venv / "bin" / "python")
