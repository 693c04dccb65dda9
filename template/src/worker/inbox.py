"""Ingest the files dropped in a folder: each becomes a job, then moves to processed/.

A file is taken once its size and modification time stayed the same for one polling
interval (so that a file still being copied is not taken half-written). Files over the upload
limit move to rejected/. Run one worker per inbox folder.
"""

import logging
import os
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

Submit = Callable[[str, bytes, str | None], str]


class Inbox:
    def __init__(self, folder: Path, submit: Submit, max_bytes: int) -> None:
        self.folder = folder
        self.submit = submit
        self.max_bytes = max_bytes
        self.processed = folder / "processed"
        self.rejected = folder / "rejected"
        self._seen: dict[Path, tuple[int, int]] = {}
        for path in (self.folder, self.processed, self.rejected):
            path.mkdir(parents=True, exist_ok=True)

    def scan(self) -> list[str]:
        """Queue the files that are ready; returns the ids of the new jobs."""
        job_ids = []
        current = {}
        for path in sorted(self.folder.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            stat = path.stat()
            current[path] = (stat.st_size, stat.st_mtime_ns)
            if self._seen.get(path) != current[path]:
                continue  # new or still changing: look again at the next scan
            job_id = self._take(path, stat.st_size)
            if job_id:
                job_ids.append(job_id)
            del current[path]
        self._seen = current
        return job_ids

    def _take(self, path: Path, size: int) -> str | None:
        if size > self.max_bytes:
            logger.warning(
                "inbox: %s is %d bytes, over the limit of %d", path.name, size, self.max_bytes
            )
            os.replace(path, self.rejected / path.name)
            return None
        job_id = self.submit(path.name, path.read_bytes(), None)
        os.replace(path, self.processed / path.name)
        logger.info("inbox: %s queued as job %s", path.name, job_id)
        return job_id
