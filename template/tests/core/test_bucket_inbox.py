"""Documents put in the bucket's inbox are ingested once per upload (real S3 server)."""

import pytest

from core.bucket_inbox import BucketInbox
from core.objects import Bucket, ObjectStoreError, S3Settings
from core.service import RagService

TIDES = b"Spring tides come at new and full moon; neap tides at the quarter moons."
BREAD = b"Sourdough bread bakes at 250 degrees in a Dutch oven."


def bucket_for(env: dict[str, str], **changes: str) -> Bucket:
    return Bucket(S3Settings(**{k.lower(): v for k, v in (env | changes).items()}))


@pytest.fixture
def bucket(settings_env: dict[str, str]) -> Bucket:
    return bucket_for(settings_env)


def inbox_for(bucket: Bucket, service: RagService) -> BucketInbox:
    return BucketInbox(bucket, service.ingest, service.settings.max_upload_bytes, "inbox/")


def sources(service: RagService, query: str) -> list[str]:
    return [hit.source for hit in service.search(query, top_k=5)]


def test_a_new_object_is_ingested_once(bucket: Bucket, service: RagService) -> None:
    bucket.write("inbox/tides.txt", TIDES)
    inbox = inbox_for(bucket, service)
    assert inbox.scan() == ["inbox/tides.txt"]
    assert sources(service, "spring tides")[0] == "tides.txt"
    assert inbox.scan() == []  # same ETag: not taken again
    assert service.chunk_count() == 1


def test_a_reupload_replaces_the_document(bucket: Bucket, service: RagService) -> None:
    inbox = inbox_for(bucket, service)
    bucket.write("inbox/notes.txt", TIDES)
    inbox.scan()
    bucket.write("inbox/notes.txt", BREAD)
    assert inbox.scan() == ["inbox/notes.txt"]
    hits = service.search("sourdough Dutch oven", top_k=5)
    assert [hit.text for hit in hits] == [BREAD.decode()]  # the old text is gone
    assert len(bucket.list_objects("ingested/")) == 1  # the old marker too


def test_a_refused_document_is_not_retried(bucket: Bucket, service: RagService) -> None:
    bucket.write("inbox/empty.txt", b"   ")
    bucket.write("inbox/tides.txt", TIDES)
    inbox = inbox_for(bucket, service)
    assert sorted(inbox.scan()) == ["inbox/empty.txt", "inbox/tides.txt"]
    assert inbox.scan() == []
    assert service.list_documents(0, 10)[1] == 1


def test_a_store_failure_marks_nothing(bucket: Bucket, service: RagService) -> None:
    def failing(name: str, content: bytes) -> None:
        raise ConnectionError("store down")

    bucket.write("inbox/tides.txt", TIDES)
    with pytest.raises(ConnectionError):
        BucketInbox(bucket, failing, 10_000, "inbox/").scan()
    assert bucket.list_objects("ingested/") == []
    assert inbox_for(bucket, service).scan() == ["inbox/tides.txt"]  # taken at the next scan


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"S3_BUCKET": "no-such-bucket"}, "does not exist"),
        ({"S3_SECRET_ACCESS_KEY": "wrong"}, "refused the credentials"),
    ],
)
def test_bad_settings_ingest_nothing(
    settings_env: dict[str, str], service: RagService, change: dict[str, str], message: str
) -> None:
    bucket_for(settings_env).write("inbox/tides.txt", TIDES)
    with pytest.raises(ObjectStoreError, match=message):
        inbox_for(bucket_for(settings_env, **change), service).scan()
    assert service.chunk_count() == 0
