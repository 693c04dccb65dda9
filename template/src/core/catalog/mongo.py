"""Document metadata in MongoDB (collection `documents`, one record per document).

Of two versions of a document, the later `ingested_at` stays, whichever is written last."""

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cached_property
from typing import Annotated, Any

from pydantic import Field
from pymongo import DESCENDING, MongoClient
from pymongo.collection import Collection
from pymongo.errors import ConnectionFailure, DuplicateKeyError

from core.catalog.base import Catalog
from core.errors import StorageUnavailable
from core.models import DocumentInfo
from core.settings import EnvSettings
from core.stores.base import VectorStore

SORT = [("ingested_at", DESCENDING), ("_id", 1)]


class MongoSettings(EnvSettings):
    mongodb_url: Annotated[str, Field(pattern=r"^mongodb(\+srv)?://")]
    mongodb_database: str = "app"


def to_record(document: DocumentInfo) -> dict[str, Any]:
    return {
        "_id": document.document_id,
        "filename": document.filename,
        "chunks": document.chunks,
        "ingested_at": document.ingested_at,
    }


def from_record(record: dict[str, Any]) -> DocumentInfo:
    return DocumentInfo(
        document_id=record["_id"],
        filename=record["filename"],
        chunks=record["chunks"],
        ingested_at=record["ingested_at"],
    )


@contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except ConnectionFailure as error:
        raise StorageUnavailable(f"MongoDB cannot be reached: {error}") from error


class MongoCatalog(Catalog):
    name = "mongodb"

    def __init__(self, url: str, database: str) -> None:
        self._url = url
        self._database = database

    @cached_property
    def _client(self) -> MongoClient[dict[str, Any]]:
        return MongoClient(self._url, tz_aware=True, serverSelectionTimeoutMS=5000)

    @property
    def _documents(self) -> Collection[dict[str, Any]]:
        return self._client[self._database]["documents"]

    def put(self, document: DocumentInfo) -> None:
        record = to_record(document)
        newer_or_absent = {"_id": record.pop("_id"), "ingested_at": {"$lte": document.ingested_at}}
        # DuplicateKeyError: a later version is stored (no match, and the insert collides).
        with _reachable(), suppress(DuplicateKeyError):
            self._documents.update_one(newer_or_absent, {"$set": record}, upsert=True)

    def remove(self, document_id: str) -> bool:
        with _reachable():
            return self._documents.delete_one({"_id": document_id}).deleted_count > 0

    def documents(self, offset: int, limit: int) -> tuple[list[DocumentInfo], int]:
        with _reachable():
            records = list(self._documents.find().sort(SORT).skip(offset).limit(limit))
            total = self._documents.count_documents({})
        return [from_record(record) for record in records], total

    def check(self) -> None:
        with _reachable():
            self._client.admin.command("ping")


def create(store: VectorStore) -> MongoCatalog:
    settings = MongoSettings.read()
    return MongoCatalog(settings.mongodb_url, settings.mongodb_database)
