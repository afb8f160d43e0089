"""The Starlette app of the Gluu 4 (oxAuth) emulator.

Routes (``/oxauth`` is ``GluuProfile.context_path``):

* ``GET  /.well-known/openid-configuration`` — discovery at the server root;
* ``POST /oxauth/restv1/register`` — RFC 7591 registration (open, 200 by default);
* ``GET|PUT|DELETE /oxauth/restv1/register?client_id=...`` — RFC 7592 management;
* ``POST /oxauth/restv1/token`` — client_credentials;
* ``GET  /oxauth/restv1/jwks`` — the keystore filtered by ``jwksAlgorithmsSupported``;
* ``GET|PUT /dcr-harness/admin/configuration`` — the admin step (see admin.py);
* ``GET /dcr-harness/admin/clients``, ``DELETE /dcr-harness/admin/clients/{inum}`` — what
  oxTrust shows of the registered clients, and its Delete (see admin.py).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.gluu.emulator import admin, discovery, registration, token
from harness.products.gluu.emulator.state import GluuState


async def _register_dispatch(request: Request) -> Response:
    handler = {
        "POST": registration.register,
        "GET": registration.read,
        "PUT": registration.update,
        "DELETE": registration.delete,
    }[request.method]
    return await handler(request)


def create_app(state: GluuState) -> Starlette:
    """An ASGI app serving ``state`` (set ``state.base_url`` before the first request)."""
    p = state.profile
    app = Starlette(
        routes=[
            Route("/.well-known/openid-configuration", discovery.openid_configuration, methods=["GET"]),
            Route(p.endpoint_path("register"), _register_dispatch, methods=["POST", "GET", "PUT", "DELETE"]),
            Route(p.endpoint_path("token"), token.token, methods=["POST"]),
            Route(p.endpoint_path("jwks"), discovery.jwks, methods=["GET"]),
            Route(admin.ADMIN_PATH, admin.configuration, methods=["GET", "PUT"]),
            Route(admin.CLIENTS_PATH, admin.clients, methods=["GET"]),
            Route(admin.CLIENTS_PATH + "/{inum}", admin.delete_client, methods=["DELETE"]),
        ]
    )
    app.state.gluu = state
    return app
