"""Shared helpers for every test tier: render the template with the real Copier."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

TEMPLATE = Path(__file__).resolve().parent.parent
# A skip whose reason starts with this is allowed in CI (e.g. images that cannot exist here).
NOT_APPLICABLE = "not applicable here:"


def render(dest: Path, **answers: Any) -> Path:
    """Render the working tree of the template (uncommitted changes included) into dest."""
    run_copy(
        str(TEMPLATE),
        dest,
        data=answers,
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
        unsafe=False,
    )
    return dest


def answers_key(answers: dict[str, Any]) -> str:
    return "-".join(f"{k}={v}" for k, v in answers.items())


@pytest.fixture
def render_project(tmp_path: Path):
    """Fixture form of render(): render_project(**answers) -> project path."""

    def _render(**answers: Any) -> Path:
        return render(tmp_path / "project", **answers)

    return _render


@pytest.fixture(scope="session")
def template_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree copied once, without git: renders from it skip Copier's git clone
    (about 1 s each). Its answers files carry no `_commit`."""
    snapshot = tmp_path_factory.mktemp("template") / "stackyard"
    local = {".git", ".venv", ".pytest_cache", ".ruff_cache", "site"}  # top level only

    def ignore(folder: str, names: list[str]) -> set[str]:
        return local & set(names) if Path(folder) == TEMPLATE else {"__pycache__"} & set(names)

    shutil.copytree(TEMPLATE, snapshot, ignore=ignore)
    return snapshot


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, template_snapshot: Path):
    """rendered(answers) -> project path, rendered once per session for each answer set.

    Treat the result as read-only (copy it to change it). A failed render is re-raised in
    every test that asks for it.
    """
    cache: dict[str, Path | Exception] = {}

    def get(answers: dict[str, Any]) -> Path:
        key = answers_key(answers)
        if key not in cache:
            dest = tmp_path_factory.mktemp("render") / "project"
            try:
                run_copy(
                    str(template_snapshot),
                    dest,
                    data=answers,
                    defaults=True,
                    quiet=True,
                    unsafe=False,
                )
                cache[key] = dest
            except Exception as error:  # noqa: BLE001 - reported by every test using it
                cache[key] = error
        result = cache[key]
        if isinstance(result, Exception):
            raise result
        return result

    return get


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist `--dist loadgroup`, run the tests of one answer set on one worker."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if isinstance(params.get("answers"), dict):
            item.add_marker(pytest.mark.xdist_group(answers_key(params["answers"])))


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
