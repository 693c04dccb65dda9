"""Runs the corpus job on the cluster: over HTTP for Airflow, or once from the command line.

    python3 submit.py serve           POST /runs/<run>/<step> (step: chunk or load), GET /healthz
    python3 submit.py once [RUN]      chunk, then load (make spark-submit)

A run's chunks go to CHUNKS_DIR/<run>. One step runs at a time; a request waits for it and
gets {"returncode": ..., "summary": ..., "log": ...}. Only the backend network reaches it.
Standard library only (the Spark image's Python).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

JOB = Path(__file__).resolve().with_name("corpus_chunks.py")
RUN_NAME = re.compile(r"^[A-Za-z0-9_.:+-]{1,100}$")
STEPS = ("chunk", "load")
PORT = 8998
_one_at_a_time = threading.Lock()


def command(step: str, run: str) -> list[str]:
    chunks = str(Path(os.environ.get("CHUNKS_DIR", "/opt/spark/work-dir/chunks")) / run)
    submit = [
        f"{os.environ.get('SPARK_HOME', '/opt/spark')}/bin/spark-submit",
        "--master", os.environ.get("SPARK_MASTER_URL", "spark://spark-master:7077"),
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.cores.max=1",
        str(JOB),
    ]  # fmt: skip
    if step == "chunk":
        corpus = os.environ.get("CORPUS_DIR", "/data/corpus")
        return [*submit, "chunk", "--corpus", corpus, "--output", chunks]
    return [*submit, "load", "--chunks", chunks]


def run_step(step: str, run: str) -> dict:
    with _one_at_a_time:
        started = time.monotonic()
        done = subprocess.run(command(step, run), capture_output=True, text=True, check=False)
    # Spark logs thousands of INFO lines: its warnings and errors tell why a step failed.
    problems = [line for line in done.stderr.splitlines() if " INFO " not in line]
    summary = next(
        (line for line in reversed(done.stdout.splitlines()) if line.startswith("{")), "null"
    )
    return {
        "step": step,
        "run": run,
        "returncode": done.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "summary": json.loads(summary),
        "log": "\n".join(problems)[-4000:],
    }


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        else:
            self._reply(404, {"detail": "not found"})

    def do_POST(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "runs" or parts[2] not in STEPS:
            self._reply(404, {"detail": "POST /runs/<run>/chunk or /runs/<run>/load"})
        elif not RUN_NAME.match(parts[1]):
            self._reply(400, {"detail": f"invalid run name {parts[1]!r}"})
        else:
            self._reply(200, run_step(parts[2], parts[1]))

    def _reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        ThreadingHTTPServer(("0.0.0.0", PORT), Handler).serve_forever()
    if argv[:1] != ["once"]:
        print(__doc__, file=sys.stderr)
        return 2
    run = argv[1] if len(argv) > 1 else time.strftime("manual-%Y%m%dT%H%M%S")
    for step in STEPS:
        result = run_step(step, run)
        print(json.dumps({k: v for k, v in result.items() if k != "log"}))
        if result["returncode"]:
            print(result["log"], file=sys.stderr)
            return result["returncode"]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
