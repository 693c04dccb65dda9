"""The ingestion queue: dramatiq's Redis broker for the messages, Redis hashes for job status.

The API queues jobs and reads their status; the worker consumes them. A message carries only
the job id; the file and the status live in the job's hash (GET /jobs/{job_id}).
"""

import time
import uuid
from typing import Annotated, Literal

import redis
from dramatiq import Message
from dramatiq.brokers.redis import MAINTENANCE_SCALE, RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    CurrentMessage,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)
from pydantic import BaseModel, Field, RedisDsn

from core.models import IngestResult
from core.settings import EnvSettings

QUEUE = "ingest"
ACTOR = "ingest_document"


class QueueSettings(EnvSettings):
    """The queue's variables (REDIS_URL, JOB_*), read by the API and by the worker."""

    redis_url: RedisDsn
    # Prefix of every Redis key of the queue and of the job records.
    queue_namespace: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_.-]{1,64}$")] = "rag"

    # A failed job is tried again JOB_MAX_RETRIES times, waiting exponentially longer.
    job_max_retries: Annotated[int, Field(ge=0, le=100)] = 5
    job_min_backoff_seconds: Annotated[float, Field(gt=0)] = 2.0
    job_max_backoff_seconds: Annotated[float, Field(gt=0)] = 300.0
    job_time_limit_seconds: Annotated[float, Field(gt=0)] = 600.0
    # The jobs of a worker that stopped sending heartbeats (killed) go back to the queue.
    job_requeue_after_seconds: Annotated[float, Field(ge=1)] = 60.0
    # How long a job's status stays readable (GET /jobs/{job_id}).
    job_ttl_seconds: Annotated[int, Field(ge=60)] = 7 * 24 * 3600
    # Backpressure: new jobs are refused (429) while this many wait in the queue; each one
    # holds its file in Redis (at most MAX_UPLOAD_BYTES).
    job_max_queued: Annotated[int, Field(ge=1)] = 20


def load_queue_settings() -> QueueSettings:
    return QueueSettings.read()


class QueueFull(Exception):
    """JOB_MAX_QUEUED jobs are waiting: try again later."""


JobState = Literal["queued", "running", "done", "failed"]
FINISHED = frozenset({"done", "failed"})


class JobStatus(BaseModel):
    job_id: str
    status: JobState
    filename: str
    result: IngestResult | None = None
    error: str | None = None


def make_broker(settings: QueueSettings) -> RedisBroker:
    """Messages are acknowledged after processing; those of a dead worker are requeued.

    Every broker command also looks for dead workers (an ingestion worker sends a few commands
    a second, so this costs little): their jobs are back in the queue
    JOB_REQUEUE_AFTER_SECONDS after their last heartbeat.
    """
    retries = Retries(
        max_retries=settings.job_max_retries,
        min_backoff=int(settings.job_min_backoff_seconds * 1000),
        max_backoff=int(settings.job_max_backoff_seconds * 1000),
    )
    broker = RedisBroker(
        url=str(settings.redis_url),
        namespace=settings.queue_namespace,
        heartbeat_timeout=int(settings.job_requeue_after_seconds * 1000),
        maintenance_chance=MAINTENANCE_SCALE,
        middleware=[
            AgeLimit(),
            TimeLimit(time_limit=int(settings.job_time_limit_seconds * 1000)),
            ShutdownNotifications(),
            retries,
            CurrentMessage(),
        ],
    )
    broker.declare_queue(QUEUE)
    return broker


class JobStore:
    """Job records in Redis: status, file name, request id, and the file until it is ingested."""

    def __init__(self, client: redis.Redis, namespace: str, ttl_seconds: int) -> None:
        self.client = client
        self.namespace = namespace
        self.ttl_seconds = ttl_seconds

    def _key(self, job_id: str) -> str:
        return f"{self.namespace}:job:{job_id}"

    def create(self, filename: str, content: bytes, request_id: str | None) -> str:
        job_id = uuid.uuid4().hex
        fields = {"status": "queued", "filename": filename, "content": content}
        fields |= {"request_id": request_id or "", "created_at": str(time.time())}
        with self.client.pipeline() as pipe:
            pipe.hset(self._key(job_id), mapping=fields)
            pipe.expire(self._key(job_id), self.ttl_seconds)
            pipe.execute()
        return job_id

    def get(self, job_id: str) -> JobStatus | None:
        fields = self.client.hmget(self._key(job_id), ["status", "filename", "result", "error"])
        status, filename, result, error = (v.decode() if v else None for v in fields)
        if status is None:
            return None
        return JobStatus(
            job_id=job_id,
            status=status,
            filename=filename or "",
            result=IngestResult.model_validate_json(result) if result else None,
            error=error,
        )

    def content(self, job_id: str) -> bytes | None:
        return self.client.hget(self._key(job_id), "content")

    def mark_running(self, job_id: str) -> None:
        self.client.hset(self._key(job_id), "status", "running")

    def mark_retrying(self, job_id: str, error: str) -> None:
        self.client.hset(self._key(job_id), mapping={"status": "queued", "error": error})

    def mark_done(self, job_id: str, result: IngestResult) -> None:
        self._finish(job_id, {"status": "done", "result": result.model_dump_json(), "error": ""})

    def mark_failed(self, job_id: str, error: str) -> None:
        self._finish(job_id, {"status": "failed", "error": error})

    def _finish(self, job_id: str, fields: dict[str, str]) -> None:
        """The final status, and the file removed, in one transaction."""
        with self.client.pipeline() as pipe:
            pipe.hset(self._key(job_id), mapping=fields)
            pipe.hdel(self._key(job_id), "content")
            pipe.execute()

    def delete(self, job_id: str) -> None:
        self.client.delete(self._key(job_id))


class JobQueue:
    """What the API and the inbox use: queue a file for ingestion, read a job's status."""

    def __init__(self, settings: QueueSettings) -> None:
        self.broker = make_broker(settings)
        self.jobs = JobStore(self.broker.client, settings.queue_namespace, settings.job_ttl_seconds)
        self.max_queued = settings.job_max_queued

    def submit(self, filename: str, content: bytes, request_id: str | None) -> str:
        """Store the job and queue its message; returns the job id. Raises QueueFull when
        JOB_MAX_QUEUED jobs wait (Redis itself refuses writes when full: maxmemory)."""
        if self.depth() >= self.max_queued:
            raise QueueFull(f"{self.max_queued} jobs are waiting (JOB_MAX_QUEUED)")
        job_id = self.jobs.create(filename, content, request_id)
        try:
            self.enqueue(job_id, request_id)
        except BaseException:
            self.jobs.delete(job_id)
            raise
        return job_id

    def enqueue(self, job_id: str, request_id: str | None) -> None:
        """Queue the message of a stored job (the request id goes into the worker's logs)."""
        options = {"request_id": request_id}
        message = Message(QUEUE, ACTOR, args=(job_id,), kwargs={}, options=options)
        self.broker.enqueue(message)

    def status(self, job_id: str) -> JobStatus | None:
        return self.jobs.get(job_id)

    def depth(self) -> int:
        """Messages waiting in the queue (delayed retries included)."""
        return sum(
            self.broker.client.llen(f"{self.broker.namespace}:{name}")
            for name in (QUEUE, f"{QUEUE}.DQ")
        )

    def check_ready(self) -> dict[str, str]:
        """{"redis": "ok"}, or its error (like RagService.check_ready)."""
        try:
            self.broker.client.ping()
        except Exception as error:
            return {"redis": f"{type(error).__name__}: {error}"}
        return {"redis": "ok"}
