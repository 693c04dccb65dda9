"""FAISS keeps its index and metadata files in the test's temporary folder."""

from pathlib import Path

import pytest


@pytest.fixture
def faiss_env(tmp_path: Path) -> dict[str, str]:
    return {"FAISS_DIR": str(tmp_path / "vectors")}
