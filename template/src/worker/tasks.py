"""The ingestion job: load the file of the job from Redis, ingest it, record the outcome."""

import logging

import dramatiq
from dramatiq.middleware import CurrentMessage

from core.errors import IngestError
from core.jobs import ACTOR, FINISHED, QUEUE, JobStore
from core.logging import request_context
from core.service import RagService
from worker.metrics import WorkerMetrics

logger = logging.getLogger(__name__)


def declare_ingest_actor(
    broker: dramatiq.Broker,
    service: RagService,
    jobs: JobStore,
    metrics: WorkerMetrics,
    max_retries: int,
) -> dramatiq.Actor:
    """Bad documents fail at once; other errors (a store down...) are retried with backoff.

    Ingesting is idempotent (a document replaces the one of the same name), so a job that is
    run again, because its worker died before acknowledging it, gives the same result.
    """

    def ingest_document(job_id: str) -> None:
        message = CurrentMessage.get_current_message()
        options = message.options if message else {}
        with request_context(options.get("request_id")), metrics.duration.time():
            job = jobs.get(job_id)
            if job is None or job.status in FINISHED:
                logger.info("job %s: nothing to do (%s)", job_id, job.status if job else "expired")
                return
            content = jobs.content(job_id) or b""
            jobs.mark_running(job_id)
            logger.info("job %s: ingesting %s", job_id, job.filename)
            try:
                result = service.ingest(job.filename, content)
            except IngestError as error:
                fail(job_id, f"{type(error).__name__}: {error}")
                return
            except Exception as error:
                attempt = options.get("retries", 0) + 1
                reason = f"attempt {attempt} failed: {type(error).__name__}: {error}"
                if attempt > max_retries:
                    fail(job_id, reason)
                else:
                    logger.warning("job %s: %s; it will be retried", job_id, reason)
                    jobs.mark_retrying(job_id, reason)
                raise
            jobs.mark_done(job_id, result)
            metrics.jobs.labels("done").inc()
            metrics.documents.inc()
            metrics.chunks.inc(result.chunks)
            logger.info("job %s: done, %d chunks", job_id, result.chunks)

    def fail(job_id: str, reason: str) -> None:
        logger.error("job %s failed: %s", job_id, reason)
        jobs.mark_failed(job_id, reason)
        metrics.jobs.labels("failed").inc()

    return dramatiq.actor(ingest_document, actor_name=ACTOR, queue_name=QUEUE, broker=broker)
