"""POST /documents/chunks: already-chunked documents (the Spark job's output) bulk-loaded."""


def test_chunks_are_stored_as_given_and_replace_the_document(client):
    first = client.post("/documents/chunks", json={"filename": "a/notes.md", "texts": ["old"]})
    assert first.status_code == 201, first.text
    texts = [f"Chunk {i} about lighthouses and their keepers." for i in range(70)]
    second = client.post("/documents/chunks", json={"filename": "notes.md", "texts": texts})

    assert second.json() == {**first.json(), "chunks": 70}
    assert client.get("/documents").json()["total"] == 1
    hits = client.post("/search", json={"query": "lighthouse keepers", "top_k": 3}).json()["hits"]
    assert hits and all(hit["source"] == "notes.md" for hit in hits)


def test_a_document_without_text_is_refused(client):
    response = client.post("/documents/chunks", json={"filename": "empty.md", "texts": [" "]})
    assert response.status_code == 422
    assert client.get("/documents").json()["total"] == 0
