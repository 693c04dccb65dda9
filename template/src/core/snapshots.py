"""Snapshots of the FAISS store's SQLite file in the bucket.

After every change the store uploads a consistent copy of the file (SQLite's backup API) under
`<S3_SNAPSHOT_PREFIX><stamp>/`, then points `<S3_SNAPSHOT_PREFIX>latest` at that stamp and
removes the older snapshots. A store starting on an empty volume restores the latest one.
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

DATABASE = "store.sqlite3"
EARLIER_INDEX = "index.faiss"  # snapshots of an earlier release: this beside chunks.sqlite3


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

    def save(self, db: sqlite3.Connection) -> str:
        """Upload a copy of the committed database; returns the stamp."""
        stamp = f"{time.time_ns()}-{os.getpid()}"
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / DATABASE
            with closing(sqlite3.connect(copy)) as target:
                db.backup(target)  # the committed state, whatever the WAL holds
            self.bucket.upload(copy, f"{self.prefix}{stamp}/{DATABASE}")
        self.bucket.write(self.pointer, stamp.encode())
        older = [
            item.key
            for item in self.bucket.list_objects(self.prefix)
            if item.key != self.pointer and not item.key.startswith(f"{self.prefix}{stamp}/")
        ]
        self.bucket.delete(older)
        return stamp

    def restore(self, path: Path) -> bool:
        """Download the latest snapshot as the database `path` (its presence means "restored");
        False when there is none."""
        stamp = self.bucket.read(self.pointer)
        if stamp is None:
            return False
        folder = f"{self.prefix}{stamp.decode()}/"
        names = [item.key.removeprefix(folder) for item in self.bucket.list_objects(folder)]
        # DATABASE, or the earlier layout's files (the store imports them), its index last.
        for name in sorted(names, key=lambda name: name == EARLIER_INDEX):
            target = path if name == DATABASE else path.with_name(name)
            temporary = path.with_name(f".{name}.restore")
            self.bucket.download(folder + name, temporary)
            for leftover in ("-wal", "-shm"):
                target.with_name(target.name + leftover).unlink(missing_ok=True)
            os.replace(temporary, target)
        logger.info("restored the vector store from snapshot %s in bucket %s", stamp.decode(),
                    self.bucket.name)  # fmt: skip
        return True
