"""The job queue: a real Redis server for the session, a queue of its own for each test."""

import uuid
from collections.abc import Iterator

import pytest

from tests.worker.redis_server import redis_server


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def jobs_env(redis_url: str) -> dict[str, str]:
    """The queue's Redis keys have their own prefix."""
    return {"REDIS_URL": redis_url, "QUEUE_NAMESPACE": f"test-{uuid.uuid4().hex[:12]}"}
