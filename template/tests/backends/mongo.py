"""MongoDB: set TEST_MONGODB_URL to run against a real server. Without it the catalog runs on
mongomock, an in-memory imitation of pymongo: it checks the calls, not a server's behaviour."""

import os
import uuid

import pytest

# Without a server, the catalog runs on mongomock, which lives in this process.
IMITATED = "TEST_MONGODB_URL" not in os.environ


@pytest.fixture
def mongo_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    if IMITATED:
        import mongomock

        monkeypatch.setattr("core.catalog.mongo.MongoClient", mongomock.MongoClient)
    return {
        "MONGODB_URL": os.environ.get("TEST_MONGODB_URL", "mongodb://127.0.0.1:27017"),
        "MONGODB_DATABASE": f"test_{uuid.uuid4().hex[:12]}",
    }
