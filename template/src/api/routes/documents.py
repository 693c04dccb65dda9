"""Upload, list and delete documents."""

from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Query, Request, Response, UploadFile, status

from api.deps import AppSettings, Service
from api.errors import error_responses
from api.schemas import MAX_OFFSET, MAX_PAGE_SIZE, DocumentPage
from api.uploads import read_upload
from core.models import IngestResult

router = APIRouter(prefix="/documents", tags=["documents"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 413, 415, 422, 502, 503, 504),
)
def upload_document(
    request: Request,
    service: Service,
    settings: AppSettings,
    file: Annotated[UploadFile, File(description="A .txt, .md, .html or .pdf document")],
) -> IngestResult:
    """Ingest a document; a document of the same file name is replaced."""
    filename, content = read_upload(file, settings.max_upload_bytes)
    result = service.ingest(filename, content)
    request.app.state.metrics.observe_ingest(result.chunks)
    return result


@router.get("", responses=error_responses(422, 503))
def list_documents(
    service: Service,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> DocumentPage:
    items, total = service.list_documents(offset, limit)
    return DocumentPage(items=items, total=total, offset=offset, limit=limit)


@router.delete(
    "/{document_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(404, 503),
)
def delete_document(document_id: str, service: Service) -> Response:
    if not service.delete_document(document_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no document {document_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
