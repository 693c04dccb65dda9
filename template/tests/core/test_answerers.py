from collections.abc import Callable

import pytest

from core.answerers import make_answerer
from core.answerers.base import NO_MATCH
from core.answerers.extractive import ExtractiveAnswerer
from core.answerers.openai import OpenAIAnswerer
from core.errors import ProviderError
from core.models import Hit
from core.settings import Settings
from tests.core.conftest import OpenAIServer

MakeSettings = Callable[..., Settings]

HITS = [
    Hit(
        document_id="tides",
        source="tides.md",
        chunk_index=0,
        text="Tides follow the moon. The highest tides are spring tides.",
        score=0.8,
    ),
    Hit(
        document_id="bread",
        source="bread.txt",
        chunk_index=3,
        text="Sourdough needs a starter. Bake it at 230 degrees for forty minutes.",
        score=0.5,
    ),
]


def test_extractive_answer_quotes_the_matching_sentence_with_its_citation() -> None:
    answer = ExtractiveAnswerer().answer("How many degrees to bake sourdough bread?", HITS)
    assert answer.answer == (
        "Bake it at 230 degrees for forty minutes. [1] Sourdough needs a starter. [1]"
    )
    assert [citation.document_id for citation in answer.citations] == ["bread"]


def test_extractive_answer_numbers_citations_in_retrieval_order() -> None:
    answer = ExtractiveAnswerer().answer("moon tides bake", HITS)
    assert answer.answer == (
        "Tides follow the moon. [1] The highest tides are spring tides. [1]"
        " Bake it at 230 degrees for forty minutes. [2]"
    )
    assert [citation.document_id for citation in answer.citations] == ["tides", "bread"]


def test_extractive_answer_limits_the_number_of_sentences() -> None:
    answer = ExtractiveAnswerer(max_sentences=1).answer("tides moon sourdough bake", HITS)
    assert answer.answer.count("[") == 1
    assert len(answer.citations) == 1


def test_extractive_answer_without_a_match_says_so() -> None:
    assert ExtractiveAnswerer().answer("volcano eruption", HITS).answer == NO_MATCH
    answer = ExtractiveAnswerer().answer("anything", [])
    assert (answer.answer, answer.citations) == (NO_MATCH, [])


def test_default_answerer_is_extractive(make_settings: MakeSettings) -> None:
    assert isinstance(make_answerer(make_settings()), ExtractiveAnswerer)


@pytest.fixture
def openai_answerer(
    make_settings: MakeSettings, openai_server: OpenAIServer, monkeypatch: pytest.MonkeyPatch
) -> OpenAIAnswerer:
    """ANSWERER=openai, on the local server."""
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("CHAT_MODEL", "test-chat")
    answerer = make_answerer(make_settings(answerer="openai"))
    assert isinstance(answerer, OpenAIAnswerer)
    return answerer


def test_openai_answerer_sends_numbered_sources(
    openai_answerer: OpenAIAnswerer, openai_server: OpenAIServer
) -> None:
    answer = openai_answerer.answer("When are tides highest?", HITS)
    assert answer.answer == "The answer is in [1]."
    assert answer.citations == HITS
    body = openai_server.requests[0]["body"]
    assert body["model"] == "test-chat"
    prompt = body["messages"][-1]["content"]
    assert "[1] (tides.md) Tides follow the moon." in prompt
    assert "[2] (bread.txt) Sourdough" in prompt
    assert prompt.endswith("Question: When are tides highest?")
    assert "Authorization" not in openai_server.requests[0]["headers"]  # no key configured


def test_openai_answerer_does_not_call_without_sources(
    openai_answerer: OpenAIAnswerer, openai_server: OpenAIServer
) -> None:
    assert openai_answerer.answer("anything", []).answer == NO_MATCH
    assert openai_server.requests == []


def test_openai_answerer_reports_a_failing_endpoint(
    openai_answerer: OpenAIAnswerer, openai_server: OpenAIServer
) -> None:
    openai_server.fail_with = 500
    with pytest.raises(ProviderError, match="chat endpoint failed"):
        openai_answerer.answer("question", HITS)
