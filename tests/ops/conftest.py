"""Ops tier: monitoring, Makefile and CI files of rendered projects, checked with real tools
(promtool, make, docker compose config, actionlint)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # opskit

from opskit import answers_label, render


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory):
    """rendered(**answers) -> project path, rendered once per answer set and session."""
    cache: dict[str, Path] = {}

    def get(**answers: Any) -> Path:
        key = answers_label(answers)
        if key not in cache:
            cache[key] = render(tmp_path_factory.mktemp("ops") / "project", **answers)
        return cache[key]

    return get


@pytest.fixture(scope="session")
def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.fail("promtool not found: install it (Debian: apt-get install prometheus)")
    return found
