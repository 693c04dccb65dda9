"""Errors turned into JSON answers: 4xx for bad input, 502 for a failing provider (503 when it
cannot be reached, 504 when it is too slow)."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from core.errors import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    UnsupportedFileType,
)

logger = logging.getLogger(__name__)

INGEST_STATUS = {
    UnsupportedFileType: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    DocumentTooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
    EmptyDocument: status.HTTP_422_UNPROCESSABLE_CONTENT,
}
PROVIDER_STATUS = {
    ProviderUnavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
    ProviderTimeout: status.HTTP_504_GATEWAY_TIMEOUT,
}


async def ingest_error(request: Request, error: Exception) -> JSONResponse:
    code = INGEST_STATUS.get(type(error), status.HTTP_422_UNPROCESSABLE_CONTENT)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def provider_error(request: Request, error: Exception) -> JSONResponse:
    logger.warning("provider failed: %s", error)
    return JSONResponse(
        {"detail": f"the embedding or answering provider failed: {error}"},
        status_code=PROVIDER_STATUS.get(type(error), status.HTTP_502_BAD_GATEWAY),
    )


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IngestError, ingest_error)
    app.add_exception_handler(ProviderError, provider_error)
