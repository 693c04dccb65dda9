"""Search the chunks, ask a question."""

from fastapi import APIRouter

from api.deps import Service
from api.schemas import AskRequest, SearchRequest, SearchResponse
from core.models import Answer

router = APIRouter(tags=["search"])


@router.post("/search")
def search(body: SearchRequest, service: Service) -> SearchResponse:
    """The chunks closest to the query, best first."""
    return SearchResponse(hits=service.search(body.query, body.top_k))


@router.post("/ask")
def ask(body: AskRequest, service: Service) -> Answer:
    """An answer built from the closest chunks, with those chunks as citations."""
    return service.ask(body.question, body.top_k)
