"""Run inside a generated project's environment by benchmarks/retrieval.py (PYTHONPATH=src,
the store's variables set): ingest a corpus, ask its questions with one embedder and search
mode, print the metrics as JSON. Argv: corpus folder, questions file, embedder, mode."""

import json
import os
import sys
import tempfile
from pathlib import Path

from core.service import RagService
from core.settings import Settings
from evaluation.questions import Question, load_questions
from evaluation.run import evaluate

TYPES = {".md", ".txt", ".html", ".pdf"}
NO_MODES = 3  # exit status: this project has no SEARCH_MODE (vector search only)


def questions(path: Path) -> list[Question]:
    if path.suffix == ".jsonl":
        return load_questions(path)
    items = json.loads(path.read_text())  # the template's test corpus: one document each
    return [Question(question=i["question"], relevant=[i["document"]]) for i in items]


def main(corpus: str, question_file: str, embedder: str, mode: str) -> None:
    os.environ["EMBEDDER"] = embedder
    if "search_mode" in Settings.model_fields:
        os.environ["SEARCH_MODE"] = mode
    elif mode != "vector":
        sys.exit(NO_MODES)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("FAISS_DIR", f"{tmp}/vectors")
        os.environ.setdefault("QDRANT_PATH", f"{tmp}/qdrant")
        os.chdir(tmp)  # no .env
        service = RagService(Settings())
        for path in sorted(Path(corpus).iterdir()):
            if path.suffix in TYPES:
                service.ingest(path.name, path.read_bytes())
        report = evaluate(service, questions(Path(question_file)), top_k=5)
    print(json.dumps({"store": service.store.name, **report.metrics}))


if __name__ == "__main__":
    main(*sys.argv[1:])
