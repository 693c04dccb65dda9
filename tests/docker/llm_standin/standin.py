"""The Ollama stand-in image (Dockerfile here) for the tests: built once per machine, run as a
container with its port published on 127.0.0.1."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

IMAGE = "offline/ollama-standin:test"
BUILD = Path(__file__).with_name("build.sh")


def ensure_image() -> None:
    """Builds the image unless it exists (idempotent; the first build takes minutes)."""
    subprocess.run(["bash", str(BUILD)], check=True, timeout=3600)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(ready_seconds: float = 120) -> Iterator[str]:
    """A stand-in container for the block; yields its OpenAI-compatible URL (.../v1)."""
    port = _free_port()
    container = subprocess.run(
        ["docker", "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:11434", IMAGE],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    try:
        deadline = time.monotonic() + ready_seconds
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the stand-in did not answer in {ready_seconds} s")
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        subprocess.run(["docker", "rm", "-f", container], check=False, capture_output=True)
