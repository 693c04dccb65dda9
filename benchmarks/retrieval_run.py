"""Run inside a generated project's environment by benchmarks/retrieval.py (PYTHONPATH=src):
start the store's server (store_servers.py) on an empty folder, ingest a corpus with one
embedder, ask its questions in each search mode, print one JSON object of metrics per mode
(null where the project has no SEARCH_MODE and the mode is not `vector`).
Argv: store, corpus folder, questions file, embedder, mode...."""

import json
import os
import sys
import tempfile
from pathlib import Path

from core.service import RagService
from core.settings import Settings
from evaluation.questions import Question, load_questions
from evaluation.run import evaluate
from store_servers import SERVERS

TYPES = {".md", ".txt", ".html", ".pdf"}


def questions(path: Path) -> list[Question]:
    if path.suffix == ".jsonl":
        return load_questions(path)
    items = json.loads(path.read_text())  # the template's test corpus: one document each
    return [Question(question=i["question"], relevant=[i["document"]]) for i in items]


def measure(corpus: str, asked: list[Question], modes: tuple[str, ...]) -> None:
    """Ingest the corpus into the running store, print each mode's metrics."""
    service = RagService(Settings())
    for path in sorted(Path(corpus).iterdir()):
        if path.suffix in TYPES:
            service.ingest(path.name, path.read_bytes())
    for mode in modes:
        if "search_mode" in Settings.model_fields:
            os.environ["SEARCH_MODE"] = mode
            service.settings = Settings()
        elif mode != "vector":  # a project with vector search only
            print(json.dumps({"mode": mode, "metrics": None}))
            continue
        metrics = evaluate(service, asked, top_k=5).metrics
        print(json.dumps({"mode": mode, "metrics": metrics}), flush=True)
    service.close()


def main(store: str, corpus: str, question_file: str, embedder: str, *modes: str) -> None:
    os.environ["EMBEDDER"] = embedder
    asked = questions(Path(question_file))
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # no .env, for the server's set-up too
        with SERVERS[store](Path(tmp)):
            measure(corpus, asked, modes)


if __name__ == "__main__":
    main(*sys.argv[1:])
