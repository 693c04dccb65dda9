"""A real MLflow tracking server (tests/mlflow_server.py), started once for the evaluation's
tests."""

from collections.abc import Iterator

import pytest

from tests.mlflow_server import mlflow_server


@pytest.fixture(scope="package")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with mlflow_server(tmp_path_factory.mktemp("mlflow")) as url:
        yield url
