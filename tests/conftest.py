"""Shared helpers for every test tier: render the template with the real Copier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

TEMPLATE = Path(__file__).resolve().parent.parent


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


@pytest.fixture
def render_project(tmp_path: Path):
    """Fixture form of render(): render_project(**answers) -> project path."""

    def _render(**answers: Any) -> Path:
        return render(tmp_path / "project", **answers)

    return _render
