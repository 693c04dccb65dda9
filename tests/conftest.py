"""Fixtures of every tier: renders of the working tree (tests.support.rendering), and the CI
rule that a skip must say it is not applicable here."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.answers import key
from tests.support.rendering import Renders, render, snapshot

# A skip whose reason starts with this is allowed in CI (e.g. images that cannot exist here).
NOT_APPLICABLE = "not applicable here:"


@pytest.fixture
def render_project(tmp_path: Path):
    """render_project(**answers) -> a new render of the working tree (git, vcs_ref HEAD)."""

    def _render(**answers: Any) -> Path:
        return render(tmp_path / "project", answers)

    return _render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Renders:
    """rendered(answers) -> project path, rendered once per session for each answer set (from a
    snapshot of the working tree, see tests.support.rendering). Read-only: copy to change."""
    template = snapshot(tmp_path_factory.mktemp("template") / "stackyard")
    return Renders(template, lambda: tmp_path_factory.mktemp("render"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist `--dist loadgroup`, run the tests of one answer set on one worker."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if isinstance(params.get("answers"), dict):
            item.add_marker(pytest.mark.xdist_group(key(params["answers"])))


def _fail_skip_in_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    """In CI (CI=true) a skip fails, unless its reason starts with NOT_APPLICABLE."""
    if os.environ.get("CI", "").lower() != "true" or not report.skipped:
        return
    if hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    if not reason.startswith(NOT_APPLICABLE):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), which must not happen: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    _fail_skip_in_ci((yield).get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    _fail_skip_in_ci((yield).get_result())
