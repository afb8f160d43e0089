"""The portal's HTTP API: Tyk Dashboard-style admin endpoints (``/api/...``, header
``Authorization: <dashboard user key>``) and the Developer Portal's OAuth client
endpoints (``/portal/api/...``, HTTP Basic with the developer's email and password).

Envelopes follow the Dashboard API: ``{"Status": "OK", "Message": ..., "Meta": ...}``
for writes, ``{"Status": "Error", "Message": ...}`` for failures.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from harness.tyk.portal.models import CatalogueEntry, Developer, PortalConfig
from harness.tyk.portal.service import PortalError, PortalService

Handler = Callable[[Request], Awaitable[Response]]


def ok(message: str, meta: Any = None, status: int = 200) -> JSONResponse:
    return JSONResponse({"Status": "OK", "Message": message, "Meta": meta}, status_code=status)


def err(message: str, status: int) -> JSONResponse:
    return JSONResponse({"Status": "Error", "Message": message, "Meta": None}, status_code=status)


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except (ValueError, json.JSONDecodeError):
        raise PortalError("request body is not valid JSON", status=400) from None
    except RecursionError:  # nested deeper than Python's limit: not a body the portal takes
        raise PortalError("request body is JSON nested too deeply", status=400) from None


def admin_routes(svc: PortalService) -> list[Route]:
    def guarded(fn: Handler) -> Handler:
        async def wrapper(request: Request) -> Response:
            key = request.headers.get("authorization", "")
            if not hmac.compare_digest(key.encode(), svc.settings.admin_secret.encode()):
                return err("Not authorised", 401)
            try:
                return await fn(request)
            except ValidationError as exc:
                first = exc.errors()[0]
                return err(f"invalid field {'.'.join(str(p) for p in first['loc'])}: {first['msg']}", 400)
            except PortalError as exc:  # may quote the IdP: redacted here, where it is answered
                return err(svc.redactor.error(exc), exc.status)
        return wrapper

    async def apis(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"apis": [{"api_definition": a} for a in svc.list_apis()], "pages": 1})
        body = await _json(request)
        apidef = body.get("api_definition", body) if isinstance(body, dict) else None
        if not isinstance(apidef, dict):
            raise PortalError("body must be an API definition object")
        created = svc.create_api(apidef)
        return ok("API created", created["api_id"])

    async def api_item(request: Request) -> Response:
        api_id = request.path_params["api_id"]
        if request.method == "GET":
            return JSONResponse({"api_definition": svc.get_api(api_id)})
        if request.method == "DELETE":
            svc.delete_api(api_id)
            return ok("API deleted")
        body = await _json(request)
        apidef = body.get("api_definition", body) if isinstance(body, dict) else None
        if not isinstance(apidef, dict):
            raise PortalError("body must be an API definition object")
        svc.update_api(api_id, apidef)
        return ok("Api updated", api_id)

    async def policies(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"Data": svc.list_policies(), "Pages": 1})
        body = await _json(request)
        if not isinstance(body, dict):
            raise PortalError("body must be a policy object")
        pol = svc.create_policy(body)
        return ok(pol["id"], pol["id"])

    async def policy_item(request: Request) -> Response:
        return JSONResponse(svc.get_policy(request.path_params["pid"]))

    async def catalogue(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"id": "catalogue", "apis": [e.model_dump() for e in svc.list_catalogue()]})
        entry = svc.create_catalogue_entry(CatalogueEntry.model_validate(await _json(request)))
        return ok("Catalogue entry created", entry.id)

    async def catalogue_item(request: Request) -> Response:
        cid = request.path_params["cid"]
        if request.method == "GET":
            return JSONResponse(svc.get_catalogue_entry(cid).model_dump())
        body = await _json(request)
        entry = svc.update_catalogue_entry(CatalogueEntry.model_validate({**body, "id": cid}))
        return ok("Catalogue entry updated", entry.id)

    async def configuration(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(svc.get_config().model_dump())
        svc.set_config(PortalConfig.model_validate(await _json(request)))
        return ok("Configuration updated")

    async def developers(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"Data": [d.model_dump(exclude={"password"}) for d in svc.list_developers()]})
        body = await _json(request)
        if not isinstance(body, dict) or not isinstance(body.get("email"), str) or not isinstance(body.get("password"), str):
            raise PortalError("developer needs string fields email and password")
        dev = svc.create_developer(body["email"], body["password"], body.get("fields") or {})
        return ok("Developer created", dev.id, status=200)

    return [
        Route("/api/apis", guarded(apis), methods=["GET", "POST"]),
        Route("/api/apis/{api_id}", guarded(api_item), methods=["GET", "PUT", "DELETE"]),
        Route("/api/portal/policies", guarded(policies), methods=["GET", "POST"]),
        Route("/api/portal/policies/{pid}", guarded(policy_item), methods=["GET"]),
        Route("/api/portal/catalogue", guarded(catalogue), methods=["GET", "POST"]),
        Route("/api/portal/catalogue/{cid}", guarded(catalogue_item), methods=["GET", "PUT"]),
        Route("/api/portal/configuration", guarded(configuration), methods=["GET", "PUT", "POST"]),
        Route("/api/portal/developers", guarded(developers), methods=["GET", "POST"]),
    ]


def developer_routes(svc: PortalService) -> list[Route]:
    def as_developer(fn: Callable[[Request, Developer], Awaitable[Response]]) -> Handler:
        async def wrapper(request: Request) -> Response:
            dev = _basic_developer(svc, request.headers.get("authorization", ""))
            if dev is None:
                return JSONResponse({"error": "sign in with your developer email and password"},
                                    status_code=401, headers={"WWW-Authenticate": BASIC_CHALLENGE})
            try:
                return await fn(request, dev)
            except PortalError as exc:
                body: dict[str, Any] = {"error": svc.redactor.error(exc)}
                return JSONResponse(body, status_code=exc.status)
        return wrapper

    async def dcr_apis(request: Request, dev: Developer) -> Response:
        return JSONResponse([{"id": e.id, "name": e.name, "policy_id": e.policy_id} for e in svc.dcr_catalogue()])

    async def clients(request: Request, dev: Developer) -> Response:
        if request.method == "GET":
            return JSONResponse([_public_client(c.model_dump(), reveal=False) for c in svc.list_clients(dev.id)])
        body = await _json(request)
        if not isinstance(body, dict):
            raise PortalError("body must be a JSON object")
        client = svc.create_oauth_client(dev.id, str(body.get("catalogue_id", "")), str(body.get("client_name", "")),
                                         body.get("redirect_uris"))
        return JSONResponse(_public_client(client.model_dump(), reveal=True), status_code=201)

    async def client_item(request: Request, dev: Developer) -> Response:
        cid = request.path_params["client_id"]
        if request.method == "DELETE":
            svc.delete_client(dev.id, cid)
            return Response(status_code=204)
        return JSONResponse(_public_client(svc.get_client(dev.id, cid).model_dump(), reveal=False))

    return [
        Route("/portal/api/oauth-clients/apis", as_developer(dcr_apis), methods=["GET"]),
        Route("/portal/api/oauth-clients", as_developer(clients), methods=["GET", "POST"]),
        Route("/portal/api/oauth-clients/{client_id}", as_developer(client_item), methods=["GET", "DELETE"]),
    ]


def _public_client(c: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    """What the developer sees: the secret once, right after creation; never the RAT."""
    out = {k: v for k, v in c.items() if k not in ("registration_access_token", "metadata")}
    if not reveal and out.get("client_secret"):
        out["client_secret"] = "********"
    return out


#: RFC 7617 §2.1: ``charset="UTF-8"`` tells the client to encode the email and password
#: as UTF-8, the only encoding :func:`_basic_developer` decodes (a developer's email or
#: password may be any Unicode text).
BASIC_CHALLENGE = 'Basic realm="developer portal", charset="UTF-8"'


def _basic_developer(svc: PortalService, header: str) -> Developer | None:
    scheme, _, cred = header.partition(" ")
    if scheme.lower() != "basic" or not cred:
        return None
    try:
        email, _, password = base64.b64decode(cred).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return svc.authenticate_developer(email, password)
