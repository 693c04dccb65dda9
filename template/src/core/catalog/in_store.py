"""No metadata database: the vector store keeps each document's metadata with its chunks."""

from core.catalog.base import Catalog
from core.models import DocumentInfo
from core.stores.base import DocumentListing, VectorStore


class InStoreCatalog(Catalog):
    name = "vector_store"

    def __init__(self, store: DocumentListing) -> None:
        self._store = store

    def put(self, document: DocumentInfo) -> None:
        """Nothing to do: the store keeps the metadata of the version it kept (the latest)."""

    def remove(self, document_id: str) -> bool:
        return False  # the chunks, removed from the store, carried the metadata

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        return self._store.documents(offset, limit)

    def check(self) -> None:
        """Checked as the vector store."""


def create(store: VectorStore) -> InStoreCatalog:
    if not isinstance(store, DocumentListing):
        raise TypeError(f"{store.name} cannot list documents: a metadata database is needed")
    return InStoreCatalog(store)
