"""POST, GET and DELETE /documents: uploads, pagination, and every kind of bad upload."""

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
from fastapi.testclient import TestClient

TIDES = b"# Tides\n\nSpring tides, the highest of the month, come at new and full moon.\n"
BREAD = b"<html><body><p>Sourdough bread needs a starter of flour and water.</p></body></html>"


def upload(client: TestClient, name: str, content: bytes, field: str = "file"):
    return client.post("/documents", files={field: (name, content)})


def listed(client: TestClient) -> list[str]:
    return [item["filename"] for item in client.get("/documents").json()["items"]]


def test_upload_returns_the_document(client: TestClient) -> None:
    response = upload(client, "tides.md", TIDES)
    assert response.status_code == 201
    body = response.json()
    assert body["filename"] == "tides.md"
    assert body["chunks"] == 1
    assert body["document_id"].startswith("tides-md-")


def test_uploaded_documents_are_listed_and_paginated(client: TestClient) -> None:
    names = [f"note-{i}.txt" for i in range(5)]
    for name in names:
        assert upload(client, name, f"Note {name} about tides.".encode()).status_code == 201
    first = client.get("/documents", params={"offset": 0, "limit": 2}).json()
    rest = client.get("/documents", params={"offset": 2, "limit": 100}).json()
    assert first["total"] == rest["total"] == 5
    assert (first["offset"], first["limit"], len(first["items"])) == (0, 2, 2)
    assert len(rest["items"]) == 3
    seen = [item["filename"] for item in first["items"] + rest["items"]]
    assert sorted(seen) == names
    assert set(first["items"][0]) == {"document_id", "filename", "chunks", "ingested_at"}


def test_reuploading_a_name_replaces_the_document(client: TestClient) -> None:
    first = upload(client, "tides.md", TIDES).json()
    second = upload(client, "tides.md", TIDES + b"\nNeap tides are the weakest.\n").json()
    assert first["document_id"] == second["document_id"]
    assert client.get("/documents").json()["total"] == 1
    hits = client.post("/search", json={"query": "neap tides weakest"}).json()["hits"]
    assert "Neap tides" in hits[0]["text"]


def test_html_is_ingested_as_text(client: TestClient) -> None:
    assert upload(client, "bread.html", BREAD).status_code == 201
    hits = client.post("/search", json={"query": "sourdough starter"}).json()["hits"]
    assert hits[0]["source"] == "bread.html"
    assert "<p>" not in hits[0]["text"]


def test_delete_removes_the_document(client: TestClient) -> None:
    document_id = upload(client, "tides.md", TIDES).json()["document_id"]
    assert client.delete(f"/documents/{document_id}").status_code == 204
    assert listed(client) == []
    assert client.post("/search", json={"query": "spring tides"}).json()["hits"] == []
    again = client.delete(f"/documents/{document_id}")
    assert again.status_code == 404
    assert document_id in again.json()["detail"]


def test_unsupported_type_is_415_and_nothing_is_stored(client: TestClient) -> None:
    for name in ("tool.exe", "README"):
        response = upload(client, name, b"MZ\x90\x00 binary")
        assert response.status_code == 415, name
        assert ".pdf" in response.json()["detail"]
    assert listed(client) == []


def test_empty_or_undecodable_documents_are_refused(client: TestClient) -> None:
    for name, content in [("empty.txt", b""), ("blank.md", b"  \n\n ")]:
        response = upload(client, name, content)
        assert response.status_code == 422, name
        assert response.json()["detail"]
    assert upload(client, "latin.txt", b"caf\xe9").status_code == 415
    assert upload(client, "broken.pdf", b"%PDF-1.4 not really").status_code == 422
    assert listed(client) == []


def test_upload_over_the_limit_is_413_naming_the_limit(make_client: Callable) -> None:
    client = make_client(max_upload_bytes=2000)
    assert upload(client, "small.txt", b"tides " * 300).status_code == 201
    response = upload(client, "big.txt", b"tides " * 400)
    assert response.status_code == 413
    assert "2000 bytes" in response.json()["detail"]
    assert listed(client) == ["small.txt"]


def test_a_body_far_over_the_limit_is_refused_while_it_is_read(make_client: Callable) -> None:
    """Sent in chunks without Content-Length: the API stops reading after the limit."""
    client = make_client(max_upload_bytes=2000)
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        for _ in range(10_000):
            sent += 1
            yield b"x" * 1024

    async def post() -> httpx.Response:
        # httpx's ASGI transport hands the body over as the app reads it.
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as streaming:
            headers = {"Content-Type": "multipart/form-data; boundary=xyz"}
            return await streaming.post("/documents", content=body(), headers=headers)

    response = asyncio.run(post())
    assert response.status_code == 413
    assert sent < 100  # 10 MB offered: only the limit and the multipart margin were read
    assert listed(client) == []


def test_a_declared_length_over_the_limit_is_refused_first(make_client: Callable) -> None:
    client = make_client(max_upload_bytes=2000)
    response = client.post(
        "/documents",
        content=b"x" * 100_000,
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert response.status_code == 413


def test_missing_or_malformed_upload_is_422(client: TestClient) -> None:
    assert upload(client, "tides.md", TIDES, field="document").status_code == 422
    assert client.post("/documents").status_code == 422
    assert client.post("/documents", json={"file": "tides"}).status_code == 422
    garbled = client.post(
        "/documents",
        content=b"--xyz\r\nnot a part",
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert 400 <= garbled.status_code < 500


def test_pagination_limits_are_enforced(client: TestClient) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "ten"}):
        response = client.get("/documents", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"]
