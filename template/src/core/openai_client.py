"""The HTTP client shared by the OpenAI-compatible embedder and answerer."""

import httpx

from core.settings import Settings


def make_client(settings: Settings) -> httpx.Client:
    headers = {}
    if settings.openai_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
    return httpx.Client(
        base_url=str(settings.openai_base_url).rstrip("/") + "/",
        headers=headers,
        timeout=settings.openai_timeout_seconds,
    )
