"""The application's API as the DAGs call it (API_BASE_URL, API_KEY or API_KEY_FILE when set)."""

from __future__ import annotations

import os

import httpx

from pipelines import secret_files


def client() -> httpx.Client:
    key = secret_files.read("API_KEY")
    return httpx.Client(
        base_url=os.environ.get("API_BASE_URL", "http://api:8000"),
        headers={"Authorization": f"Bearer {key}"} if key else {},
        timeout=300,
    )


def upload(filename: str, content: bytes) -> dict:
    """Ingest one document (replacing one of the same name); raises on an HTTP error, with
    the API's reason."""
    with client() as api:
        response = api.post("/documents", files={"file": (filename, content)})
    if response.is_error:
        raise RuntimeError(f"{filename}: HTTP {response.status_code} {response.text[:500]}")
    return response.json()
