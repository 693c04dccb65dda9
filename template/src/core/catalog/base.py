"""The catalog: where document metadata (file name, chunk count, time) is kept and listed."""

from abc import ABC, abstractmethod

from core.models import DocumentInfo


class Catalog(ABC):
    name: str

    @abstractmethod
    def put(self, document: DocumentInfo) -> None:
        """Insert or replace the metadata of a document, unless the catalog holds a version
        with a later `ingested_at` (as the vector store does)."""

    @abstractmethod
    def remove(self, document_id: str) -> bool:
        """Remove a document's metadata; False if it was not there."""

    @abstractmethod
    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        """A page of documents, newest first, and the total number of documents."""

    @abstractmethod
    def check(self) -> None:
        """Raise if the catalog cannot be used."""
