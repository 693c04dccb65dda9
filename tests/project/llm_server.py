"""The model server of a generated project's llm tests (answers with llm=ollama).

With Docker, the Ollama stand-in image of the Docker tier (tests/docker/llm_standin, built once
per machine) runs for the test run and TEST_LLM_URL points at it: no project compiles llama.cpp.
Without Docker, TEST_LLM_URL stays unset and the generated tests start llama.cpp's server
natively (compiled once into uv's cache).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from tests.docker.llm_standin import standin
from tests.support.stacks import docker_problem


@contextlib.contextmanager
def llm_test_env(answers: dict[str, Any]) -> Iterator[dict[str, str]]:
    if answers.get("llm") != "ollama" or docker_problem():
        yield {}
        return
    standin.ensure_image()
    with standin.running() as url:
        yield {"TEST_LLM_URL": url}
