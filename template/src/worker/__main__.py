"""`python -m worker`: consume ingestion jobs, watch the inbox folder, serve metrics.

SIGTERM (or Ctrl-C) stops taking jobs and lets the job in progress finish; a job that does not
finish in WORKER_SHUTDOWN_SECONDS is not acknowledged and goes back to the queue.
"""

import logging
import signal
import threading

import dramatiq

from core.jobs import JobQueue, load_queue_settings
from core.logging import configure_logging
from core.service import RagService
from core.settings import load_settings
from worker.inbox import Inbox
from worker.metrics import WorkerMetrics
from worker.settings import load_worker_settings
from worker.tasks import declare_ingest_actor

logger = logging.getLogger("worker")


def main() -> None:
    configure_logging()
    settings = load_settings()
    service = RagService(settings)
    queue_settings = load_queue_settings()
    worker_settings = load_worker_settings()
    queue = JobQueue(queue_settings)
    metrics = WorkerMetrics()
    metrics.watch_queue(queue.depth)
    metrics.serve(worker_settings.worker_metrics_port)
    declare_ingest_actor(queue.broker, service, queue.jobs, metrics, queue_settings.job_max_retries)
    inbox = None
    if worker_settings.inbox_dir:
        inbox = Inbox(worker_settings.inbox_dir, queue.submit, settings.max_upload_bytes)

    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())

    worker = dramatiq.Worker(queue.broker, worker_threads=worker_settings.worker_threads)
    worker.start()
    logger.info("worker started (%d threads)", worker_settings.worker_threads)
    while not stopping.wait(worker_settings.inbox_poll_seconds):
        if inbox:
            try:
                inbox.scan()
            except Exception:
                logger.exception("inbox scan failed; trying again at the next poll")
    logger.info("stopping: waiting for the job in progress")
    worker.stop(timeout=int(worker_settings.worker_shutdown_seconds * 1000))
    logger.info("stopped")


if __name__ == "__main__":
    main()
