"""Generated-project tier: each answer set rendered and installed once per session."""

from __future__ import annotations

from typing import Any

import pytest
from generated import Installed, install, label


@pytest.fixture(scope="session")
def installed(rendered, tmp_path_factory: pytest.TempPathFactory):
    """installed(answers) -> Installed (read-only: tests must leave the project as they found it)."""
    cache: dict[str, Installed] = {}

    def get(answers: dict[str, Any]) -> Installed:
        key = label(answers)
        if key not in cache:
            project = rendered({"ci": "none", **answers})
            cache[key] = install(project, tmp_path_factory.mktemp("venv") / ".venv", answers)
        return cache[key]

    return get
