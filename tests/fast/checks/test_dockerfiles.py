"""Dockerfiles: hadolint clean, every base image a build argument (a private registry can
point it at its mirror)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fast.checks.common import Defects, assert_catches, dockerfiles, rel, write
from tests.support.answers import Answers
from tests.support.processes import output, run, tool

FROM_LINE = re.compile(
    r"^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE
)


def check_base_images_overridable(project: Path, answers: Answers) -> list[str]:
    """Every FROM names a build argument (e.g. PYTHON_IMAGE) or an earlier stage."""
    problems = []
    for path in dockerfiles(project):
        stages: set[str] = set()
        for image, stage in FROM_LINE.findall(path.read_text()):
            if not image.startswith("$") and image not in stages:
                problems.append(f"{rel(project, path)}: FROM {image} is not a build argument")
            stages.add(stage)
    return problems


def check_hadolint(project: Path, answers: Answers) -> list[str]:
    found = dockerfiles(project)
    if not found:
        return []
    # From a neutral folder: a .hadolint.yaml in the project must not silence the check.
    cmd = [tool("hadolint"), "--failure-threshold", "warning", "--no-color", *map(str, found)]
    result = run(cmd, cwd=Path("/"))
    return [f"hadolint:\n{output(result)}"] if result.returncode else []


DEFECTS: Defects = {
    check_base_images_overridable: (
        lambda p: write(p, "docker/x/Dockerfile", "FROM python:3.11-slim\n"),
        "FROM python:3.11-slim is not a build argument",
    ),
    check_hadolint: (
        lambda p: write(p, "docker/x/Dockerfile", "FROM debian\nCMD true\n"),
        "DL3006",
    ),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
