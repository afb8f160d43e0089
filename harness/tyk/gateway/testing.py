"""The testing kit for Tyk JWT APIs: keys, a JWK Set server, an echo upstream and a
gateway under test, with context-manager lifetime (shared/STYLE.md §2).

One kit for every place that needs "a JWT API in front of an upstream, keys published
at a JWKS URL": the gateway-jwt conformance probe, the gateway tests, the notebooks'
JWT lab and the gateway benchmark::

    with GatewayKit(jwks={"good": JwksDocument.of(keys.rsa)}, gateway=HarnessGateway()) as kit:
        kit.load([kit.api(api_id="a", listen_path="/a/", jwks="good")],
                 {"p": policy(name="p", api_ids=["a"])})
        httpx.get(kit.base_url + "/a/get", headers={"Authorization": "Bearer " + token})

The gateway is driven only the way a real Tyk gateway is: through its REST API
(:class:`TykRestApi`: ``/tyk/apis``, ``/tyk/policies``, ``/tyk/reload``, header
``x-tyk-authorization``; shared/reference/tyk.md "REST API") and HTTP calls to
:attr:`GatewayUnderTest.base_url`. :class:`HarnessGateway` is the harness's own gateway
behind that interface; a launcher of the real Tyk gateway with ``kind``, ``secret``,
``base_url``, ``start``/``stop`` and ``load`` takes its place unchanged. Only what a
real Tyk cannot show — the harness gateway's :class:`~harness.tyk.gateway.Decision`
(why it answered), a frozen clock — goes through :attr:`HarnessGateway.gateway`, and
:func:`in_process_gateway` builds an unserved gateway for tests on a fake clock.

API definitions and policies are built in one place, :func:`jwt_api` and :func:`policy`:
the shape the Tyk Dashboard exports for the guides (shared/reference/tyk.md "Gateway:
JWT authentication", "Dashboard (admin)").
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import httpx
from jwcrypto import jwk
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.core.errors import ConfigError
from harness.core.lifecycle import StartStop
from harness.core.server_group import ServerGroup
from harness.core.serving import BackgroundServer, free_port
from harness.core.transcript import Transcript
from harness.jose import generate_ec, generate_rsa, public_jwks
from harness.tyk.gateway.gateway import Gateway
from harness.tyk.gateway.upstream import create_echo_app

__all__ = [
    "DEFAULT_JWKS", "DROP", "ORG", "GatewayKit", "GatewayUnderTest", "HarnessGateway", "JwksDocument", "JwksServer",
    "Keys", "TykProcessGateway", "TykRestApi", "b64", "find_tyk_binary", "closed_url", "in_process_gateway", "jwt_api", "make_keys",
    "oas_jwt_api", "policy",
]

#: The organisation of the kit's APIs and policies (a policy applies only within its org).
ORG = "dcr-harness"
#: The JWK Set served at ``/jwks`` (every other set at ``/jwks/<name>``).
DEFAULT_JWKS = "default"


# --- API definitions and policies --------------------------------------------------------
def b64(text: str | bytes) -> str:
    """Standard base64, as the Dashboard stores ``jwt_source`` (a JWKS URL, PEM or secret)."""
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


def jwt_api(*, api_id: str, listen_path: str, source: str, target_url: str, name: str | None = None,
            org_id: str = ORG, signing_method: str = "rsa", identity: str = "sub",
            default_policies: Sequence[str] = (), **fields: Any) -> dict[str, Any]:
    """A classic Tyk API definition with JWT auth, as the Dashboard exports it for the guides:
    ``jwt_source`` (``source``: base64 of a JWKS URL, a PEM key or an HMAC secret),
    ``jwt_signing_method``, ``jwt_identity_base_field`` (``identity``: ``sub`` in the
    Keycloak guide, ``client_id`` in the Gluu guide), policy field ``pol``,
    ``jwt_default_policies``, no skews, the ``Authorization`` header, not versioned, listen
    path stripped. ``fields`` replace top-level keys as given."""
    api: dict[str, Any] = {
        "name": name or api_id, "api_id": api_id, "org_id": org_id, "active": True, "use_keyless": False,
        "enable_jwt": True, "jwt_signing_method": signing_method, "jwt_source": source,
        "jwt_identity_base_field": identity, "jwt_policy_field_name": "pol",
        "jwt_default_policies": list(default_policies), "jwt_skip_kid": False,
        "jwt_expires_at_validation_skew": 0, "jwt_issued_at_validation_skew": 0,
        "jwt_not_before_validation_skew": 0,
        "auth": {"auth_header_name": "Authorization"},
        "proxy": {"listen_path": listen_path, "target_url": target_url, "strip_listen_path": True},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}},
    }
    api.update(fields)
    return api


def oas_jwt_api(classic: Mapping[str, Any], scheme: str = "jwtAuth", **jwt: Any) -> dict[str, Any]:
    """The Tyk OAS API definition equivalent to the classic JWT definition ``classic``
    (:func:`jwt_api`'s fields, read back by harness.tyk.gateway.oas), with ``jwt`` adding
    OAS-only settings of the JWT scheme (``allowedIssuers``, ``allowedAudiences``,
    ``allowedSubjects``, ``jtiValidation``, ``scopes``...). The shape the real gateway
    accepts at ``POST /tyk/apis/oas`` (measured, docs/gateway-vs-tyk.md)."""
    proxy = classic["proxy"]
    header = (classic.get("auth") or {}).get("auth_header_name") or "Authorization"
    settings: dict[str, Any] = {
        "enabled": True, "header": {"enabled": True, "name": header}, "source": classic["jwt_source"],
        "signingMethod": classic["jwt_signing_method"], "identityBaseField": classic["jwt_identity_base_field"],
        "policyFieldName": classic["jwt_policy_field_name"], "defaultPolicies": list(classic["jwt_default_policies"]),
        "skipKid": bool(classic.get("jwt_skip_kid")),
        "expiresAtValidationSkew": classic.get("jwt_expires_at_validation_skew", 0),
        "issuedAtValidationSkew": classic.get("jwt_issued_at_validation_skew", 0),
        "notBeforeValidationSkew": classic.get("jwt_not_before_validation_skew", 0),
    }
    settings.update(jwt)
    return {
        "openapi": "3.0.3", "info": {"title": classic["name"], "version": "1.0.0"}, "paths": {},
        "components": {"securitySchemes": {scheme: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        "security": [{scheme: []}],
        "x-tyk-api-gateway": {
            "info": {"id": classic["api_id"], "name": classic["name"], "orgId": classic["org_id"],
                     "state": {"active": bool(classic.get("active", True))}},
            "upstream": {"url": proxy["target_url"]},
            "server": {"listenPath": {"value": proxy["listen_path"], "strip": bool(proxy.get("strip_listen_path"))},
                       "authentication": {"enabled": True, "securitySchemes": {scheme: settings}}},
        },
    }


def policy(*, name: str, api_ids: Mapping[str, str] | Iterable[str], org_id: str = ORG,
           **fields: Any) -> dict[str, Any]:
    """A Tyk policy granting ``api_ids`` (id → display name, or ids) their ``Default``
    version, no rate limit, no quota, keys that never expire; ``fields`` replace top-level
    keys as given (e.g. ``rate``/``per``, ``key_expires_in``, ``access_rights``)."""
    names = dict(api_ids) if isinstance(api_ids, Mapping) else {a: a for a in api_ids}
    pol: dict[str, Any] = {
        "name": name, "org_id": org_id, "active": True, "rate": 0, "per": 0, "quota_max": -1,
        "quota_renewal_rate": 3600, "key_expires_in": 0,
        "access_rights": {a: {"api_id": a, "api_name": label, "versions": ["Default"]} for a, label in names.items()},
    }
    pol.update(fields)
    return pol


def closed_url(path: str = "/jwks") -> str:
    """A loopback URL nothing listens on (a port the kernel just handed out and closed):
    connection refused, the "JWK Set unreachable" case."""
    return f"http://127.0.0.1:{free_port()}{path}"


# --- keys ---------------------------------------------------------------------------------
class _Drop:
    def __repr__(self) -> str:
        return "DROP"


#: A claim value meaning "leave the claim out" (``None`` is a JSON null).
DROP: Any = _Drop()


@dataclass
class Keys:
    """The keys a test or check signs with and the time its token is built at.

    Published in a good RSA set: ``rsa`` and ``rsa2``; in an EC set: ``ec`` (P-256),
    ``ec384``, ``ec521``. ``attacker`` carries ``rsa``'s kid but is never published.
    ``tag`` makes each token's identity unique (no two cases share a gateway session)."""

    rsa: jwk.JWK
    rsa2: jwk.JWK
    ec: jwk.JWK
    ec384: jwk.JWK
    ec521: jwk.JWK
    attacker: jwk.JWK
    now: int
    tag: str = "case"

    @property
    def kid(self) -> str:
        """The kid of ``rsa`` (and of ``attacker``)."""
        return str(self.rsa.get("kid"))

    def claims(self, **extra: Any) -> dict[str, Any]:
        """``sub``, ``client_id`` (both carrying ``tag``), ``iat`` now and ``exp`` in five
        minutes, with ``extra`` replacing or adding claims (:data:`DROP` removes one)."""
        c: dict[str, Any] = {"sub": f"dcr-harness-user-{self.tag}", "client_id": f"dcr-harness-client-{self.tag}",
                             "iat": self.now, "exp": self.now + 300}
        c.update(extra)
        return {k: v for k, v in c.items() if v is not DROP}


def make_keys(now: float | None = None) -> Keys:
    """Fresh keys (harness.jose), built at ``now`` (default: the real clock)."""
    return Keys(rsa=generate_rsa(kid="dcr-harness-rsa-1"), rsa2=generate_rsa(kid="dcr-harness-rsa-2"),
                ec=generate_ec(kid="dcr-harness-ec-1"),
                ec384=generate_ec(kid="dcr-harness-ec-384", crv="P-384", alg="ES384"),
                ec521=generate_ec(kid="dcr-harness-ec-521", crv="P-521", alg="ES512"),
                attacker=generate_rsa(kid="dcr-harness-rsa-1"), now=int(time.time() if now is None else now))


# --- the JWK Set server -----------------------------------------------------------------------
@dataclass
class JwksDocument:
    """What one JWK Set URL answers: ``body`` with ``status`` after ``delay`` seconds (a
    slow IdP, not a readiness wait); ``requests`` counts the fetches. Tests may change it
    between requests."""

    body: bytes = b'{"keys": []}'
    status: int = 200
    delay: float = 0.0
    requests: int = 0

    @classmethod
    def of(cls, *keys: jwk.JWK, delay: float = 0.0) -> JwksDocument:
        """A JWK Set of the public halves of ``keys``."""
        doc = cls(delay=delay)
        doc.set_keys(keys)
        return doc

    def set_keys(self, keys: Iterable[jwk.JWK]) -> None:
        self.body = json.dumps(public_jwks(list(keys))).encode()

    def set_doc(self, doc: Any) -> None:
        """Publish ``doc`` (any JSON, even not a JWK Set)."""
        self.body = json.dumps(doc).encode()


class JwksServer:
    """Serves named :class:`JwksDocument` s: :data:`DEFAULT_JWKS` at ``/jwks``, every
    other at ``/jwks/<name>``; an unknown name answers 404."""

    def __init__(self, documents: Mapping[str, bytes | JwksDocument] | None = None) -> None:
        self._lock = threading.Lock()
        self.documents: dict[str, JwksDocument] = {}
        self.reset(documents)
        self.app = Starlette(routes=[Route("/jwks", self._serve), Route("/jwks/{name}", self._serve)])

    def reset(self, documents: Mapping[str, bytes | JwksDocument] | None = None) -> None:
        """Serve exactly ``documents`` (plus an empty default set), every count at zero."""
        docs = {DEFAULT_JWKS: JwksDocument()}
        for name, doc in (documents or {}).items():
            docs[name] = doc if isinstance(doc, JwksDocument) else JwksDocument(body=doc)
        with self._lock:
            self.documents = docs

    def __getitem__(self, name: str) -> JwksDocument:
        return self.documents[name]

    def set(self, name: str, body: bytes) -> None:
        """Replace what set ``name`` answers (a key rotation at the IdP)."""
        with self._lock:
            self.documents.setdefault(name, JwksDocument()).body = body

    def count(self, name: str = DEFAULT_JWKS) -> int:
        """How many times set ``name`` was fetched since the last :meth:`reset`."""
        with self._lock:
            doc = self.documents.get(name)
            return doc.requests if doc is not None else 0

    async def _serve(self, request: Request) -> Response:
        name = request.path_params.get("name", DEFAULT_JWKS)
        with self._lock:
            doc = self.documents.get(name)
            if doc is not None:
                doc.requests += 1
        if doc is None:
            return Response(b"", status_code=404)
        if doc.delay:
            await asyncio.sleep(doc.delay)  # simulates a slow IdP, not a readiness wait
        return Response(doc.body, status_code=doc.status, media_type="application/json")


# --- the gateway under test ----------------------------------------------------------------------
@runtime_checkable
class GatewayUnderTest(Protocol):
    """A Tyk-compatible gateway the kit drives only through Tyk's REST API and HTTP calls:
    the harness's own (:class:`HarnessGateway`) or, later, the real Tyk gateway. The same
    shape as the gateway launchers (``kind``, ``secret``, ``base_url``, ``start``/``stop``)."""

    kind: str
    #: tyk.conf ``secret``: the ``x-tyk-authorization`` value of the gateway's REST API.
    secret: str

    @property
    def base_url(self) -> str:
        """Where clients call the gateway, without trailing slash."""
        ...

    def start(self) -> Any:
        """Start and block until the gateway answers."""
        ...

    def stop(self) -> None:
        """Stop what ``start`` started. Idempotent."""
        ...

    def load(self, apis: Sequence[Mapping[str, Any]], policies: Mapping[str, Mapping[str, Any]]) -> None:
        """Serve ``apis`` and ``policies`` (added, or replacing those with the same id)."""
        ...


class TykRestApi:
    """Tyk's Gateway REST API (shared/reference/tyk.md "REST API"; gateway/api.go): objects
    are written, then made live by a reload, exactly as on a real Tyk gateway."""

    def __init__(self, base_url: str, secret: str, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url + "/tyk", headers={"x-tyk-authorization": self.secret},
                            timeout=self.timeout)

    @staticmethod
    def _ok(resp: httpx.Response, what: str) -> None:
        if resp.status_code >= 300:
            raise ConfigError(f"the gateway refused {what}: {resp.status_code} {resp.text.strip()[:300]}")

    def load(self, apis: Sequence[Mapping[str, Any]], policies: Mapping[str, Mapping[str, Any]]) -> None:
        """PUT each API definition and policy that exists, POST the others, then
        ``GET /tyk/reload?block=true`` (Tyk answers once the reload is done)."""
        with self._client() as c:
            for api in apis:
                oas = "x-tyk-api-gateway" in api  # a Tyk OAS definition: /tyk/apis/oas
                api_id = str(api["x-tyk-api-gateway"]["info"]["id"] if oas else api["api_id"])
                base = "/apis/oas" if oas else "/apis"
                exists = c.get(f"/apis/{api_id}").status_code == 200
                resp = c.put(f"{base}/{api_id}", json=dict(api)) if exists else c.post(base, json=dict(api))
                self._ok(resp, f"API {api_id!r}")
            for pid, pol in policies.items():
                body = {**pol, "id": pid}  # the REST API keys a policy by its own "id"
                exists = c.get(f"/policies/{pid}").status_code == 200
                resp = c.put(f"/policies/{pid}", json=body) if exists else c.post("/policies", json=body)
                self._ok(resp, f"policy {pid!r}")
            self._ok(c.get("/reload", params={"block": "true"}), "the reload")

    def invalidate_jwks_cache(self, api_id: str | None = None) -> None:
        """``DELETE /tyk/cache/jwks[/{apiID}]``: the next token refetches the JWK Set."""
        with self._client() as c:
            self._ok(c.delete("/cache/jwks" + (f"/{api_id}" if api_id else "")), "the JWKS cache invalidation")


class HarnessGateway(StartStop):
    """The harness's Tyk-compatible gateway served on a loopback port, configured through
    its REST API like a real Tyk. :attr:`gateway` is the in-process object behind it, for
    what only the harness can show (its decisions, its profile)."""

    kind = "harness"

    def __init__(self, *, tyk_conf: Mapping[str, Any] | None = None, transcript: Transcript | None = None,
                 clock: Callable[[], float] = time.time, verify_cache_size: int = 10_000,
                 **server_options: Any) -> None:
        """``tyk_conf`` as in tyk.conf (a random ``secret`` is added when it has none);
        ``server_options`` go to :class:`~harness.core.serving.BackgroundServer` (``http``,
        ``loop``, ``port``)."""
        self.tyk_conf: dict[str, Any] = {"secret": secrets.token_urlsafe(16), **(tyk_conf or {})}
        self.secret = str(self.tyk_conf["secret"])
        self.gateway = Gateway(tyk_conf=self.tyk_conf, transcript=transcript, clock=clock,
                               verify_cache_size=verify_cache_size)
        self._server_options = server_options
        self._server: BackgroundServer | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise ConfigError("the harness gateway is not started: call start() first")
        return self._server.url

    @property
    def rest(self) -> TykRestApi:
        return TykRestApi(self.base_url, self.secret)

    def start(self) -> HarnessGateway:
        if self._server is None:
            server = BackgroundServer(self.gateway.app, name="gateway", **self._server_options)
            try:
                server.start()
            except BaseException:
                server.stop()
                raise
            self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def load(self, apis: Sequence[Mapping[str, Any]], policies: Mapping[str, Mapping[str, Any]]) -> None:
        self.rest.load(apis, policies)


def in_process_gateway(apis: Sequence[Mapping[str, Any]] = (), policies: Mapping[str, Mapping[str, Any]] | None = None,
                       **gateway_options: Any) -> Gateway:
    """An unserved harness gateway holding ``apis`` and ``policies``, for what only works
    in-process (a fake clock, :meth:`Gateway.check` without HTTP); ``gateway_options`` go
    to :class:`~harness.tyk.gateway.Gateway` (``tyk_conf``, ``clock``, ``transcript``,
    ``verify_cache_size``)."""
    gw = Gateway(**gateway_options)
    for api in apis:
        gw.load_api(dict(api))
    if policies:
        gw.load_policies({pid: dict(p) for pid, p in policies.items()})
    return gw


# --- the kit -------------------------------------------------------------------------------------------
class GatewayKit(StartStop):
    """Keys, a :class:`JwksServer`, an echo upstream and (optionally) a gateway under test,
    started together and stopped in reverse order; ``with GatewayKit(...) as kit:``.
    Servers are ready when :meth:`start` returns (each waits for its port)."""

    def __init__(self, *, gateway: GatewayUnderTest | None = None,
                 jwks: Mapping[str, bytes | JwksDocument] | None = None, keys: Keys | None = None) -> None:
        self.gateway = gateway
        self.jwks = JwksServer(jwks)
        self._keys = keys
        self._servers = ServerGroup()
        self._jwks_base = self._upstream_url = ""

    @property
    def keys(self) -> Keys:
        """The kit's keys (made on first use unless given)."""
        if self._keys is None:
            self._keys = make_keys()
        return self._keys

    def start(self) -> GatewayKit:
        if not self._jwks_base:
            self._jwks_base = self._servers.serve(self.jwks.app, "jwks").url
            self._upstream_url = self._servers.serve(create_echo_app(), "upstream").url
        if self.gateway is not None:
            self.gateway.start()
        return self

    def stop(self) -> None:
        if self.gateway is not None:
            self.gateway.stop()
        self._servers.stop()
        self._jwks_base = self._upstream_url = ""

    def _started(self, value: str) -> str:
        if not value:
            raise ConfigError("the gateway kit is not started: use it as `with GatewayKit(...) as kit:`")
        return value

    def jwks_url(self, name: str = DEFAULT_JWKS) -> str:
        """The URL of JWK Set ``name``."""
        base = self._started(self._jwks_base)
        return f"{base}/jwks" if name == DEFAULT_JWKS else f"{base}/jwks/{name}"

    @property
    def upstream_url(self) -> str:
        return self._started(self._upstream_url)

    @property
    def base_url(self) -> str:
        """The gateway's base URL."""
        if self.gateway is None:
            raise ConfigError("this gateway kit runs no gateway")
        return self.gateway.base_url

    def api(self, *, api_id: str, listen_path: str, jwks: str = DEFAULT_JWKS, **fields: Any) -> dict[str, Any]:
        """:func:`jwt_api` with ``jwt_source`` the base64 URL of JWK Set ``jwks`` (as the
        Dashboard stores it) and the echo upstream as target."""
        fields.setdefault("source", b64(self.jwks_url(jwks)))
        return jwt_api(api_id=api_id, listen_path=listen_path, target_url=self.upstream_url, **fields)

    def load(self, apis: Sequence[Mapping[str, Any]], policies: Mapping[str, Mapping[str, Any]]) -> None:
        """Configure the gateway under test through its REST API."""
        if self.gateway is None:
            raise ConfigError("this gateway kit runs no gateway")
        self.gateway.load(apis, policies)



# --- the real Tyk gateway (a local binary) ------------------------------------------------------------
#: Where a Tyk binary is looked for when ``$DCR_HARNESS_TYK_BIN`` is unset: the cache the
#: ``tyk-oss`` launcher fills (shared/reference/tyk.md "Running the real open-source gateway here").
TYK_BIN_ENV = "DCR_HARNESS_TYK_BIN"
TYK_CACHE = "~/.cache/dcr-harness/tyk"


def find_tyk_binary() -> tuple[str | None, str]:
    """The Tyk gateway binary to run (``$DCR_HARNESS_TYK_BIN``, else the newest
    ``~/.cache/dcr-harness/tyk/<commit>/tyk``) and redis-server beside it, or ``None`` with
    the reason why the real gateway cannot run here."""
    import os
    import shutil
    from pathlib import Path

    if shutil.which("redis-server") is None:
        return None, "redis-server is not installed (Debian package redis-server)"
    env = os.environ.get(TYK_BIN_ENV)
    if env:
        return (env, "") if os.access(env, os.X_OK) else (None, f"${TYK_BIN_ENV}={env} is not an executable")
    found = sorted(Path(TYK_CACHE).expanduser().glob("*/tyk"), key=lambda p: p.stat().st_mtime, reverse=True)
    for p in found:
        if os.access(p, os.X_OK):
            return str(p), ""
    return None, (f"no Tyk gateway binary: set ${TYK_BIN_ENV} or build one into {TYK_CACHE}/<commit>/tyk "
                  "(the Go module proxy here refuses github.com/TykTechnologies/tyk)")


class TykProcessGateway(StartStop):
    """The real open-source Tyk gateway: a local binary (:func:`find_tyk_binary`) with its
    own redis-server, both on free loopback ports in a private run directory, configured
    only through Tyk's REST API (:class:`TykRestApi`), like :class:`HarnessGateway`.

    A minimal adapter for the differential tests (tests/gateway/test_gw_vs_tyk.py); the
    ``--gateway tyk-oss`` launcher of the launcher registry is its full-featured sibling.
    tyk.conf is the file config measured in shared/reference/tyk.md ("Running the real
    open-source gateway here"): ``policy_path`` is required for REST-managed policies; a
    port already taken makes Tyk log and keep running, so readiness also checks that our
    child is alive."""

    kind = "tyk-oss"

    def __init__(self, binary: str | None = None, *, tyk_conf: Mapping[str, Any] | None = None,
                 ready_timeout: float = 30.0) -> None:
        found, reason = (binary, "") if binary else find_tyk_binary()
        if found is None:
            raise ConfigError(reason)
        self.binary = found
        self.secret = secrets.token_urlsafe(16)
        self.extra_conf = dict(tyk_conf or {})
        self.ready_timeout = ready_timeout
        self._procs: list[Any] = []
        self._dir: Any = None
        self._url = ""

    @property
    def base_url(self) -> str:
        if not self._url:
            raise ConfigError("the Tyk gateway is not started: call start() first")
        return self._url

    @property
    def rest(self) -> TykRestApi:
        return TykRestApi(self.base_url, self.secret, timeout=30.0)

    def version(self) -> str:
        """What ``GET /hello`` names as the gateway's version."""
        return str(httpx.get(self.base_url + "/hello", timeout=5).json().get("version", ""))

    def _spawn(self, argv: list[str], cwd: str, log: str) -> Any:
        import subprocess

        with open(log, "wb") as out:
            proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self._procs.append(proc)
        return proc

    def _wait(self, proc: Any, ok: Callable[[], bool], what: str, log: str) -> None:
        from pathlib import Path

        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                if ok():
                    return
            except (OSError, httpx.HTTPError):
                pass
            time.sleep(0.1)  # readiness poll interval, bounded by the deadline
        tail = Path(log).read_text(errors="replace").splitlines()[-15:]
        raise ConfigError(f"{what} did not become ready: " + " | ".join(tail))

    def start(self) -> TykProcessGateway:
        if self._url:
            return self
        import socket
        import tempfile
        from pathlib import Path

        self._dir = tempfile.TemporaryDirectory(prefix="dcr-tyk-")
        run = Path(self._dir.name)
        (run / "apps").mkdir()
        (run / "policies").mkdir()
        try:
            rport = free_port()
            redis = self._spawn(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no", "--daemonize", "no"], str(run), str(run / "redis.log"))

            def redis_up() -> bool:
                with socket.create_connection(("127.0.0.1", rport), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")

            self._wait(redis, redis_up, "redis-server", str(run / "redis.log"))
            gport = free_port()
            conf = {"listen_address": "127.0.0.1", "listen_port": gport, "secret": self.secret,
                    "template_path": str(Path(self.binary).parent / "templates"), "use_db_app_configs": False,
                    "app_path": str(run / "apps"),
                    "policies": {"policy_source": "file", "policy_path": str(run / "policies")},
                    "storage": {"type": "redis", "host": "127.0.0.1", "port": rport},
                    "enable_analytics": False, "hash_keys": True, **self.extra_conf}
            (run / "tyk.conf").write_text(json.dumps(conf, indent=2))
            tyk = self._spawn([self.binary, "start", "--conf", str(run / "tyk.conf")], str(run),
                              str(run / "tyk.log"))
            url = f"http://127.0.0.1:{gport}"
            self._wait(tyk, lambda: httpx.get(url + "/hello", timeout=2).status_code == 200, "the Tyk gateway",
                       str(run / "tyk.log"))
            if tyk.poll() is not None:
                raise ConfigError(f"the Tyk gateway exited (port {gport} taken?)")
            self._url = url
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM each child process group (Tyk exits ~3 s later), SIGKILL after 10 s."""
        import os
        import signal
        import subprocess

        for proc in reversed(self._procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=5)
        self._procs.clear()
        self._url = ""
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def load(self, apis: Sequence[Mapping[str, Any]], policies: Mapping[str, Mapping[str, Any]]) -> None:
        self.rest.load(apis, policies)
