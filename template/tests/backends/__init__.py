"""The test side of the project's backends: each module here is named after a backend, is loaded
as a pytest plugin by tests/conftest.py, and provides the fixture `<name>_env`: the environment
variables of a fresh, isolated instance of the backend for one test."""

import os
import pkgutil

import pytest

EMBEDDING_DIM = 384  # of the tests' embeddings, and of the vectors in a migrated database

NAMES = [module.name for module in pkgutil.iter_modules(__path__)]

# For tests that run the service in other processes: mongomock lives in this one.
IN_OTHER_PROCESSES = pytest.mark.skipif(
    "mongo" in NAMES and "TEST_MONGODB_URL" not in os.environ,
    reason="not applicable here: the service runs in other processes, which need a real MongoDB "
    "server (none can run on this machine); set TEST_MONGODB_URL to run it",
)
