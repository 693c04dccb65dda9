"""A generated project installs, passes its own test suite, and retrieves the right document
of a real corpus first, for every vector store."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.project.generated import COMBINATIONS
from tests.project.llm_server import llm_test_env
from tests.support.answers import label

pytestmark = pytest.mark.slow

# Skips allowed in CI (the same prefix as the template's own tests/conftest.py).
NOT_APPLICABLE = "not applicable here:"
HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "corpus"


@pytest.mark.parametrize("answers", COMBINATIONS, ids=label)
def test_generated_test_suite_passes(installed, answers: dict[str, Any]) -> None:
    project = installed(answers)
    with llm_test_env(answers) as env:
        result = project.run("python", "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert re.search(r"\d+ passed", output), output[-2000:]
    # Only skips that cannot be helped on this machine, stated as such.
    for reason in re.findall(r"^SKIPPED \[\d+\] [^:]+:\d+: (.*)$", output, re.MULTILINE):
        assert reason.startswith(NOT_APPLICABLE), reason


FIRST_OF_EACH_STORE = {answers["vector_store"]: answers for answers in reversed(COMBINATIONS)}


@pytest.mark.parametrize(
    "answers", sorted(FIRST_OF_EACH_STORE.values(), key=str), ids=lambda a: a["vector_store"]
)
def test_corpus_question_retrieves_its_document_first(
    installed, answers: dict[str, Any], tmp_path: Path
) -> None:
    project = installed(answers)
    probe = project.path / "tests" / "test_corpus_probe.py"
    shutil.copy(HERE / "corpus_probe.py", probe)
    result_file = tmp_path / "result.json"
    try:
        result = project.run(
            "python",
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(probe),
            CORPUS_DIR=str(CORPUS),
            PROBE_RESULT=str(result_file),
        )
    finally:
        probe.unlink()
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    results = json.loads(result_file.read_text())
    assert results["files"] >= 25
    assert results["documents"] == results["files"]  # listed once each
    misses = [item for item in results["answers"] if item["hits"][:1] != [item["expected"]]]
    assert not misses, json.dumps(misses, indent=2)
