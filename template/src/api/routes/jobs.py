"""Queue a document for the worker, follow the job."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, File, HTTPException, Request, Response, UploadFile, status
from pydantic import BaseModel
from redis.exceptions import RedisError

from api.deps import AppSettings
from api.errors import error_responses
from api.uploads import read_upload
from core.jobs import JobQueue, JobStatus, QueueFull, load_queue_settings
from core.logging import request_id


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up: the queue (REDIS_URL, JOB_*), checked by GET /readyz as "redis"."""
    app.state.jobs = JobQueue(load_queue_settings())
    app.state.readiness.append(app.state.jobs.check_ready)
    yield


router = APIRouter(prefix="/jobs", tags=["jobs"], lifespan=lifespan)


class JobCreated(BaseModel):
    job_id: str


# Seconds a client is asked to wait when the queue is full or Redis cannot take the job.
RETRY_AFTER_SECONDS = 30


def get_queue(request: Request) -> JobQueue:
    return request.app.state.jobs


def unavailable(error: RedisError) -> HTTPException:
    """503: Redis is unreachable, or at its maxmemory (it then refuses writes: noeviction)."""
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        f"the job queue is unavailable: {error}",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(400, 413, 415, 422, 429, 503),
)
def create_job(
    request: Request,
    response: Response,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="A .txt, .md, .html or .pdf document")],
) -> JobCreated:
    """Queue the document for ingestion by the worker; follow it at GET /jobs/{job_id}."""
    filename, content = read_upload(file, settings.max_upload_bytes)
    try:
        job_id = get_queue(request).submit(filename, content, request_id.get())
    except QueueFull as error:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"the job queue is full: {error}",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        ) from error
    except RedisError as error:
        raise unavailable(error) from error
    response.headers["Location"] = f"/jobs/{job_id}"
    return JobCreated(job_id=job_id)


@router.get(
    "/{job_id}",
    responses=error_responses(404, 503),
)
def get_job(job_id: str, request: Request) -> JobStatus:
    try:
        job = get_queue(request).status(job_id)
    except RedisError as error:
        raise unavailable(error) from error
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no job {job_id}")
    return job
