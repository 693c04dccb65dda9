"""The bucket against a real S3 server (SeaweedFS, tests/s3_server.py): creation, clear errors."""

from pathlib import Path

import pytest

from core.objects import Bucket, ObjectStoreError, S3Settings, main


def bucket_for(env: dict[str, str], **changes: str) -> Bucket:
    values = {name.lower(): value for name, value in (env | changes).items()}
    return Bucket(S3Settings(**values))


def test_creating_the_bucket_is_idempotent(
    s3_env: dict[str, str], monkeypatch, tmp_path: Path
) -> None:
    """As s3-init runs in Compose: the key pair in files (NAME_FILE), not in the environment."""
    for name, value in (s3_env | {"S3_BUCKET": "made-by-init"}).items():
        if name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
            (tmp_path / name).write_text(value)
            monkeypatch.setenv(f"{name}_FILE", str(tmp_path / name))
        else:
            monkeypatch.setenv(name, value)
    assert main([]) == 0
    assert main([]) == 0
    bucket_for(s3_env, S3_BUCKET="made-by-init").check()


def test_write_read_list_delete(s3_env: dict[str, str]) -> None:
    bucket = bucket_for(s3_env)
    bucket.write("inbox/a.txt", b"hello")
    assert bucket.read("inbox/a.txt") == b"hello"
    assert bucket.read("inbox/missing.txt") is None
    assert [item.key for item in bucket.list_objects("inbox/")] == ["inbox/a.txt"]
    bucket.delete(["inbox/a.txt"])
    assert bucket.list_objects("inbox/") == []


def test_a_missing_bucket_is_named(s3_env: dict[str, str]) -> None:
    with pytest.raises(ObjectStoreError, match="bucket 'no-such-bucket' does not exist"):
        bucket_for(s3_env, S3_BUCKET="no-such-bucket").list_objects("inbox/")


def test_wrong_credentials_are_named(s3_env: dict[str, str]) -> None:
    with pytest.raises(ObjectStoreError, match="refused the credentials"):
        bucket_for(s3_env, S3_SECRET_ACCESS_KEY="wrong").list_objects("inbox/")


def test_an_unreachable_server_is_named(s3_env: dict[str, str]) -> None:
    with pytest.raises(ObjectStoreError, match="unreachable"):
        bucket_for(s3_env, S3_ENDPOINT_URL="http://127.0.0.1:9").check()
