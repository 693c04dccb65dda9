"""Chroma runs as a real server (`chroma run`, the chromadb package in its own uv tool environment,
the same version as the client), one collection per test."""

import sys
import uuid
from collections.abc import Iterator

import pytest

from tests.servers import answers, free_port, serving

CHROMA_VERSION = "1.5.9"  # the chromadb-client version in pyproject.toml


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "uv", "tool", "run", "--from", f"chromadb=={CHROMA_VERSION}"]
    command += ["chroma", "run", "--path", str(tmp_path_factory.mktemp("chroma-data"))]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("chroma") / "server.log"
    # The first run installs chromadb in uv's cache.
    with serving("chroma run", command, answers(f"{url}/api/v2/heartbeat"), log, seconds=300):
        yield url


@pytest.fixture
def chroma_env(chroma_url: str) -> dict[str, str]:
    return {"CHROMA_URL": chroma_url, "COLLECTION": f"test_{uuid.uuid4().hex[:12]}"}
