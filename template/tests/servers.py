"""Real servers for the tests: a free port of 127.0.0.1, a process that runs until it answers."""

import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(url: str) -> Callable[[], object]:
    """A readiness probe: GET url gives a success status."""
    return lambda: httpx.get(url, timeout=2).raise_for_status()


@contextmanager
def serving(
    what: str,
    command: list[str],
    ready: Callable[[], object],
    log: Path,
    *,
    seconds: float,
    errors: tuple[type[Exception], ...] = (httpx.HTTPError,),
    env: Mapping[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Runs `command`, the server called `what` in messages (its output in `log`), until
    `ready()` stops raising one of `errors`, for at most `seconds`; stops it when the block ends."""
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited with {process.returncode}, see {log}")
            try:
                ready()
                break
            except errors:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{what} did not answer in {seconds:.0f} s, see {log}"
                    ) from None
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
