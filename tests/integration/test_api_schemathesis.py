"""schemathesis against the app with a token: generated requests for every operation of the
OpenAPI document, no 5xx, and every answer as the document says (issue #11). Bounded: a few
examples per operation, derandomized, so that it takes seconds."""

from __future__ import annotations

import socket

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.shared_world
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 3


def _no_dns(host, *args, **kwargs):  # type: ignore[no-untyped-def]
    raise socket.gaierror("no DNS in the tests")


def test_generated_requests_find_no_server_error_and_no_answer_outside_the_document(app, world, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", _no_dns)  # a generated webhook URL must not reach the network
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {world.token_a_secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
