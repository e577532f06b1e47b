"""The API against its own OpenAPI document (schemathesis: generated requests for every operation):
no request, however odd, gets a 500, and every answer matches the document's status codes."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web app's dependencies are not installed")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")


def _app(home: Path) -> object:
    from artproof.services import build_services
    from artproof.settings import Settings
    from artproof.web.app import create_app

    settings = Settings.from_env({"ARTPROOF_HOME": str(home), "ARTPROOF_PASSPHRASE": "operator passphrase",
                                  "ARTPROOF_RATE_LOGIN": "0", "ARTPROOF_RATE_VERIFY": "0"})  # fmt: skip
    build_services(settings).identities.init("The Registry", "operator passphrase")
    return create_app(settings)


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_asgi("/openapi.json", _app(tmp_path / "home"))
    seen: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: object) -> None:
            response = case.call()  # type: ignore[attr-defined]
            case.validate_response(response, checks=[not_a_server_error])  # type: ignore[attr-defined]
            key = f"{case.method} {case.path}"  # type: ignore[attr-defined]
            seen[key] = seen.get(key, 0) + 1

        check()
    assert {"POST /api/v1/verify", "GET /api/v1/works", "POST /api/v1/works", "POST /api/v1/tokens"} <= seen.keys()
