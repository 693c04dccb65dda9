"""Supply chain: uv.lock matches pyproject.toml (uv's own check, offline), and every action of
the GitHub workflows is pinned by commit SHA."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

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


def unmet_pins(project: Path) -> list[str]:
    """Requirements whose locked version they refuse. uv's check trusts the lock's record of
    the project's requirements, which the template renders from pyproject.toml itself: a pin
    changed without relocking would pass it."""
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    locked = {
        p["name"]: p["version"]
        for p in tomllib.loads((project / "uv.lock").read_text())["package"]
        if "version" in p
    }
    groups = [pyproject["project"]["dependencies"]]
    groups += pyproject["project"].get("optional-dependencies", {}).values()
    groups += pyproject.get("dependency-groups", {}).values()
    requirements = [Requirement(line) for group in groups for line in group]
    found = {r: locked.get(canonicalize_name(r.name)) for r in requirements}
    return [
        f"uv.lock has {r.name} {version}, pyproject.toml asks for {r}"
        for r, version in found.items()
        if version is None or not r.specifier.contains(version, prereleases=True)
    ]


def check_lock(project: Path, answers: Answers) -> list[str]:
    """`uv lock --check --offline` (fails when pyproject.toml asks for a package uv.lock does
    not record: with no network, uv cannot resolve anew), and every pin met by the lock. A
    render for a Python this machine lacks is left to the others (only requires-python
    differs)."""
    python = interpreter(answers.get("python_version", "3.11"))
    if python is None:
        return []
    result = run([tool("uv"), "lock", "--check", "--offline", "--python", python], cwd=project)
    problems = [f"uv lock --check:\n{output(result)}"] if result.returncode else []
    return problems + [f"uv lock --check: {problem}" for problem in unmet_pins(project)]


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
    """A dependency added to pyproject.toml without relocking, and a pin changed."""
    pyproject = project / "pyproject.toml"
    text = re.sub(r'"numpy==[^"]+"', '"numpy==1.26.4"', pyproject.read_text())
    pyproject.write_text(
        text.replace("dependencies = [\n", 'dependencies = [\n  "tomli-w==1.2.0",\n', 1)
    )


def tag_pinned_action(project: Path) -> None:
    workflow = project / ".github" / "workflows" / "ci.yml"
    text = workflow.read_text()
    workflow.write_text(re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v4", text))


DEFECTS: Defects = {
    check_lock: (add_dependency, "pyproject.toml asks for numpy==1.26.4"),
    check_actions_pinned: (tag_pinned_action, "actions/checkout@v4 is not pinned"),
}


@pytest.mark.parametrize("check", DEFECTS, ids=lambda c: c.__name__)
def test_check_catches_planted_defect(check, rendered, tmp_path):
    assert_catches(check, DEFECTS, rendered, tmp_path)
