"""The API under test: the real application (lifespan included) on the project's backends."""

import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from core.settings import Settings

MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(settings: Settings, api_key: str) -> Iterator[MakeClient]:
    """make_client(**setting_overrides): a started application and a client talking to it,
    under an allowed host name, with the key (make_client(key=None): without)."""
    stack: list[TestClient] = []

    def make(key: str | None = api_key, **overrides: object) -> TestClient:
        app = create_app(settings.model_copy(update=overrides))
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = TestClient(
            app, base_url="http://localhost", headers=headers, raise_server_exceptions=False
        )
        stack.append(client.__enter__())
        return client

    yield make
    for client in reversed(stack):
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """configure_logging() replaces the root handler; put the test runner's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
