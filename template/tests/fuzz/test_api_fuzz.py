"""The API fuzzed from its own OpenAPI document (schemathesis, in process): whatever a client
sends, valid or not, the answer is never a 5xx and matches the documented codes and schemas."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.schemas import APIOperation

from api.main import create_app
from core.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 30


def operations(app_settings: Settings) -> list[APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(app_settings))
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(operation: APIOperation, api_key: str) -> None:
    """An authenticated client: what is fuzzed is the API behind the key check."""
    headers = {"Authorization": f"Bearer {api_key}"}
    cases = st.one_of(operation.as_strategy(mode) for mode in GenerationMode)

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


def test_every_operation_answers_as_documented(
    settings: Settings, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")  # the in-process client's host name
    found = operations(settings)
    assert {operation.path for operation in found} >= {"/documents", "/search", "/ask"}
    failures = []
    for operation in found:
        try:
            fuzz(operation, api_key)
        except Exception as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    if failures:
        pytest.fail("\n\n".join(failures))
