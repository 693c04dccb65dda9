"""Documents dropped under S3_INBOX_PREFIX in the bucket get ingested.

Each scan lists the inbox and the markers of what was already taken (`ingested/<key>@<ETag>`).
An object whose ETag has no marker is handed to `accept` (ingested, or queued for the worker),
then marked: a file is taken once, a re-upload (a new ETag) is taken again and replaces the
document of the same file name. A document refused for its content (empty, unsupported, too
large) is marked too, so it is not retried until it is uploaded again. If S3 or the store
fails, nothing is marked and the next scan tries again.
"""

import logging
import threading
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import Field

from core.errors import IngestError
from core.objects import Bucket
from core.settings import EnvSettings

logger = logging.getLogger(__name__)

MARKERS = "ingested/"

# Takes (file name, content); raises IngestError when the content cannot be ingested.
Accept = Callable[[str, bytes], object]


class BucketInboxSettings(EnvSettings):
    s3_inbox_prefix: Annotated[str, Field(pattern=r"^[^/].*/$")] = "inbox/"
    s3_inbox_poll_seconds: Annotated[float, Field(gt=0)] = 10.0


class BucketInbox:
    def __init__(self, bucket: Bucket, accept: Accept, max_bytes: int, prefix: str) -> None:
        self.bucket = bucket
        self.accept = accept
        self.max_bytes = max_bytes
        self.prefix = prefix

    def _marker(self, key: str, etag: str) -> str:
        return f"{MARKERS}{key}@{etag}"

    def scan(self) -> list[str]:
        """Take every new or re-uploaded object; returns their keys."""
        marked: dict[str, list[str]] = {}
        for marker in self.bucket.list_objects(f"{MARKERS}{self.prefix}"):
            key, _, etag = marker.key.removeprefix(MARKERS).rpartition("@")
            marked.setdefault(key, []).append(etag)
        taken = []
        for item in self.bucket.list_objects(self.prefix):
            if item.key.endswith("/") or item.etag in marked.get(item.key, []):
                continue
            self._take(item.key, item.etag, item.size)
            stale = [self._marker(item.key, etag) for etag in marked.get(item.key, [])]
            self.bucket.write(self._marker(item.key, item.etag), b"")
            self.bucket.delete(stale)
            taken.append(item.key)
        return taken

    def _take(self, key: str, etag: str, size: int) -> None:
        name = PurePosixPath(key).name
        if size > self.max_bytes:
            logger.warning("bucket inbox: %s is %d bytes, over the limit of %d", key, size,
                           self.max_bytes)  # fmt: skip
            return
        content = self.bucket.read(key)
        if content is None:  # deleted since the listing: its marker does no harm
            return
        try:
            self.accept(name, content)
            logger.info("bucket inbox: took %s (ETag %s)", key, etag)
        except IngestError as error:
            logger.warning("bucket inbox: %s refused: %s", key, error)

    def poll(self, stop: threading.Event, seconds: float) -> None:
        """Scan every `seconds` until `stop` is set; a failed scan is logged and retried."""
        while True:
            try:
                self.scan()
            except Exception:
                logger.exception("bucket inbox: scan failed; trying again in %.0f s", seconds)
            if stop.wait(seconds):
                return

    def start(self, seconds: float) -> threading.Event:
        """Poll in a background thread; set the returned event to stop it."""
        stop = threading.Event()
        threading.Thread(target=self.poll, args=(stop, seconds), name="bucket-inbox",
                         daemon=True).start()  # fmt: skip
        return stop
