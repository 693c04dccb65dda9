"""The object store: a real SeaweedFS server (tests/s3_server.py) for the session, a new, empty
bucket for each test."""

import uuid
from collections.abc import Iterator

import pytest

from core.objects import Bucket, S3Settings
from tests.s3_server import S3Server, s3_server


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    with s3_server(tmp_path_factory.mktemp("s3")) as server:
        yield server


@pytest.fixture
def s3_env(s3: S3Server) -> dict[str, str]:
    env = {
        "S3_ENDPOINT_URL": s3.url,
        "S3_BUCKET": f"test-{uuid.uuid4().hex[:12]}",
        "S3_ACCESS_KEY_ID": s3.access_key,
        "S3_SECRET_ACCESS_KEY": s3.secret_key,
    }
    Bucket(S3Settings(**{name.lower(): value for name, value in env.items()})).ensure()
    return env
