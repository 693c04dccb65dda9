"""The vector store interface.

A document is stored as chunks tagged with a version. Re-ingesting adds the new version, then
removes the old one, so a failure never leaves a document half-stored (see core.service).
"""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Protocol, runtime_checkable

from core.embedders.base import Vectors
from core.models import DocumentInfo, Hit


class VectorStore(ABC):
    name: str

    @abstractmethod
    def add(self, document: DocumentInfo, version: str, texts: list[str], vectors: Vectors) -> None:
        """Store the chunks of one version of a document (all of them, or none)."""

    @abstractmethod
    def delete(self, document_id: str, keep_version: str | None = None) -> int:
        """Remove the chunks of a document, except those of keep_version; return how many."""

    @abstractmethod
    def delete_version(self, document_id: str, version: str) -> None:
        """Remove the chunks of one version (undoes a failed add)."""

    @abstractmethod
    def search(self, vector: Vectors, top_k: int) -> list[Hit]:
        """The top_k chunks closest to a unit vector, best first; score is the cosine similarity."""

    @abstractmethod
    def count(self) -> int:
        """Number of stored chunks."""

    @abstractmethod
    def check(self) -> None:
        """Raise if the store cannot be used."""


@runtime_checkable
class DocumentListing(Protocol):
    """A store that can list documents itself (when there is no metadata database)."""

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]: ...


def chunk_id(document_id: str, version: str, chunk_index: int) -> str:
    return f"{document_id}:{version}:{chunk_index}"


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)
