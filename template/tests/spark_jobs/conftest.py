"""The API's fixtures: the load step sends the chunks to the real application."""

from tests.api.conftest import _restore_logging, client, make_client  # noqa: F401
