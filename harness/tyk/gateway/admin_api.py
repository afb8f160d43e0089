"""A minimal Tyk Gateway REST API under ``/tyk/`` (gateway/api.go, server.go).

Guarded by ``x-tyk-authorization`` equal to tyk.conf ``secret`` (checkIsAPIOwner).
Writes are stored and go live on ``GET /tyk/reload`` (Tyk writes files and reloads).
Answers use Tyk's shapes: ``{"key": id, "status": "ok", "action": "added"}``,
``{"status": "error", "message": "..."}``; JSON is written like Go's json.Encoder.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.core.errors import ConfigError
from harness.tyk.gateway.apidef import parse_apidef
from harness.tyk.gateway.oas import is_oas, oas_api_id
from harness.tyk.gateway.policies import parse_policy

if TYPE_CHECKING:
    from harness.tyk.gateway.gateway import Gateway

log = logging.getLogger(__name__)

ADMIN_DENIED = "Attempted administrative access with invalid or missing key!"


def go_json(obj: Any, status: int = 200) -> Response:
    """doJSONWrite: compact JSON plus a newline, HTML characters escaped."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Response((text + "\n").encode("utf-8"), status_code=status, media_type="application/json")


def _ok(msg: str) -> dict[str, str]:
    return {"status": "ok", "message": msg}


def _err(msg: str) -> dict[str, str]:
    return {"status": "error", "message": msg}


def _modified(key: str, action: str) -> dict[str, str]:
    return {"key": key, "status": "ok", "action": action}


def admin_routes(gw: Gateway) -> list[Route]:
    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            if request.headers.get("x-tyk-authorization", "") != gw.profile.secret:
                log.warning("Attempted administrative access with invalid or missing key!")
                return go_json(_err(ADMIN_DENIED), 403)
            return await handler(request)

        return endpoint

    async def body_json(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except (ValueError, RecursionError):
            # RecursionError: nested deeper than Python's limit. Go's encoding/json stops at
            # depth 10000 (scanner.go maxNestingDepth, "exceeded max nesting depth") and
            # Tyk answers such a body as any it cannot decode: 400 "Request malformed".
            return None

    async def apis(request: Request) -> Response:
        api_id = request.path_params.get("api_id")
        if request.method == "GET":
            if api_id is None:
                return go_json([copy_raw(a.raw) for a in gw.apis.values()])
            api = gw.apis.get(api_id)
            return go_json(copy_raw(api.raw)) if api else go_json(_err("API not found"), 404)
        if request.method == "DELETE":
            if api_id not in gw.apis:
                return go_json(_err("API not found"), 404)
            if api_id not in gw.stored_apis:
                return go_json(_err("Delete failed"), 500)
            del gw.stored_apis[api_id]
            return go_json(_modified(api_id, "deleted"))
        raw = await body_json(request)
        if not isinstance(raw, dict):
            return go_json(_err("Request malformed"), 400)
        if request.method == "PUT":
            if api_id not in gw.apis:
                return go_json(_err("API not found"), 404)
            if raw.get("api_id", oas_api_id(raw)) != api_id:
                return go_json(_err("Request APIID does not match that in Definition! For Update operations these must match."), 400)
        elif not raw.get("api_id") and not is_oas(raw):
            raw["api_id"] = uuid.uuid4().hex  # APIDefinition.GenerateAPIID
        try:
            api = parse_apidef(raw, f"<POST /tyk/apis {raw.get('api_id') or oas_api_id(raw)}>")
        except ConfigError as exc:
            log.warning("rejected API definition: %s", gw.redactor.error(exc))
            gw.admin_errors.append(str(exc))
            return go_json(_err("Request malformed"), 400)
        for line in gw.note_warnings(api.warnings):  # Tyk stores it all the same, ignoring those keys
            log.warning("API definition: %s", line)
        gw.stored_apis[api.api_id] = raw
        return go_json(_modified(api.api_id, "modified" if request.method == "PUT" else "added"))

    async def policies(request: Request) -> Response:
        pol_id = request.path_params.get("pol_id")
        if request.method == "GET":
            if pol_id is None:
                return go_json([copy_raw(p.raw) for p in gw.policies.values()])
            pol = gw.policies.get(pol_id)
            return go_json(copy_raw(pol.raw)) if pol else go_json(_err("Policy not found"), 404)
        if request.method == "DELETE":
            if pol_id is None:
                return go_json(_err("Must specify an apiID to delete"), 400)
            if pol_id not in gw.stored_policies:
                return go_json(_err("Delete failed"), 500)
            del gw.stored_policies[pol_id]
            return go_json(_modified(pol_id, "deleted"))
        if request.method == "PUT" and pol_id is None:
            return go_json(_err("Must specify an apiID to update"), 400)
        raw = await body_json(request)
        if not isinstance(raw, dict):
            return go_json(_err("Request malformed"), 400)
        new_id = raw.get("id") if isinstance(raw.get("id"), str) else ""
        if pol_id is not None and new_id != pol_id and request.method == "PUT":
            return go_json(_err("Request ID does not match that in policy! For Update operations these must match."), 400)
        if not new_id:
            return go_json(_err("Unable to create policy without id."), 400)
        try:
            pol = parse_policy(raw, f"<{request.method} /tyk/policies {new_id}>", new_id)
        except ConfigError as exc:
            log.warning("rejected policy: %s", gw.redactor.error(exc))
            gw.admin_errors.append(str(exc))
            return go_json(_err("Request malformed"), 400)
        for line in gw.note_warnings(pol.warnings):
            log.warning("policy: %s", line)
        gw.stored_policies[new_id] = raw
        return go_json(_modified(new_id, "added" if request.method == "POST" else "modified"))

    async def reload(request: Request) -> Response:
        for problem in gw.reload():
            log.warning("reload skipped: %s", gw.redactor.text(problem))
            gw.admin_errors.append(problem)
        return go_json(_ok(""))

    async def jwks_cache(request: Request) -> Response:
        gw.invalidate_jwks_cache(request.path_params.get("api_id"))
        return go_json(_ok("cache invalidated"))

    return [
        Route("/apis", guarded(apis), methods=["GET", "POST"]),
        Route("/apis/oas", guarded(apis), methods=["GET", "POST"]),  # Tyk OAS (gateway/api.go)
        Route("/apis/oas/{api_id}", guarded(apis), methods=["GET", "PUT", "DELETE"]),
        Route("/apis/{api_id}", guarded(apis), methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/policies", guarded(policies), methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/policies/{pol_id}", guarded(policies), methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/reload", guarded(reload), methods=["GET"]),
        Route("/reload/group", guarded(reload), methods=["GET"]),
        Route("/cache/jwks", guarded(jwks_cache), methods=["DELETE"]),
        Route("/cache/jwks/{api_id}", guarded(jwks_cache), methods=["DELETE"]),
    ]


def copy_raw(raw: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(raw))
