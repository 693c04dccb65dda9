"""Request and response bodies of the HTTP API (the models of core are reused where they fit)."""

from typing import Annotated, Any

from pydantic import BaseModel, Field

from core.models import DocumentInfo, Hit

MAX_TOP_K = 50
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000_000
MAX_QUERY_CHARS = 4000


class SearchRequest(BaseModel):
    query: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]
    top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K)] = 5


class AskRequest(BaseModel):
    question: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS)]
    top_k: Annotated[int, Field(ge=1, le=MAX_TOP_K)] = 5


class SearchResponse(BaseModel):
    hits: list[Hit]


class DocumentPage(BaseModel):
    items: list[DocumentInfo]
    total: int
    offset: int
    limit: int


class ErrorResponse(BaseModel):
    """Every error: a message, or (invalid request) FastAPI's list of problems."""

    detail: str | list[dict[str, Any]]


class Readiness(BaseModel):
    status: str = Field(description='"ready", or the failing dependencies')
    checks: dict[str, str] = Field(description='Each dependency: "ok" or its error')
