"""The generated READMEs: one per chosen component, a quick start naming only what was chosen,
and every command they show works (for real where no Docker is needed, else checked statically).
Each check is also shown to catch a defect."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.docs.readme_checks import CHECKS
from tests.docs.shell_blocks import commands as shell_commands
from tests.docs.shell_blocks import make_kind
from tests.support.answers import LARGEST, MONGODB_QDRANT, label
from tests.support.processes import run

ANSWER_SETS: list[dict[str, Any]] = [
    {},
    {**LARGEST, "ci": "gitlab"},
    {**MONGODB_QDRANT, "ci": "none", "orchestrator": "airflow"},
    {"vector_store": "chroma", "worker": True, "reverse_proxy": "nginx", "ui": "none"},
    {"database": "postgresql", "vector_store": "faiss", "object_store": "s3",
     "experiment_tracking": "mlflow", "ui": "none", "orchestrator": "airflow",
     "batch_processing": "spark"},
    {"object_store": "s3", "worker": True},
]  # fmt: skip
params = pytest.mark.parametrize("answers", ANSWER_SETS, ids=label)


@params
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_readmes(rendered, answers, check, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered(answers), project)
    problems = check(project, answers)
    assert not problems, "\n".join(problems)


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


DEFECTS = {
    "component_readmes": lambda p: (p / "docker/ui/README.md").unlink(),
    "markers": lambda p: append(p / "README.md", "\nDashboards live in Grafana.\n"),
    "links": lambda p: append(p / "README.md", "\nSee [the worker](docker/worker/README.md).\n"),
    "defaults_match": lambda p: append(p / "README.md", "\nImage: `${PYTHON_IMAGE:-python:2.7}`\n"),
    "shown_commands": lambda p: append(p / "README.md", "\n```sh\nmake no-such-target\n```\n"),
}


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_catches_a_defect(rendered, check, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(rendered({}), project)
    assert check(project, {}) == []
    DEFECTS[check.__name__](project)
    assert check(project, {}) != []


@pytest.mark.slow
def test_readme_development_commands_run(rendered, tmp_path):
    """The commands that install from PyPI (make install, test, lint), for real, on the defaults."""
    project = tmp_path / "project"
    shutil.copytree(rendered({}), project)
    ran = []
    for line in shell_commands((project / "README.md").read_text()):
        words = shlex.split(line)
        if words[0] != "make":
            continue
        dry = run(["make", "-n", *words[1:]], project)
        if make_kind(words[1], dry.stdout) == "pypi":
            result = run(words, project, timeout=900)
            assert result.returncode == 0, f"{line}\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            ran.append(line)
    assert {"make install", "make test", "make lint"} <= set(ran)
