"""Fixtures of the core tests: a small real PDF and a local OpenAI-compatible HTTP server."""

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing the lines in Helvetica, written by hand (no PDF library)."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    text = " ".join(f"({line}) Tj 0 -16 Td" for line in escaped)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@pytest.fixture
def pdf() -> Callable[[list[str]], bytes]:
    return make_pdf


@dataclass
class OpenAIServer:
    """A local server speaking the OpenAI embeddings and chat API, recording the requests."""

    url: str
    dim: int = 8
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None


@pytest.fixture
def openai_server() -> Iterator[OpenAIServer]:
    state = OpenAIServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "body": body, "headers": dict(self.headers)})
            if state.fail_with is not None:
                self._reply(state.fail_with, {"error": {"message": "failing on purpose"}})
            elif self.path == "/v1/embeddings":
                # Vector i of a text: its length and character codes, to be checkable.
                data = [
                    {
                        "index": i,
                        "embedding": [len(text), *[ord(c) for c in text.ljust(8)][1 : state.dim]],
                    }
                    for i, text in enumerate(body["input"])
                ]
                self._reply(200, {"data": list(reversed(data))})  # order is by "index"
            elif self.path == "/v1/chat/completions":
                reply = {"role": "assistant", "content": " The answer is in [1]. "}
                self._reply(200, {"choices": [{"message": reply}]})
            else:
                self._reply(404, {"error": {"message": "no such path"}})

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
