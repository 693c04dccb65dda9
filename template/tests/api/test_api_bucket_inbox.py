"""Without a worker, the API itself ingests what is put in the bucket's inbox (real S3 server)."""

import time

import pytest
from fastapi.testclient import TestClient

from core.objects import Bucket, S3Settings

TIDES = b"Spring tides come at new and full moon; neap tides at the quarter moons."


def test_the_api_ingests_the_bucket_inbox(
    make_client, settings_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("S3_INBOX_POLL_SECONDS", "0.2")
    client: TestClient = make_client()
    Bucket(S3Settings(**{k.lower(): v for k, v in settings_env.items()})).write(
        "inbox/tides.txt", TIDES
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        items = client.get("/documents").json()["items"]
        if items:
            break
        time.sleep(0.2)
    assert [item["filename"] for item in items] == ["tides.txt"]
