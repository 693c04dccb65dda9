"""Ingestion and /search at scale (issue 11): the default stack (FAISS) at 10k and 100k chunks.

Renders the defaults (working tree) into a temporary folder, installs its API dependencies with
uv, then runs benchmarks/scale_probe.py there once per size, each on a fresh store: batch
ingestion (RagService.ingest_many) beside the embedder alone, the store's cold start, the
FAISS search alone, the store's searches (vector + keyword, what hybrid search runs), the
service's search in-process, and over HTTP (uvicorn, keep-alive) POST /search beside GET
/healthz (the HTTP floor). The embedder is the hashing one unless --embedder names another
(minilm, the default of generated projects, embeds about 40 chunks/s here).
With --measure M, each store is first filled to its size without the embedder (random unit
vectors of its dimension under its record: the store's cost does not depend on the vectors'
values), then the ingestion of M more chunks is timed: minilm at 100k chunks takes minutes,
not the 45 minutes an ingestion of them all takes.
Usage: .venv/bin/python -m benchmarks.scale [--sizes 10000 100000] [--embedder minilm]
       [--measure 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.answers import DEFAULTS
from tests.support.rendering import render

UV = Path(sys.executable).with_name("uv")
PROBE = Path(__file__).with_name("scale_probe.py")
INGEST_TARGET = 0.8  # ingestion at least 80% of the embedder-only rate at 100k chunks
SEARCH_TARGET = 2.0  # /search p50 at most twice (raw search + HTTP floor) at 100k chunks


def install(project: Path) -> Path:
    venv = project / ".venv"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, venv], check=True)
    subprocess.run(
        [UV, "pip", "install", "-q", "--python", venv / "bin" / "python", "-r", "pyproject.toml",
         "--extra", "api"],
        cwd=project, check=True,
    )  # fmt: skip
    return venv / "bin" / "python"


def api_key(project: Path) -> dict[str, str]:
    """The developer's key of the rendered .env, when the API has keys."""
    env = project / ".env"
    lines = env.read_text().splitlines() if env.exists() else []
    return {k: v for k, _, v in (line.partition("=") for line in lines) if k == "API_KEY" and v}


def probe(
    python: Path, project: Path, chunks: int, port: int, embedder: str, measure: int
) -> dict[str, float]:
    env = os.environ | api_key(project) | {
        "PYTHONPATH": "src", "EMBEDDER": embedder, "LOG_LEVEL": "WARNING",
        "FAISS_DIR": str(project / f"vectors-{chunks}"),
    }  # fmt: skip
    result = subprocess.run(
        [python, PROBE, str(chunks), str(port), str(measure)], cwd=project, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(results: list[dict]) -> None:
    print("| chunks | filled, then timed | embedder only chunks/s | ingest chunks/s "
          "| ratio (target >= 0.8) | open s | cold start s |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        ratio = r["ingest_rate"] / r["embed_rate"]
        print(f"| {r['chunks']} | {r['filled']} + {r['measured']} | {r['embed_rate']:.1f} "
              f"| {r['ingest_rate']:.1f} "
              f"| {ratio:.2f} {'ok' if ratio >= INGEST_TARGET else 'MISSED'} "
              f"| {r['open_s']:.3f} | {r['cold_start_s']:.2f} |")  # fmt: skip
    print()
    print("| chunks | FAISS alone | store vector+keyword | service.search | /healthz "
          "| /search | /search p50 / (store + floor) (target <= 2) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        p50 = {name: r[name][0] for name in ("faiss", "store", "service", "healthz", "search")}
        ratio = p50["search"] / (p50["store"] + p50["healthz"])
        cells = " | ".join(f"{r[name][0]:.2f} / {r[name][1]:.2f}" for name in p50)
        print(
            f"| {r['chunks']} | {cells} | {ratio:.2f} {'ok' if ratio <= SEARCH_TARGET else 'MISSED'} |"
        )
    print("\nLatencies in ms, p50 / p95.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--embedder", default="hashing")
    parser.add_argument("--measure", type=int, default=0, help="fill, then time M chunks")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scale-"))
    try:
        project = render(folder / "project", DEFAULTS)
        python = install(project)
        report([probe(python, project, size, args.port, args.embedder, args.measure)
                for size in args.sizes])  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
