"""ANSWERER=llm against a real OpenAI-compatible model server (see conftest.py): generated
answers citing the retrieved chunks, streaming, and the failures a model server brings."""

import time

import pytest
from fastapi.testclient import TestClient

from core.answerers.llm import LLMAnswerer, LLMSettings, build_messages, fit_sources
from core.errors import ProviderTimeout
from core.models import Hit
from core.service import RagService
from core.settings import Settings
from tests.llm.conftest import DOCUMENTS, read_events
from tests.servers import free_port

pytestmark = pytest.mark.integration


def hit(number: int, text: str) -> Hit:
    return Hit(document_id=f"d{number}", source=f"{number}.md", chunk_index=0, text=text, score=1)


@pytest.fixture
def service(settings: Settings, llm_env: dict[str, str]) -> RagService:
    service = RagService(settings.model_copy(update={"answerer": "llm"}))
    for name, content in DOCUMENTS.items():
        service.ingest(name, content)
    return service


def test_generated_answer_cites_the_retrieved_chunks(service: RagService) -> None:
    question = "When do spring tides happen?"
    hits = service.search(question, top_k=2)
    prompt = build_messages(question, hits)[1]["content"]
    assert all(f"[{n}] ({h.source}) {h.text}" in prompt for n, h in enumerate(hits, 1))

    answer = service.ask(question, top_k=2)
    assert answer.answer.strip()  # generated; the tiny test model's wording is not judged
    assert answer.citations == hits  # [n] in the answer is citations[n - 1]


def test_ask_streams_the_answer_as_events(api: TestClient) -> None:
    for name, content in DOCUMENTS.items():
        api.post("/documents", files={"file": (name, content)}).raise_for_status()
    body = {"question": "What does sourdough bread need?", "top_k": 2}
    headers = {"Accept": "text/event-stream"}
    with api.stream("POST", "/ask", json=body, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_events(response)
    names = [name for name, _ in events]
    assert names[0] == "sources" and names[-1] == "done"
    tokens = [data["text"] for name, data in events if name == "token"]
    assert len(tokens) > 1  # pieces as they are generated, not one block
    done = events[-1][1]
    assert done["answer"] == "".join(tokens).strip()
    assert done["citations"] == events[0][1]
    assert done["citations"][0]["source"] == "bread.md"


def test_model_server_down_is_a_clear_503(api: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    monkeypatch.setenv("LLM_URL", down)
    api.app.state.service.close()  # a store on a local folder takes one client at a time
    with TestClient(
        api.app, base_url=str(api.base_url), headers=api.headers, raise_server_exceptions=False
    ) as client:
        client.post("/documents", files={"file": ("tides.md", DOCUMENTS["tides.md"])})
        for headers in ({}, {"Accept": "text/event-stream"}):
            response = client.post("/ask", json={"question": "tides?"}, headers=headers)
            assert response.status_code == 503
            assert f"the model server at {down} cannot be reached" in response.json()["detail"]


def test_a_slow_model_is_cut_off_at_the_timeout(slow_llm_url: str) -> None:
    settings = LLMSettings(_env_file=None, llm_url=slow_llm_url, llm_timeout_seconds=1)
    answerer = LLMAnswerer(settings)
    started = time.monotonic()
    with pytest.raises(ProviderTimeout, match="did not answer within 1 s"):
        answerer.answer("tides?", [hit(1, "Spring tides happen at full moon.")])
    assert time.monotonic() - started < 3  # the server would go on for 10 s


def test_sources_beyond_the_context_budget_are_not_sent() -> None:
    hits = [hit(n, "word " * 100) for n in range(1, 6)]  # about 130 tokens each
    assert fit_sources(hits, budget=300) == hits[:2]
    (cut,) = fit_sources([hit(1, "long " * 1000)], budget=100)
    assert len(build_messages("q", [cut])[1]["content"]) < 100 * 4 + 100


def test_an_oversized_context_is_cut_before_the_real_server(llm_env: dict[str, str]) -> None:
    # 80 chunks of about 60 tokens: more than the server's context window (2048 tokens for the
    # test server), which refuses such a prompt.
    hits = [hit(n, f"Fact {n}: " + "tides follow the moon " * 10) for n in range(80)]
    answerer = LLMAnswerer(LLMSettings(_env_file=None, llm_context_tokens=300))
    answer = answerer.answer("What do tides follow?", hits)
    assert answer.answer
    assert answer.citations == fit_sources(hits, 300) == hits[:4]
