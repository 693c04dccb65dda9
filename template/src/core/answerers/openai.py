"""Any OpenAI-compatible chat endpoint answers from the retrieved chunks, citing them."""

import httpx

from core.answerers.base import NO_MATCH, Answerer
from core.errors import ProviderError
from core.models import Answer, Hit
from core.openai_client import make_client
from core.settings import EnvSettings


class OpenAIAnswererSettings(EnvSettings):
    chat_model: str = "gpt-4o-mini"


SYSTEM_PROMPT = (
    "Answer the question using only the numbered sources. Cite the sources you use as [n]. "
    "If the sources do not contain the answer, say that you do not know."
)


def build_messages(question: str, hits: list[Hit]) -> list[dict[str, str]]:
    sources = "\n\n".join(
        f"[{number}] ({hit.source}) {hit.text}" for number, hit in enumerate(hits, start=1)
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Sources:\n{sources}\n\nQuestion: {question}"},
    ]


class OpenAIAnswerer(Answerer):
    def __init__(self, client: httpx.Client, model: str) -> None:
        self._client = client
        self._model = model

    def answer(self, question: str, hits: list[Hit]) -> Answer:
        if not hits:
            return Answer(answer=NO_MATCH, citations=[])
        body = {"model": self._model, "messages": build_messages(question, hits)}
        try:
            response = self._client.post("chat/completions", json=body)
            response.raise_for_status()
            text = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as error:
            raise ProviderError(f"chat endpoint failed: {error}") from error
        return Answer(answer=str(text).strip(), citations=hits)


def create() -> OpenAIAnswerer:
    return OpenAIAnswerer(make_client(), OpenAIAnswererSettings.read().chat_model)
