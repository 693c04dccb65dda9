"""The test side of the project's backends: each module here is named after a backend, is loaded
as a pytest plugin by tests/conftest.py, and provides the fixture `<name>_env`: the environment
variables of a fresh, isolated instance of the backend for one test."""

import pkgutil
from importlib import import_module

import pytest

EMBEDDING_DIM = 384  # of the tests' embeddings, and of the vectors in a migrated database

NAMES = [module.name for module in pkgutil.iter_modules(__path__)]
# They are pytest plugins (tests/conftest.py), imported here first: rewrite their asserts too.
pytest.register_assert_rewrite(*(f"{__name__}.{name}" for name in NAMES))

# For tests that run the service in other processes: a backend imitated in this process (its
# module sets IMITATED = True) cannot follow them.
IN_OTHER_PROCESSES = pytest.mark.skipif(
    any(getattr(import_module(f"{__name__}.{name}"), "IMITATED", False) for name in NAMES),
    reason="not applicable here: the service runs in other processes, and a backend of this "
    "project is imitated in this one (see tests/backends)",
)
