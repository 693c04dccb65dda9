"""Errors turned into JSON answers: 4xx for bad input, 502 for a failing provider."""

import logging

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse

from core.errors import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    ProviderError,
    UnsupportedFileType,
)

logger = logging.getLogger(__name__)

INGEST_STATUS = {
    UnsupportedFileType: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    DocumentTooLarge: status.HTTP_413_CONTENT_TOO_LARGE,
    EmptyDocument: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


async def ingest_error(request: Request, error: Exception) -> JSONResponse:
    code = INGEST_STATUS.get(type(error), status.HTTP_422_UNPROCESSABLE_CONTENT)
    return JSONResponse({"detail": str(error)}, status_code=code)


async def provider_error(request: Request, error: Exception) -> JSONResponse:
    logger.warning("provider failed: %s", error)
    return JSONResponse(
        {"detail": f"the embedding or answering provider failed: {error}"},
        status_code=status.HTTP_502_BAD_GATEWAY,
    )


def add_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(IngestError, ingest_error)
    app.add_exception_handler(ProviderError, provider_error)
