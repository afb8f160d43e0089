"""The Tyk-compatible gateway: loaded APIs and policies, the JWT middleware, the proxy.

Two ways to configure it, as with Tyk:

* Python (file-based mode, CLI, tests): :meth:`Gateway.load_api`,
  :meth:`Gateway.load_policies`, :meth:`Gateway.remove_api` take effect at once.
* The Gateway REST API under ``/tyk/`` (what the portal uses): writes are *stored*
  (Tyk writes files into ``app_path`` / ``policy_path``) and become live on
  ``GET /tyk/reload`` — exactly like a real Tyk gateway, so a portal that forgets to
  reload fails here too.

Every verdict is kept in :attr:`Gateway.decisions` with its reason; HTTP answers stay
byte-for-byte Tyk's.
"""

from __future__ import annotations

import base64
import copy
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from harness.core.errors import ConfigError
from harness.core.redact import Redactor
from harness.core.transcript import Transcript
from harness.tyk.gateway.apidef import ApiDefinition, parse_apidef
from harness.tyk.gateway.decisions import Decision, DecisionLog, Refusal
from harness.tyk.gateway.jwks import JwksFetcher
from harness.tyk.gateway.jwt_middleware import GatewayState, JwtMiddleware, RequestView
from harness.tyk.gateway.jwtparse import ParsedToken, parse_token
from harness.tyk.gateway.keys import FetchNeeded, KeyResolver
from harness.tyk.gateway.policies import Policy, parse_policy
from harness.tyk.gateway.profile import GatewayProfile, profile_from_tyk_conf
from harness.tyk.gateway.proxy import Proxy
from harness.tyk.gateway.verify_cache import VerifiedTokenCache

log = logging.getLogger(__name__)


class _CIDict(dict[str, str]):
    """A case-insensitive header mapping (first value per name), for in-process checks."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__()
        for k, v in (items or {}).items():
            self.setdefault(k.lower(), v)

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


class Gateway:
    def __init__(
        self,
        *,
        tyk_conf: dict[str, Any] | None = None,
        transcript: Transcript | None = None,
        redactor: Redactor | None = None,
        clock: Callable[[], float] = time.time,
        profile: GatewayProfile | None = None,
        proxy_timeout: float = 30.0,
        verify_cache_size: int = 10_000,
    ) -> None:
        """``verify_cache_size``: how many verified tokens to remember so a repeated
        token skips its signature check (harness.tyk.gateway.verify_cache); 0 verifies every
        token on every request, as Tyk does. Verdicts are the same either way.
        ``redactor``: the run's when the gateway runs without a transcript (with one, the
        transcript's is the run's)."""
        self.tyk_conf: dict[str, Any] = dict(tyk_conf or {})
        self.profile = profile or profile_from_tyk_conf(self.tyk_conf)
        self.transcript = transcript
        #: The run's redactor (the transcript's, else the one given, else its own): what
        #: the gateway records and logs goes through it (harness.core.redact).
        self.redactor: Redactor = (transcript.redactor if transcript is not None
                                   else redactor if redactor is not None else Redactor())
        self.clock = clock
        fetcher = JwksFetcher(self.profile, transcript)
        self.state = GatewayState(profile=self.profile, resolver=KeyResolver(self.profile, fetcher), clock=clock,
                                  verified=VerifiedTokenCache(verify_cache_size))
        self.state.resolver.on_jwks_refresh = self.state.verified.evict_api
        self.middleware = JwtMiddleware(self.state, self.redactor)
        self.decisions = DecisionLog()
        self.proxy = Proxy(timeout=proxy_timeout, redactor=self.redactor)
        self._lock = threading.RLock()
        self._apis: dict[str, ApiDefinition] = {}
        self._policies: dict[str, Policy] = {}
        self._routes: list[tuple[str, ApiDefinition]] = []
        # What the REST API has written (Tyk: files in app_path / policy_path).
        self.stored_apis: dict[str, dict[str, Any]] = {}
        self.stored_policies: dict[str, dict[str, Any]] = {}
        #: Why the REST API refused an object or a reload skipped one (Tyk only logs it).
        self.admin_errors: list[str] = []
        #: Keys Tyk would ignore in the API definitions and policies loaded so far (by
        #: load_api/load_policies or the REST API), one line each, first seen first.
        self.warnings: list[str] = []
        from harness.tyk.gateway.app import build_app  # local import: app imports this module

        self.app = build_app(self)

    # -- configuration -----------------------------------------------------------------
    @property
    def apis(self) -> dict[str, ApiDefinition]:
        return dict(self._apis)

    @property
    def policies(self) -> dict[str, Policy]:
        return dict(self._policies)

    def load_api(self, apidef: dict[str, Any] | ApiDefinition, source: str = "<api>") -> ApiDefinition:
        """Validate and serve an API definition now (replacing one with the same id)."""
        api = apidef if isinstance(apidef, ApiDefinition) else parse_apidef(apidef, source)
        self.note_warnings(api.warnings)
        with self._lock:
            apis = dict(self._apis)
            apis[api.api_id] = api
            self._set_apis(apis)
            self.stored_apis[api.api_id] = copy.deepcopy(api.raw)
        return api

    def load_policies(
        self, policies: Mapping[str, dict[str, Any] | Policy], source: str = "<policies>", *, replace: bool = False
    ) -> dict[str, Policy]:
        """Add (or with ``replace`` set, replace all) policies, keyed by policy id."""
        parsed = {
            pid: (p if isinstance(p, Policy) else parse_policy(p, source, pid)) for pid, p in policies.items()
        }
        for p in parsed.values():
            self.note_warnings(p.warnings)
        with self._lock:
            merged = {} if replace else dict(self._policies)
            merged.update(parsed)
            self._set_policies(merged)
            if replace:
                self.stored_policies.clear()
            for pid, p in parsed.items():
                self.stored_policies[pid] = copy.deepcopy(p.raw)
        return parsed

    def note_warnings(self, lines: tuple[str, ...] | list[str]) -> list[str]:
        """Keep unknown-field warnings not seen before; returns the new ones (logged at
        INFO: the CLI prints the file-config ones itself, the REST API logs its own)."""
        new: list[str] = []
        with self._lock:
            for line in lines:
                if line not in self.warnings:
                    log.info("%s", line)
                    self.warnings.append(line)
                    new.append(line)
        return new

    def remove_api(self, api_id: str) -> None:
        with self._lock:
            apis = dict(self._apis)
            apis.pop(api_id, None)
            self._set_apis(apis)
            self.stored_apis.pop(api_id, None)

    def reload(self) -> list[str]:
        """Make the stored (REST-written) APIs and policies live, as ``/tyk/reload`` does.
        Returns one line per stored object that failed validation (and was skipped)."""
        problems: list[str] = []
        apis: dict[str, ApiDefinition] = {}
        pols: dict[str, Policy] = {}
        with self._lock:
            for api_id, raw in self.stored_apis.items():
                try:
                    apis[api_id] = parse_apidef(raw, f"<stored api {api_id}>")
                except ConfigError as exc:
                    problems.append(str(exc))
            for pid, raw in self.stored_policies.items():
                try:
                    pols[pid] = parse_policy(raw, "<stored policies>", pid)
                except ConfigError as exc:
                    problems.append(str(exc))
            self._set_apis(apis)
            self._set_policies(pols)
        return problems

    def invalidate_jwks_cache(self, api_id: str | None = None) -> None:
        """``DELETE /tyk/cache/jwks[/{apiID}]``."""
        if api_id is None:
            self.state.jwks_caches.clear()
            self.state.verified.clear()
        else:
            self.state.jwks_caches.pop(api_id, None)
            self.state.verified.evict_api(api_id)

    def _set_apis(self, apis: dict[str, ApiDefinition]) -> None:
        for gone in set(self._apis) - set(apis):  # Unload: drop the API's JWKS cache
            self.state.jwks_caches.pop(gone, None)
        for api_id, old in self._apis.items():  # a changed or removed API: forget its tokens
            if apis.get(api_id) is not old:
                self.state.verified.evict_api(api_id)
        self._apis = apis
        self._routes = sorted(((a.listen_path, a) for a in apis.values()), key=lambda r: len(r[0]), reverse=True)

    def _set_policies(self, pols: dict[str, Policy]) -> None:
        self._policies = pols
        self.state.policies = {(p.org_id, p.id): p for p in pols.values()}

    # -- requests --------------------------------------------------------------------------
    def route(self, path: str) -> ApiDefinition | None:
        """The API whose listen path is the longest prefix of ``path``."""
        for lp, api in self._routes:
            if path.startswith(lp) or (lp.endswith("/") and path == lp[:-1]):
                return api
        return None

    def decide(self, api: ApiDefinition, request: RequestView) -> Decision:
        """The verdict; may block on a JWKS fetch (run it in a worker thread)."""
        decision = self.middleware.process(api, request)
        self.decisions.add(decision)
        return decision

    def try_decide(self, api: ApiDefinition, request: RequestView) -> Decision | None:
        """The verdict without blocking I/O, or None when it needs a JWKS fetch (then
        call :meth:`decide` where blocking is fine). Nothing is recorded for None."""
        try:
            decision = self.middleware.process(api, request, may_fetch=False)
        except FetchNeeded:
            return None
        self.decisions.add(decision)
        return decision

    def check(
        self,
        path: str,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        cookies: Mapping[str, str] | None = None,
    ) -> Decision:
        """Run routing and the middleware in-process, without HTTP (tests, benchmarks)."""
        api = self.route(path)
        if api is None:
            d = Decision(api_id="", status=404, message="404 page not found", stage="route",
                         reason=f"no listen path matches {path!r}", at=self.clock())
            self.decisions.add(d)
            return d
        return self.decide(api, RequestView(headers=_CIDict(headers), query=dict(query or {}),
                                            cookies=dict(cookies or {}), path=path))

    def check_signature(self, path: str, token: str) -> Decision:
        """Tyk's checks on ``token`` up to and including its signature, on the API at
        ``path`` (structure, header, ``alg``, family, key from the API's ``jwt_source``,
        signature) but *not* the claims-set step, for JOSE test vectors (Wycheproof)
        whose payloads are not JWT claim sets. Tyk itself refuses such tokens at parse:
        :meth:`check` gives its full answer. Not recorded in :attr:`decisions`."""
        api = self.route(path)
        if api is None:
            raise ConfigError(f"no API listens on {path!r}")
        try:
            parsed = parse_token(token, claims_set=False)
        except Refusal as r:
            return Decision(api_id=api.api_id, status=r.status, message=r.message, stage=r.stage,
                            reason=r.reason, at=self.clock())
        return self.middleware.signature_stage(api, parsed)

    def check_raw_signature(self, path: str, alg: str, message: bytes, signature: bytes, kid: str = "") -> Decision:
        """The signature step alone for a raw (message, signature) pair that cannot be a
        compact JWS (e.g. Wycheproof's RSA/ECDSA vectors): family check, key from the API's
        key source (``kid`` for a JWKS), then golang-jwt's verification of ``signature``
        over ``message``. Not recorded in :attr:`decisions`."""
        api = self.route(path)
        if api is None:
            raise ConfigError(f"no API listens on {path!r}")
        header: dict[str, Any] = {"alg": alg, **({"kid": kid} if kid else {})}
        parsed = ParsedToken(header=header, claims={}, alg=alg, signing_input=message,
                             signature_segment=base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii"))
        return self.middleware.signature_stage(api, parsed)

    @property
    def last_decision(self) -> Decision | None:
        return self.decisions.last()

    async def aclose(self) -> None:
        await self.proxy.aclose()

    @classmethod
    def from_file_config(
        cls, config: Any, *, transcript: Transcript | None = None, redactor: Redactor | None = None,
        clock: Callable[[], float] = time.time,
    ) -> Gateway:
        """Build a gateway from :func:`harness.tyk.gateway.files.load_file_config`'s result."""
        apis, policies, tyk_conf = config
        gw = cls(tyk_conf=tyk_conf, transcript=transcript, redactor=redactor, clock=clock)
        for api in apis:
            gw.load_api(api, api.source)
        gw.load_policies(policies, replace=True)
        return gw
