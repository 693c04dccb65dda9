"""Snapshots of the FAISS index and its SQLite sidecar in the bucket.

After every change the store uploads both files under `<S3_SNAPSHOT_PREFIX><stamp>/`, then
points `<S3_SNAPSHOT_PREFIX>latest` at that stamp and removes the older snapshots: a reader
always finds a matching pair. A store starting on an empty volume restores the latest one.
"""

import logging
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Annotated

from pydantic import Field

from core.objects import Bucket
from core.settings import EnvSettings

logger = logging.getLogger(__name__)

INDEX, CHUNKS = "index.faiss", "chunks.sqlite3"


class SnapshotSettings(EnvSettings):
    s3_snapshot_prefix: Annotated[str, Field(pattern=r"^[^/].*/$")] = "snapshots/faiss/"


class IndexSnapshots:
    def __init__(self, bucket: Bucket, prefix: str) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.pointer = f"{prefix}latest"

    @classmethod
    def from_environment(cls) -> "IndexSnapshots":
        return cls(Bucket.from_environment(), SnapshotSettings.read().s3_snapshot_prefix)

    def save(self, directory: Path, db: sqlite3.Connection) -> str:
        """Upload the index file and a consistent copy of the database; returns the stamp."""
        stamp = f"{time.time_ns()}-{os.getpid()}"
        with tempfile.TemporaryDirectory(dir=directory) as scratch:
            copy = Path(scratch) / CHUNKS
            with closing(sqlite3.connect(copy)) as target:
                db.backup(target)  # the committed state, whatever the WAL holds
            self.bucket.upload(copy, f"{self.prefix}{stamp}/{CHUNKS}")
        self.bucket.upload(directory / INDEX, f"{self.prefix}{stamp}/{INDEX}")
        self.bucket.write(self.pointer, stamp.encode())
        older = [
            item.key
            for item in self.bucket.list_objects(self.prefix)
            if item.key != self.pointer and not item.key.startswith(f"{self.prefix}{stamp}/")
        ]
        self.bucket.delete(older)
        return stamp

    def restore(self, directory: Path) -> bool:
        """Download the latest snapshot into `directory`; False when the bucket has none."""
        stamp = self.bucket.read(self.pointer)
        if stamp is None:
            return False
        for name in (CHUNKS, INDEX):  # the index last: its presence means "restored"
            temporary = directory / f".{name}.restore"
            self.bucket.download(f"{self.prefix}{stamp.decode()}/{name}", temporary)
            for leftover in (f"{name}-wal", f"{name}-shm"):
                (directory / leftover).unlink(missing_ok=True)
            os.replace(temporary, directory / name)
        logger.info("restored the FAISS index from snapshot %s in bucket %s", stamp.decode(),
                    self.bucket.name)  # fmt: skip
        return True
