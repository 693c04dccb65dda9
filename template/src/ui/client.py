"""The UI's only way to the documents: the HTTP API at API_URL."""

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx


class ApiUnavailable(Exception):
    """The API cannot be reached (not started, wrong API_URL, network down)."""


class ApiError(Exception):
    """The API refused the request; the message is its explanation."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


def explain(response: httpx.Response) -> str:
    """The API's `detail`, readable: validation errors become one line each."""
    try:
        detail = response.json().get("detail", response.text)
    except ValueError:
        return response.text or response.reason_phrase
    if isinstance(detail, list):
        return "\n".join(
            f"{'.'.join(str(part) for part in item.get('loc', [])[1:])}: {item.get('msg')}"
            for item in detail
        )
    return str(detail)


class ApiClient:
    def __init__(self, base_url: str, timeout: float = 60.0, api_key: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise ApiUnavailable(
                f"The API at {self.base_url} cannot be reached ({type(error).__name__}: {error})."
            ) from error
        if response.status_code >= 400:
            raise ApiError(response.status_code, explain(response))
        return response

    def health(self) -> None:
        self._call("GET", "/healthz")

    def upload(self, filename: str, content: bytes) -> dict[str, Any]:
        return self._call("POST", "/documents", files={"file": (filename, content)}).json()

    def documents(self, offset: int = 0, limit: int = 100) -> dict[str, Any]:
        return self._call("GET", "/documents", params={"offset": offset, "limit": limit}).json()

    def delete(self, document_id: str) -> None:
        self._call("DELETE", f"/documents/{document_id}")

    def search(self, query: str, top_k: int = 5) -> list[dict[str, Any]]:
        return self._call("POST", "/search", json={"query": query, "top_k": top_k}).json()["hits"]

    def ask(self, question: str, top_k: int = 5) -> dict[str, Any]:
        return self._call("POST", "/ask", json={"question": question, "top_k": top_k}).json()

    def ask_streamed(self, question: str, top_k: int = 5) -> Iterator[tuple[str, Any]]:
        """The answer as server-sent events, (event, data) pairs as they come: `sources`,
        `token` ... then `done` (the whole answer) or `error`."""
        body = {"question": question, "top_k": top_k}
        headers = {"Accept": "text/event-stream"}
        try:
            with self.http.stream("POST", "/ask", json=body, headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    raise ApiError(response.status_code, explain(response))
                name = "message"
                for line in response.iter_lines():
                    if line.startswith("event:"):
                        name = line.removeprefix("event:").strip()
                    elif line.startswith("data:"):
                        yield name, json.loads(line.removeprefix("data:"))
        except httpx.TransportError as error:
            raise ApiUnavailable(
                f"The API at {self.base_url} cannot be reached ({type(error).__name__}: {error})."
            ) from error


def api_address() -> tuple[str, float, str]:
    """API_URL (default http://127.0.0.1:8000), API_TIMEOUT_SECONDS (default 60) and the UI's
    key: API_KEY, or the file API_KEY_FILE names (a Compose secret)."""
    return (
        os.environ.get("API_URL", "http://127.0.0.1:8000"),
        float(os.environ.get("API_TIMEOUT_SECONDS", "60")),
        api_key(),
    )


def api_key() -> str:
    if path := os.environ.get("API_KEY_FILE"):
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get("API_KEY", "")
