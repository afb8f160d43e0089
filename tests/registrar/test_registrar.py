"""The RFC 7591/7592/token clients: typed errors, garbage answers, IdP down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from harness.core.serving import BackgroundServer, free_port
from harness.registrar import discovery, rfc7591, rfc7592, token
from harness.registrar.errors import (
    InvalidClientMetadata,
    InvalidToken,
    MalformedResponse,
    TransportError,
    UnknownOAuthError,
    error_from_response,
)


def _app() -> Starlette:
    async def html(_: Request) -> Response:
        return PlainTextResponse("<html>502 Bad Gateway</html>", status_code=502)

    async def ok_but_garbage(_: Request) -> Response:
        return PlainTextResponse("not json", status_code=201)

    async def no_client_id(_: Request) -> Response:
        return JSONResponse({"client_secret": "x"}, status_code=201)

    async def custom_error(_: Request) -> Response:
        return JSONResponse({"error": "access_denied", "error_description": "nope"}, status_code=403)

    async def token_no_access_token(_: Request) -> Response:
        return JSONResponse({"token_type": "Bearer"})

    async def wellknown(_: Request) -> Response:
        return JSONResponse({"issuer": "x"})

    return Starlette(routes=[
        Route("/html", html, methods=["POST", "GET"]),
        Route("/garbage", ok_but_garbage, methods=["POST"]),
        Route("/noid", no_client_id, methods=["POST"]),
        Route("/custom", custom_error, methods=["POST"]),
        Route("/token", token_no_access_token, methods=["POST"]),
        Route("/.well-known/openid-configuration", wellknown),
    ])


@pytest.fixture(scope="module")
def srv() -> Iterator[str]:
    with BackgroundServer(_app(), name="garbage-idp") as s:
        yield s.url


def test_typed_errors_from_rfc_codes() -> None:
    err = error_from_response(400, {"error": "invalid_client_metadata", "error_description": "Client Identifier included"},
                              what="registration", url="http://x")
    assert isinstance(err, InvalidClientMetadata)
    assert str(err) == "registration refused: HTTP 400 invalid_client_metadata: Client Identifier included"
    assert err.spec == "RFC 7591 §3.2.2"
    assert isinstance(error_from_response(401, {"error": "invalid_token"}, what="r", url="u"), InvalidToken)


def test_unknown_code_keeps_raw_value(srv: str) -> None:
    with pytest.raises(UnknownOAuthError) as ei:
        rfc7591.register(requests.Session(), srv + "/custom", {"client_name": "x"})
    assert ei.value.code == "access_denied" and ei.value.status == 403


def test_html_error_page_is_a_malformed_response(srv: str) -> None:
    with pytest.raises(MalformedResponse, match=r"HTTP 502 with a non-OAuth answer: '<html>502 Bad Gateway</html>'"):
        rfc7591.register(requests.Session(), srv + "/html", {"client_name": "x"})


def test_success_status_with_garbage_body(srv: str) -> None:
    with pytest.raises(MalformedResponse, match="body is not a JSON object"):
        rfc7591.register(requests.Session(), srv + "/garbage", {"client_name": "x"})


def test_registration_without_client_id(srv: str) -> None:
    with pytest.raises(MalformedResponse, match="without a client_id"):
        rfc7591.register(requests.Session(), srv + "/noid", {"client_name": "x"})


def test_token_answer_without_access_token(srv: str) -> None:
    with pytest.raises(MalformedResponse, match="no access_token"):
        token.client_credentials(requests.Session(), srv + "/token", "c", "secret-value")


def test_discovery_without_required_members(srv: str) -> None:
    with pytest.raises(MalformedResponse, match="has no 'token_endpoint'"):
        discovery.discover(requests.Session(), srv)


def test_idp_down_is_a_transport_error_without_secrets() -> None:
    url = f"http://127.0.0.1:{free_port()}/register"
    with pytest.raises(TransportError) as ei:
        rfc7591.register(requests.Session(), url, {"client_name": "x"}, initial_access_token="iat-very-secret")
    assert "cannot connect" in str(ei.value)
    assert "iat-very-secret" not in str(ei.value)


def test_management_needs_credentials() -> None:
    c = rfc7591.RegisteredClient("id", None, None, None, 201)
    with pytest.raises(ValueError, match="no registration_client_uri"):
        rfc7592.read(requests.Session(), c)


def test_unsupported_auth_method_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="not supported"):
        token.client_credentials(requests.Session(), "http://127.0.0.1:9/t", "c", "s", auth_method="private_key_jwt")
