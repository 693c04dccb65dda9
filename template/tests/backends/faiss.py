"""FAISS keeps its SQLite file in the test's temporary folder."""

from pathlib import Path

import pytest

from core.stores.faiss import DATABASE_FILE

# What a FAISS folder holds: its database (with SQLite's WAL files) and the snapshot lock.
STORE_FILES = {DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm", "snapshot.lock"}


def assert_no_leftovers(directory: Path) -> None:
    assert {path.name for path in directory.iterdir()} <= STORE_FILES


@pytest.fixture
def faiss_env(tmp_path: Path) -> dict[str, str]:
    return {"FAISS_DIR": str(tmp_path / "vectors")}
