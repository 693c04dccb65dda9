"""Copied into a generated project's tests/ by test_generated_projects.py, run with its own
fixtures (real backends): ingest the corpus, record the first hit of each question."""

import json
import os
from pathlib import Path

from core.service import RagService

CORPUS = Path(os.environ["CORPUS_DIR"])
TYPES = {".md", ".txt", ".html", ".pdf"}


def test_corpus_probe(service: RagService) -> None:
    files = sorted(path for path in CORPUS.iterdir() if path.suffix in TYPES)
    for path in files:
        service.ingest(path.name, path.read_bytes())
    questions = json.loads((CORPUS / "questions.json").read_text())
    results = {
        "documents": service.list_documents(0, 100)[1],
        "files": len(files),
        "answers": [
            {
                "question": item["question"],
                "expected": item["document"],
                "hits": [hit.source for hit in service.search(item["question"], top_k=3)],
            }
            for item in questions
        ],
    }
    Path(os.environ["PROBE_RESULT"]).write_text(json.dumps(results))
