"""A real Redis server for the tests: TEST_REDIS_URL if set, else `redis-server` on a free port.

Without either, the tests that need Redis fail (they are not skipped): install it with
`sudo apt-get install redis-server` (Debian, Ubuntu) or `brew install redis`.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.servers import free_port, serving


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """The URL of a Redis server that runs until the block ends."""
    if url := os.environ.get("TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server is not installed: `sudo apt-get install redis-server`, "
            "or set TEST_REDIS_URL to a Redis server the tests may use"
        )
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
    command += ["--save", "", "--appendonly", "no"]
    url = f"redis://127.0.0.1:{port}/0"
    ready = redis.Redis.from_url(url).ping
    log = folder / "redis.log"
    with serving("redis-server", command, ready, log, seconds=20, errors=(redis.ConnectionError,)):
        yield url
