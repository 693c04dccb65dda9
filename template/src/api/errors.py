"""Errors turned into JSON answers: 4xx for bad input, 502 for a failing provider (503 when it
cannot be reached, 504 when it is too slow), 503 when storage cannot be used."""

import errno
import importlib
import logging
import sqlite3
from contextlib import suppress
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.schemas import ErrorResponse
from core.errors import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    NotText,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    StorageError,
    TextTooLong,
    UnsupportedFileType,
)

logger = logging.getLogger(__name__)

INGEST_STATUS = {
    UnsupportedFileType: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    NotText: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    DocumentTooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
    TextTooLong: status.HTTP_413_CONTENT_TOO_LARGE,
    EmptyDocument: status.HTTP_422_UNPROCESSABLE_CONTENT,
}
PROVIDER_STATUS = {
    ProviderUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    ProviderTimeout: status.HTTP_504_GATEWAY_TIMEOUT,
}
ERROR_DESCRIPTIONS = {
    400: "The request body cannot be parsed (malformed JSON or multipart form)",
    404: "Not found",
    413: "Over a limit: the upload (MAX_UPLOAD_BYTES), its text (MAX_TEXT_CHARS, MAX_CHUNKS)",
    415: "The file type is not supported, or the file is not text",
    422: "The request is invalid, or the document holds no text",
    429: "Too many jobs are queued (JOB_MAX_QUEUED): retry after Retry-After seconds",
    502: "The embedding or answering provider failed",
    503: "Storage, the job queue or a provider is unavailable: retry later",
    504: "The embedding or answering provider did not answer in time",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` of a route that can answer these error codes."""
    return {
        code: {"model": ErrorResponse, "description": ERROR_DESCRIPTIONS[code]} for code in codes
    }


# Operating system errors that say "storage cannot be used now", not "this is a bug".
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}
STORAGE_RETRY_SECONDS = 30
# A validation error shows this much of each string and list of the invalid input.
ECHOED_CHARS = 200


async def ingest_error(request: Request, error: Exception) -> JSONResponse:
    code = INGEST_STATUS.get(type(error), status.HTTP_422_UNPROCESSABLE_CONTENT)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def provider_error(request: Request, error: Exception) -> JSONResponse:
    logger.warning("provider failed: %s", error)
    return JSONResponse(
        {"detail": f"the embedding or answering provider failed: {error}"},
        status_code=PROVIDER_STATUS.get(type(error), status.HTTP_502_BAD_GATEWAY),
    )


def storage_unavailable(error: Exception) -> JSONResponse:
    logger.error("storage failed: %s: %s", type(error).__name__, error)
    return JSONResponse(
        {"detail": f"storage is unavailable ({type(error).__name__}: {error}); try again later"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(STORAGE_RETRY_SECONDS)},
    )


async def storage_error(request: Request, error: Exception) -> JSONResponse:
    return storage_unavailable(error)


async def os_error(request: Request, error: Exception) -> JSONResponse:
    """Full disk, read-only or unreadable store folder: 503; any other OSError is a bug."""
    if isinstance(error, OSError) and error.errno in STORAGE_ERRNOS:
        return storage_unavailable(error)
    raise error


def echoed(value: Any) -> Any:
    """The value as a 422 shows it: strings cut to ECHOED_CHARS, lone surrogates escaped."""
    if isinstance(value, str):
        cut = value[:ECHOED_CHARS] + ("…" if len(value) > ECHOED_CHARS else "")
        return cut.encode(errors="backslashreplace").decode()
    if isinstance(value, dict):
        return {echoed(key): echoed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [echoed(item) for item in value[:ECHOED_CHARS]]
    return value


async def validation_error(request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, with the invalid input cut short (a query can be megabytes long)."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        {"detail": echoed(jsonable_encoder(error.errors()))},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def database_errors() -> list[type[Exception]]:
    """The "cannot connect" errors of the database drivers this project has."""
    errors = []
    drivers = [
        ("sqlalchemy.exc", "OperationalError"),
        ("psycopg", "OperationalError"),
        ("pymongo.errors", "ConnectionFailure"),
    ]
    for module, name in drivers:
        with suppress(ImportError):
            errors.append(getattr(importlib.import_module(module), name))
    return errors


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(IngestError, ingest_error)
    app.add_exception_handler(ProviderError, provider_error)
    app.add_exception_handler(StorageError, storage_error)
    for database_error in [sqlite3.OperationalError, *database_errors()]:
        app.add_exception_handler(database_error, storage_error)
    app.add_exception_handler(OSError, os_error)
