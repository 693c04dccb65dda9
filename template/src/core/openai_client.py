"""The OpenAI-compatible endpoint shared by the embedder and the answerer (OPENAI_*)."""

from typing import Annotated

import httpx
from pydantic import Field, HttpUrl, SecretStr

from core.settings import EnvSettings


class OpenAISettings(EnvSettings):
    openai_base_url: HttpUrl = HttpUrl("https://api.openai.com/v1")
    openai_api_key: SecretStr | None = None
    openai_timeout_seconds: Annotated[float, Field(gt=0)] = 60.0


def make_client() -> httpx.Client:
    settings = OpenAISettings.read()
    headers = {}
    if settings.openai_api_key is not None:
        headers["Authorization"] = f"Bearer {settings.openai_api_key.get_secret_value()}"
    return httpx.Client(
        base_url=str(settings.openai_base_url).rstrip("/") + "/",
        headers=headers,
        timeout=settings.openai_timeout_seconds,
    )
