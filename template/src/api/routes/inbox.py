"""No endpoints: without a worker, the API itself ingests what is put in the bucket's inbox."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from api.storage import service_of
from core.bucket_inbox import BucketInbox, BucketInboxSettings
from core.objects import Bucket


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up: a background thread polls S3_INBOX_PREFIX (S3_*, S3_INBOX_*)."""
    settings = BucketInboxSettings.read()
    inbox = BucketInbox(
        Bucket.from_environment(),
        lambda filename, content: service_of(app).ingest(filename, content),
        app.state.settings.max_upload_bytes,
        settings.s3_inbox_prefix,
    )
    stop = inbox.start(settings.s3_inbox_poll_seconds)
    yield
    stop.set()


router = APIRouter(lifespan=lifespan)
