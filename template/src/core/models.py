"""Data exchanged between the core, the API and the worker."""

from datetime import datetime

from pydantic import BaseModel, Field


class Chunk(BaseModel):
    """A piece of a document, the unit that is embedded and searched."""

    document_id: str
    source: str = Field(description="File name of the document")
    chunk_index: int
    text: str


class Hit(BaseModel):
    """A chunk found by a search, with its score (higher is better; see core/retrieval.py)."""

    document_id: str
    source: str
    chunk_index: int
    text: str
    score: float


class DocumentInfo(BaseModel):
    document_id: str
    filename: str
    chunks: int
    ingested_at: datetime


class IngestResult(BaseModel):
    document_id: str
    filename: str
    chunks: int


class Answer(BaseModel):
    answer: str
    citations: list[Hit]
