"""The test side of the project's backends: each module here is named after a backend, is loaded
as a pytest plugin by tests/conftest.py, and provides the fixture `<name>_env`: the environment
variables of a fresh, isolated instance of the backend for one test."""

import pkgutil

EMBEDDING_DIM = 384  # of the tests' embeddings, and of the vectors in a migrated database

NAMES = [module.name for module in pkgutil.iter_modules(__path__)]
