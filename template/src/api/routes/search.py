"""Search the chunks, ask a question."""

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from api import sse
from api.deps import Service
from api.errors import error_responses
from api.schemas import AskRequest, SearchRequest, SearchResponse
from core.models import Answer

router = APIRouter(tags=["search"])


@router.post("/search", responses=error_responses(400, 422, 502, 503, 504))
def search(body: SearchRequest, service: Service) -> SearchResponse:
    """The chunks that best match the query, best first (by SEARCH_MODE: vector, keyword or
    hybrid; the score's meaning depends on it, higher is always better)."""
    return SearchResponse(hits=service.search(body.query, body.top_k))


@router.post(
    "/ask",
    response_model=Answer,
    responses={
        200: {"content": {sse.MEDIA_TYPE: {}}, "description": "JSON, or events"},
        **error_responses(400, 422, 502, 503, 504),
    },
)
def ask(body: AskRequest, service: Service, request: Request) -> Answer | StreamingResponse:
    """An answer built from the closest chunks, with those chunks as citations.

    With `Accept: text/event-stream`, the answer comes as server-sent events while it is
    generated: `sources`, then `token` events, then `done` (or `error`).
    """
    if sse.MEDIA_TYPE in request.headers.get("accept", ""):
        # Started here, so that an unreachable provider is still an HTTP error (503).
        streamed = service.ask_streamed(body.question, body.top_k)
        return StreamingResponse(sse.answer_events(streamed), media_type=sse.MEDIA_TYPE)
    return service.ask(body.question, body.top_k)
