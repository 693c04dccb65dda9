"""The model server of a generated project's llm tests (answers with llm=ollama).

With Docker, the Ollama stand-in image of the Docker tier (tests/docker/llm_standin, built once
per machine) runs for the test run and TEST_LLM_URL points at it: no project compiles llama.cpp.
Without Docker, TEST_LLM_URL stays unset and the generated tests start llama.cpp's server
natively (compiled once into uv's cache).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docker" / "llm_standin"))

import standin


def docker_works() -> bool:
    return (
        bool(shutil.which("docker"))
        and not subprocess.run(
            ["docker", "info"], check=False, capture_output=True, timeout=60
        ).returncode
    )


@contextlib.contextmanager
def llm_test_env(answers: dict[str, Any]) -> Iterator[dict[str, str]]:
    if answers.get("llm") != "ollama" or not docker_works():
        yield {}
        return
    standin.ensure_image()
    with standin.running() as url:
        yield {"TEST_LLM_URL": url}
