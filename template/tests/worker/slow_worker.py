"""`python -m tests.worker.slow_worker SECONDS MARKER`: the real worker (`python -m worker`),
except that each ingestion first writes the file name to MARKER, then waits SECONDS, so that a
test can kill or stop it in the middle of a job."""

import sys
import time
from pathlib import Path

from core.models import IngestResult
from core.service import RagService
from worker.__main__ import main

SECONDS, MARKER = float(sys.argv[1]), Path(sys.argv[2])
ingest = RagService.ingest


def slow_ingest(self: RagService, filename: str, content: bytes) -> IngestResult:
    MARKER.write_text(filename)
    time.sleep(SECONDS)
    return ingest(self, filename, content)


RagService.ingest = slow_ingest  # type: ignore[method-assign]
main()
