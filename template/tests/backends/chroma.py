"""Chroma runs as a real server (`chroma run`, the chromadb package in its own uv tool environment,
the same version as the client), one collection per test."""

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

CHROMA_VERSION = "1.5.9"  # the chromadb-client version in pyproject.toml


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("chroma") / "server.log").open("w")
    command = [sys.executable, "-m", "uv", "tool", "run", "--from", f"chromadb=={CHROMA_VERSION}"]
    command += ["chroma", "run", "--path", str(tmp_path_factory.mktemp("chroma-data"))]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300  # the first run installs chromadb in uv's cache
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma run exited with {server.returncode}, see {log.name}")
            try:
                httpx.get(f"{url}/api/v2/heartbeat", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Chroma did not answer within 300 s, see {log.name}")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def chroma_env(chroma_url: str) -> dict[str, str]:
    return {"CHROMA_URL": chroma_url, "COLLECTION": f"test_{uuid.uuid4().hex[:12]}"}
