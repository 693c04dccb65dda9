"""Ops tier: monitoring, Makefile and CI files of rendered projects, checked with real tools
(promtool, make, docker compose config, actionlint)."""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="session")
def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.fail("promtool not found: install it (Debian: apt-get install prometheus)")
    return found
