"""Runs the evaluation job when Airflow asks (the evaluate_retrieval DAG): Airflow's image lacks
the job's dependencies, so the evaluation-runner service, built from the job's image, runs it.

    python -m evaluation.server [ARGUMENTS]    POST /runs, GET /healthz, on port 8000

POST /runs runs `python -m evaluation ARGUMENTS` once, as make evaluate does, and answers
{"returncode": ..., "seconds": ..., "summary": <the JSON the job printed>, "log": ...}.
One run at a time: a request waits for the run before it. Only the backend network reaches it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

PORT = 8000
TIMEOUT = 3600
_one_at_a_time = threading.Lock()


def run_evaluation(arguments: list[str]) -> dict:
    command = [sys.executable, "-m", "evaluation", *arguments]
    with _one_at_a_time:
        started = time.monotonic()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
            returncode, stdout, log = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as expired:
            returncode, stdout, log = -1, "", f"{expired.stderr or ''}\ntimed out after {TIMEOUT} s"
    return {
        "returncode": returncode,
        "seconds": round(time.monotonic() - started, 1),
        "summary": printed_json(stdout) if returncode == 0 else None,
        "log": log[-4000:],
    }


def printed_json(stdout: str) -> dict | None:
    """The JSON the job printed: from its first line that opens an object to the end (a client
    library may print lines of its own before)."""
    lines = stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("{")), len(lines))
    try:
        return json.loads("\n".join(lines[start:]))
    except json.JSONDecodeError:
        return None


class Handler(BaseHTTPRequestHandler):
    arguments: ClassVar[list[str]] = []  # of every run (make_server)

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        else:
            self._reply(404, {"detail": "not found"})

    def do_POST(self) -> None:
        if self.path == "/runs":
            self._reply(200, run_evaluation(self.arguments))
        else:
            self._reply(404, {"detail": "POST /runs"})

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_server(arguments: list[str], address: tuple[str, int]) -> ThreadingHTTPServer:
    handler = type("RunnerHandler", (Handler,), {"arguments": arguments})
    return ThreadingHTTPServer(address, handler)


if __name__ == "__main__":
    make_server(sys.argv[1:], ("0.0.0.0", PORT)).serve_forever()
