"""Bulk load: documents already extracted and chunked elsewhere (the Spark job's Parquet)."""

from typing import Annotated

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from api.deps import Service
from api.errors import error_responses
from core.models import IngestResult

router = APIRouter(prefix="/documents", tags=["documents"])


class ChunkedDocument(BaseModel):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    texts: Annotated[list[str], Field(min_length=1, max_length=10_000)]


@router.post(
    "/chunks",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 422, 502, 503, 504),
)
def load_chunks(request: Request, service: Service, document: ChunkedDocument) -> IngestResult:
    """Store a document's chunks as they are (embedded here); a document of the same file
    name is replaced."""
    result = service.ingest_texts(document.filename, document.texts)
    request.app.state.metrics.observe_ingest(result.chunks)
    return result
