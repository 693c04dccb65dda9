"""Wall time of the documentation build and of its generated parts.

`mkdocs build --strict` of docs/mkdocs.yml (a separate process per run), and, in this process,
the two generators it runs: the questions and images tables (copier.yml's registry) and the services reference (three real Copier renders).
Usage (from the repository root): .venv/bin/python -m benchmarks.docs [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from docs.hooks import questions, services
from tests.support import REPO


def timed(action: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def build() -> None:
    with tempfile.TemporaryDirectory() as site:
        cmd = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-q",
            "-f",
            str(REPO / "docs/mkdocs.yml"),
            "-d",
            site,
        ]
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    rows = [
        ("mkdocs build --strict (whole site)", timed(build, runs)),
        (
            "questions + images tables",
            timed(lambda: (questions.questions_markdown(), questions.images_markdown()), runs),
        ),
        ("services reference (3 renders)", timed(services.services_markdown, runs)),
    ]
    print(f"| what ({runs} runs) | median s | min s | max s |")
    print("|---|---|---|---|")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


if __name__ == "__main__":
    main()
