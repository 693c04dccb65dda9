"""Supply chain: uv.lock matches pyproject.toml (uv's own check, offline), and every action of
the GitHub workflows is pinned by commit SHA."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.fast.checks.common import Defects, assert_catches, load_yaml
from tests.support.answers import Answers
from tests.support.processes import output, run, tool

SHA_PINNED = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")


def interpreter(version: str) -> str | None:
    """A Python of that version for uv (the running one, or one uv finds without downloads)."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = run([tool("uv"), "python", "find", "--no-python-downloads", version], cwd=Path.cwd())
    return found.stdout.strip() if found.returncode == 0 else None


def check_lock(project: Path, answers: Answers) -> list[str]:
    """`uv lock --check --offline`: fails when pyproject.toml asks for anything uv.lock does not
    record (with no network, uv cannot resolve anew). A render for a Python this machine lacks
    is left to the renders of the others (only requires-python differs)."""
    python = interpreter(answers.get("python_version", "3.11"))
    if python is None:
        return []
    result = run([tool("uv"), "lock", "--check", "--offline", "--python", python], cwd=project)
    return [f"uv lock --check:\n{output(result)}"] if result.returncode else []


def check_actions_pinned(project: Path, answers: Answers) -> list[str]:
    """Every `uses:` of a workflow names a commit (owner/repo@<40 hex>), local actions aside."""
    problems = []
    for path in sorted((project / ".github" / "workflows").glob("*.y*ml")):
        for workflow in load_yaml(path):
            for name, job in (workflow or {}).get("jobs", {}).items():
                uses = [job.get("uses", "")] + [s.get("uses", "") for s in job.get("steps", [])]
                problems += [
                    f"{path.name}: job {name}: {action} is not pinned by commit SHA"
                    for action in uses
                    if action and not action.startswith("./") and not SHA_PINNED.match(action)
                ]
    return problems


def add_dependency(project: Path) -> None:
    """A dependency added to pyproject.toml without relocking."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("dependencies = [\n", 'dependencies = [\n  "six==1.17.0",\n', 1))


def tag_pinned_action(project: Path) -> None:
    workflow = project / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    workflow.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v4", text))


DEFECTS: Defects = {
    check_lock: (add_dependency, "uv lock --check"),
    check_actions_pinned: (tag_pinned_action, "actions/checkout@v4 is not pinned"),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
