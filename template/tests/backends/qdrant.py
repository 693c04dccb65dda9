"""Qdrant runs in the client's local mode (QDRANT_PATH) in the test's temporary folder."""

import uuid
from pathlib import Path

import pytest


@pytest.fixture
def qdrant_env(tmp_path: Path) -> dict[str, str]:
    return {"QDRANT_PATH": str(tmp_path / "qdrant"), "COLLECTION": f"test_{uuid.uuid4().hex[:12]}"}
