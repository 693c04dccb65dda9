#!/usr/bin/env python3
"""`ollama` of the stand-in image, with the contract the generated compose file relies on.

serve   llama.cpp's OpenAI-compatible server (/v1/...) for the one GGUF model of the image, plus
        Ollama's /api/version, /api/tags and /api/pull, on OLLAMA_HOST (0.0.0.0:11434).
list    prints the pulled models (GET /api/tags), like the real CLI.
pull M  asks the server to pull M (POST /api/pull); the stand-in has its model already and
        records the name under /root/.ollama, the models volume, as pulled.
As the real CLI: the server is found through OLLAMA_HOST, and a failure prints
"Error: ..." and exits 1.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

VERSION = "0.0.0-standin"
MODELS = Path(os.environ.get("OLLAMA_MODELS", "/root/.ollama/models"))
PULLED = MODELS / "pulled.json"


def address() -> tuple[str, int]:
    value = os.environ.get("OLLAMA_HOST", "127.0.0.1:11434")
    value = value.split("://", 1)[-1].rstrip("/")
    host, _, port = value.partition(":")
    return host or "127.0.0.1", int(port or 11434)


def pulled() -> dict[str, dict]:
    return json.loads(PULLED.read_text()) if PULLED.exists() else {}


def serve() -> None:
    import uvicorn
    from fastapi import Body
    from fastapi.responses import PlainTextResponse
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    model_file = Path(os.environ["STANDIN_MODEL_FILE"])
    host, port = address()
    context = int(os.environ.get("OLLAMA_CONTEXT_LENGTH", "2048"))
    app = create_app(
        server_settings=ServerSettings(host=host, port=port),
        model_settings=[
            ModelSettings(model=str(model_file), chat_format="gemma", n_ctx=context, verbose=False)
        ],
    )

    @app.get("/", response_class=PlainTextResponse)
    def root() -> str:
        return "Ollama is running"

    @app.get("/api/version")
    def version() -> dict:
        return {"version": VERSION}

    @app.get("/api/tags")
    def tags() -> dict:
        return {"models": list(pulled().values())}

    @app.post("/api/pull")
    def pull(body: dict = Body(...)) -> dict:  # noqa: B008 - FastAPI's way
        name = body.get("model") or body.get("name")
        if not name:
            return {"error": "missing model name"}
        MODELS.mkdir(parents=True, exist_ok=True)
        models = pulled()
        models[name] = {
            "name": name,
            "model": name,
            "size": model_file.stat().st_size,
            "modified_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "details": {"format": "gguf", "family": "gemma3", "parameter_size": "268M"},
        }
        PULLED.write_text(json.dumps(models))
        return {"status": "success"}

    uvicorn.run(app, host=host, port=port, log_level="warning")


def call(method: str, path: str, body: dict | None = None) -> dict:
    host, port = address()
    if host == "0.0.0.0":
        host = "127.0.0.1"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://{host}:{port}{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as error:
        sys.exit(f"Error: {error.code} {error.read().decode(errors='replace')}")
    except (urllib.error.URLError, OSError) as error:
        sys.exit(f"Error: could not connect to ollama server at {host}:{port}: {error}")
    if "error" in answer:
        sys.exit(f"Error: {answer['error']}")
    return answer


def main(argv: list[str]) -> None:
    command, *args = argv or ["serve"]
    if command == "serve":
        serve()
    elif command in {"list", "ls"}:
        print(f"{'NAME':40} {'SIZE':>10}  MODIFIED")
        for model in call("GET", "/api/tags")["models"]:
            size = f"{model['size'] / 1e6:.0f} MB"
            print(f"{model['name']:40} {size:>10}  {model['modified_at']}")
    elif command == "pull" and len(args) == 1:
        print("pulling manifest")
        print(call("POST", "/api/pull", {"model": args[0], "stream": False})["status"])
    elif command in {"-v", "--version", "version"}:
        print(f"ollama version is {VERSION}")
    else:
        sys.exit(f"Error: the stand-in does not implement: ollama {' '.join(argv)}")


if __name__ == "__main__":
    main(sys.argv[1:])
