"""HTTP method semantics per endpoint: what Keycloak 26.7.3 answers for a method its
JAX-RS resource does not declare (observed 26.7.3, fixtures/keycloak/observed-26.7.3.json).

RESTEasy answers 405 ``{"error":"HTTP 405 Method Not Allowed"}`` where the path has
resource methods but not this one (token endpoint GET/PUT/DELETE, certs POST, PATCH on
the admin clients collection, PUT on clients-initial-access), a HEAD without GET is a
405 with no body, OPTIONS is a bare 200 (the CORS preflight answer, no headers), and
where a sub-resource locator matched but no method did, 404 ``HTTP 404 Not Found``
(GET/PUT/DELETE on the registration collection, POST on a registration client).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.products.keycloak.emulator.http import SECURITY_HEADERS, bare_error, no_frame_options

REG = "/realms/{realm}/clients-registrations/{provider}"




async def method_not_allowed(request: Request) -> Response:
    if request.method == "HEAD":
        resp = bare_error(405, "HTTP 405 Method Not Allowed")
        return Response(b"", status_code=405, headers={k: v for k, v in resp.headers.items() if k != "content-length"})
    return bare_error(405, "HTTP 405 Method Not Allowed")


async def not_found(request: Request) -> Response:
    return bare_error(404, "HTTP 404 Not Found")


async def options(request: Request) -> Response:
    """The CORS preflight answer: the security headers but X-Frame-Options, no body; on
    the registration collection 26.4 adds RESTEasy's ``Allow`` list
    (``KeycloakProfile.registration_options_allow``)."""
    resp = no_frame_options(Response(b"", status_code=200, headers=dict(SECURITY_HEADERS)))
    allow = request.app.state.ctx.profile.registration_options_allow
    if allow and "clients-registrations" in request.url.path:
        resp.headers["Allow"] = allow
    return resp


#: (path, methods answered 405, methods answered 404, OPTIONS answered 200)
TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...], bool], ...] = (
    ("/realms/{realm}/protocol/openid-connect/token", ("GET", "HEAD", "PUT", "DELETE", "PATCH"), (), True),
    (REG, ("HEAD", "PATCH"), ("GET", "PUT", "DELETE"), True),
    (REG + "/{client_id}", ("PATCH",), ("POST",), False),
    ("/realms/{realm}/.well-known/openid-configuration", (), ("POST",), False),
    ("/realms/{realm}/protocol/openid-connect/certs", ("POST",), (), False),
    ("/admin/realms/{realm}/clients", ("PATCH",), (), False),
    ("/admin/realms/{realm}/clients/{id}", (), ("POST",), False),
    ("/admin/realms/{realm}/clients-initial-access", ("PUT",), (), False),
    ("/realms/{realm}/{rest:path}", (), ("GET",), False),
)


def routes() -> list[Route]:
    """Routes placed after every real one, so they only catch what the others do not."""
    out: list[Route] = []
    for path, m405, m404, opt in TABLE:
        if m405:
            out.append(Route(path, method_not_allowed, methods=list(m405)))
        if m404:
            out.append(Route(path, not_found, methods=list(m404)))
        if opt:
            out.append(Route(path, options, methods=["OPTIONS"]))
    return out
