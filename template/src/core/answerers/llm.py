"""The stack's language model answers (ANSWERER=llm): an OpenAI-compatible chat endpoint at
LLM_URL (Ollama's /v1 in the stack) generates the answer from the retrieved chunks, which the
prompt numbers so that the answer cites them as [n]. Streamed as the model generates it."""

import json
import math
import time
from collections.abc import Iterator
from typing import Annotated

import httpx
from pydantic import Field, HttpUrl, SecretStr

from core.answerers.base import NO_MATCH, Answerer, StreamedAnswer
from core.errors import ProviderError, ProviderTimeout, ProviderUnavailable
from core.models import Answer, Hit
from core.settings import EnvSettings

SYSTEM_PROMPT = (
    "Answer the question using only the numbered sources. Cite the sources you use as [n]. "
    "If the sources do not contain the answer, say that you do not know."
)
# Token counts are estimated (the model's tokenizer is on the server): about 4 characters per
# token in English, fewer in most other languages; lower LLM_CONTEXT_TOKENS for those.
CHARS_PER_TOKEN = 4


class LLMSettings(EnvSettings):
    llm_url: HttpUrl = HttpUrl("http://127.0.0.1:11434/v1")
    llm_model: str = "qwen2.5:1.5b"
    llm_api_key: SecretStr | None = None  # for a hosted endpoint; Ollama needs none
    llm_timeout_seconds: Annotated[float, Field(gt=0)] = 120.0  # the whole answer
    llm_context_tokens: Annotated[int, Field(ge=64)] = 2048  # the sources in the prompt
    llm_answer_tokens: Annotated[int, Field(ge=16)] = 512


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def source_block(number: int, hit: Hit) -> str:
    return f"[{number}] ({hit.source}) {hit.text}"


def fit_sources(hits: list[Hit], budget: int) -> list[Hit]:
    """The best hits whose blocks fit in `budget` tokens together; the rest is not sent.
    A first hit larger than the whole budget is cut to fit."""
    sources: list[Hit] = []
    used = 0
    for number, hit in enumerate(hits, start=1):
        cost = estimate_tokens(source_block(number, hit) + "\n\n")
        if used + cost > budget:
            if not sources:
                header = len(source_block(number, hit)) - len(hit.text)
                room = max(budget * CHARS_PER_TOKEN - header - 2, 0)
                sources.append(hit.model_copy(update={"text": hit.text[:room]}))
            break
        sources.append(hit)
        used += cost
    return sources


def build_messages(question: str, sources: list[Hit]) -> list[dict[str, str]]:
    blocks = "\n\n".join(source_block(number, hit) for number, hit in enumerate(sources, 1))
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Sources:\n{blocks}\n\nQuestion: {question}"},
    ]


class LLMAnswerer(Answerer):
    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.url = str(settings.llm_url).rstrip("/")
        headers = {}
        if settings.llm_api_key is not None:
            headers["Authorization"] = f"Bearer {settings.llm_api_key.get_secret_value()}"
        # Connecting, and each wait for the next bytes, take at most the whole timeout; the
        # deadline checked between pieces bounds the rest.
        self._client = httpx.Client(
            base_url=self.url + "/", headers=headers, timeout=settings.llm_timeout_seconds
        )

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        streamed = self.stream(question, hits)
        return Answer(answer="".join(streamed.text).strip(), citations=streamed.citations)

    def stream(self, question: str, hits: list[Hit]) -> StreamedAnswer:
        """Sends the prompt and waits for the response to start (errors so far are raised
        here); the returned text iterator reads the pieces as the model generates them."""
        sources = fit_sources(hits, self.settings.llm_context_tokens)
        if not sources:
            return StreamedAnswer([], iter([NO_MATCH]))
        deadline = time.monotonic() + self.settings.llm_timeout_seconds
        body = {
            "model": self.settings.llm_model,
            "messages": build_messages(question, sources),
            "max_tokens": self.settings.llm_answer_tokens,
            "stream": True,
        }
        request = self._client.build_request("POST", "chat/completions", json=body)
        try:
            response = self._client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise self._failure(error) from error
        if response.is_error:
            detail = response.read().decode(errors="replace")[:300]
            response.close()
            raise ProviderError(
                f"the model server at {self.url} refused the request "
                f"({response.status_code}): {detail}"
            )
        return StreamedAnswer(sources, self._pieces(response, deadline))

    def _pieces(self, response: httpx.Response, deadline: float) -> Iterator[str]:
        try:
            for line in response.iter_lines():
                if time.monotonic() > deadline:
                    raise self._too_slow()
                if not line.startswith("data:"):
                    continue  # blank lines, comments (keep-alive pings)
                data = line.removeprefix("data:").strip()
                if data == "[DONE]":
                    return
                try:
                    piece = json.loads(data)["choices"][0]["delta"].get("content")
                except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
                    raise ProviderError(f"the model server at {self.url} sent {data!r}") from error
                if piece:
                    yield piece
            # A server failing midway (e.g. a prompt beyond its context window) just stops.
            raise ProviderError(f"the model server at {self.url} stopped before the end")
        except httpx.HTTPError as error:
            raise self._failure(error) from error
        finally:
            response.close()

    def _failure(self, error: httpx.HTTPError) -> ProviderError:
        if isinstance(error, httpx.TimeoutException):
            return self._too_slow()
        if isinstance(error, httpx.TransportError):
            return ProviderUnavailable(
                f"the model server at {self.url} cannot be reached ({type(error).__name__}: "
                f"{error}); is it running?"
            )
        return ProviderError(f"the model server at {self.url} failed: {error}")

    def _too_slow(self) -> ProviderTimeout:
        return ProviderTimeout(
            f"the model server at {self.url} did not answer within "
            f"{self.settings.llm_timeout_seconds:g} s (LLM_TIMEOUT_SECONDS)"
        )


def create() -> LLMAnswerer:
    return LLMAnswerer(LLMSettings.read())
