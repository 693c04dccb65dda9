"""Shared fixtures: each test gets fresh, real backends, from the modules of tests/backends/."""

from collections.abc import Callable
from pathlib import Path

import pytest

from api.security import hash_key
from core.service import RagService
from core.settings import Settings
from tests.backends import EMBEDDING_DIM, NAMES

pytest_plugins = [f"tests.backends.{name}" for name in NAMES]


@pytest.fixture(autouse=True)
def _away_from_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run in their own folder: the project's .env is not read, the environment is."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """The key test clients send: the API under test accepts it, and no other."""
    key = "test-api-key"
    monkeypatch.setenv("API_KEY_HASHES", hash_key(key))
    return key


@pytest.fixture
def settings_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment variables of fresh, isolated backends for one test."""
    env = {"CHUNK_SIZE": "400", "CHUNK_OVERLAP": "60", "EMBEDDING_DIM": str(EMBEDDING_DIM)}
    env["ANSWERER"] = "extractive"  # needs no model server; tests of the others choose them
    env["EMBEDDER"] = "hashing"  # the fastest; tests/core/test_embedders.py runs the others
    for name in NAMES:
        env |= request.getfixturevalue(f"{name}_env")
    return env


@pytest.fixture
def settings(settings_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings read from the environment, as the API and the worker read them (the backends
    and the job queue read theirs from the environment when they start)."""
    for name, value in settings_env.items():
        monkeypatch.setenv(name, value)
    return Settings()


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """make_settings(**values): settings for unit tests, from the values and the defaults."""
    return Settings


@pytest.fixture
def service(settings: Settings) -> RagService:
    return RagService(settings)
