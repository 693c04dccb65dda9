"""POST /search and POST /ask: results with their sources, and bad bodies."""

import pytest
from fastapi.testclient import TestClient

DOCUMENTS = {
    "tides.md": b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.",
    "bread.txt": b"Sourdough bread needs a starter of flour and water. Bake it hot.",
    "bees.txt": b"Honey bees dance to tell the hive where the flowers are.",
}


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    for name, content in DOCUMENTS.items():
        assert client.post("/documents", files={"file": (name, content)}).status_code == 201
    return client


def test_search_returns_the_closest_chunks_first(loaded: TestClient) -> None:
    response = loaded.post("/search", json={"query": "when are spring tides highest", "top_k": 2})
    assert response.status_code == 200
    hits = response.json()["hits"]
    assert len(hits) == 2
    assert hits[0]["source"] == "tides.md"
    assert hits[0]["score"] >= hits[1]["score"]
    assert set(hits[0]) == {"document_id", "source", "chunk_index", "text", "score"}


def test_top_k_bounds_the_number_of_hits(loaded: TestClient) -> None:
    hits = loaded.post("/search", json={"query": "bees", "top_k": 1}).json()["hits"]
    assert [hit["source"] for hit in hits] == ["bees.txt"]
    assert len(loaded.post("/search", json={"query": "bees"}).json()["hits"]) == 3


def test_ask_answers_with_its_sources(loaded: TestClient) -> None:
    response = loaded.post("/ask", json={"question": "What does sourdough bread need?"})
    assert response.status_code == 200
    body = response.json()
    assert "starter" in body["answer"]
    assert body["citations"][0]["source"] == "bread.txt"


def test_search_with_nothing_ingested_finds_nothing(client: TestClient) -> None:
    assert client.post("/search", json={"query": "tides"}).json() == {"hits": []}


@pytest.mark.parametrize("path", ["/search", "/ask"])
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": "", "question": ""},
        {"query": "tides", "question": "tides", "top_k": 0},
        {"query": "tides", "question": "tides", "top_k": 51},
        {"query": "tides", "question": "tides", "top_k": "many"},
        {"query": ["tides"], "question": ["tides"]},
        ["tides"],
    ],
)
def test_bad_bodies_are_422(client: TestClient, path: str, body: object) -> None:
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["/search", "/ask"])
def test_malformed_json_is_a_client_error(client: TestClient, path: str) -> None:
    for content in (b'{"query": "tides"', b"\xff\xfe", b"null"):
        response = client.post(path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, content
        assert "detail" in response.json()
