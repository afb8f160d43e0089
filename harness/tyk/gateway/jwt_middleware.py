"""Tyk's JWT middleware chain, in Tyk's decision order (shared/reference/tyk.md).

1 token (400 Authorization field missing) → 2 structure and ``alg`` (403 Key not
authorized / Key not authorized: Unexpected signing method) → 3 key (403) → signature
(403) → 4 exp/iat/nbf (401) → 5 identity (403) → 6 policy (403/500) → 7 key expiry
(401/403), access rights (403), rate limit (429), quota (403) → 8 proxy.

RFC 7519 §7.2 and RFC 8725 §3.1-3.2 describe the checks; Tyk's order and messages come
from gateway/mw_jwt.go, mw_key_expired_check.go, mw_access_rights.go and
mw_rate_limiting.go. The middleware returns a :class:`Decision`; it never raises.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.core.redact import Redactor
from harness.tyk.gateway.apidef import ApiDefinition
from harness.tyk.gateway.decisions import Decision, Refusal
from harness.tyk.gateway.golang.gocompat import GoDecodeError, SignatureError, b64url_decode_go, verify_signature
from harness.tyk.gateway.identity import (
    claim_value,
    identity_from_claims,
    map_scopes_to_policies,
    oauth_client_id,
    scopes_from_claim,
)
from harness.tyk.gateway.jwks import TtlCache
from harness.tyk.gateway.jwtparse import KEY_NOT_AUTHORIZED, ParsedToken, check_signing_method, parse_token
from harness.tyk.gateway.keys import Key, KeyResolver
from harness.tyk.gateway.limits import FixedWindowLimiter, QuotaCounter
from harness.tyk.gateway.oas import validate_extra_claims
from harness.tyk.gateway.profile import GatewayProfile
from harness.tyk.gateway.sessions import (
    PolicyError,
    PolicyIndex,
    Session,
    SessionStore,
    apply_policies,
    session_from_policy,
    session_key,
)
from harness.tyk.gateway.sources import extract_token, strip_bearer
from harness.tyk.gateway.timeclaims import check_time_claims
from harness.tyk.gateway.verify_cache import VerifiedTokenCache, same_key

log = logging.getLogger(__name__)

NO_MATCHING_POLICY = "key not authorized: no matching policy"
NO_MATCHING_POLICY_FOUND = "key not authorized: no matching policy found"
ACCESS_DISALLOWED = "Access to this API has been disallowed"
NO_POLICY_IN_SCOPE = "key not authorized: no matching policy found in scope claim"
NO_SCOPE_OR_POLICY = "key not authorized: no scope or policy in token"


@dataclass
class RequestView:
    """What the middleware reads from a request. ``headers`` must be case-insensitive."""

    headers: Mapping[str, str]
    query: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    path: str = "/"


@dataclass
class GatewayState:
    """Everything the middleware shares across requests (Tyk: Redis + memory caches)."""

    profile: GatewayProfile
    resolver: KeyResolver
    clock: Callable[[], float]
    policies: PolicyIndex = field(default_factory=dict)
    sessions: SessionStore = field(default_factory=SessionStore)
    limiter: FixedWindowLimiter = field(default_factory=FixedWindowLimiter)
    quota: QuotaCounter = field(default_factory=QuotaCounter)
    jwks_caches: dict[str, TtlCache] = field(default_factory=dict)
    #: Tokens whose signature verified (harness.tyk.gateway.verify_cache); not in Tyk.
    verified: VerifiedTokenCache = field(default_factory=VerifiedTokenCache)

    def jwks_cache(self, api_id: str) -> TtlCache:
        cache = self.jwks_caches.get(api_id)
        if cache is None:
            cache = self.jwks_caches.setdefault(api_id, TtlCache(self.profile.jwks_cache_ttl, self.clock))
        return cache


class JwtMiddleware:
    def __init__(self, state: GatewayState, redactor: Redactor | None = None) -> None:
        """``redactor``: the run's, for the refusal log lines (harness.core.redact)."""
        self.state = state
        self.redactor = redactor if redactor is not None else Redactor()

    # -- entry point ---------------------------------------------------------------
    def process(self, api: ApiDefinition, req: RequestView, *, may_fetch: bool = True) -> Decision:
        """The verdict for one request. With ``may_fetch`` False, a decision that needs a
        JWKS fetch raises :class:`harness.tyk.gateway.keys.FetchNeeded` before anything is
        recorded (sessions, counters), so the caller can run it again where it may block."""
        now = self.state.clock()
        ctx: dict[str, Any] = {}
        try:
            if api.use_keyless:
                return self._decision(api, now, 200, "", "proxy", "keyless API", ctx)
            if not api.enable_jwt:
                self._auth_token_api(api, req)
            token = self._token(api, req)
            verified = self.state.verified
            hit = verified.get(api, token, now)
            parsed = hit.parsed if hit is not None else self._parse(api, token)
            key = self.state.resolver.resolve(api, parsed, self.state.jwks_cache(api.api_id), may_fetch=may_fetch)
            if hit is None or not same_key(hit.key, key):
                self._verify(api, parsed, key)
                verified.put(api, token, parsed, key, now)
            check_time_claims(
                parsed.claims, now,
                exp_skew=api.jwt_expires_at_validation_skew,
                iat_skew=api.jwt_issued_at_validation_skew,
                nbf_skew=api.jwt_not_before_validation_skew,
            )
            if api.oas_jwt is not None:  # mw_jwt.go validateClaims → validateExtraClaims (OAS only)
                validate_extra_claims(api.oas_jwt, parsed.claims, api.jwt_identity_base_field,
                                      parsed.header.get("kid"), api.jwt_skip_kid)
            session = self._session(api, parsed.claims, now, ctx)
            self._session_checks(api, session, req, now)
            return self._decision(api, now, 200, "", "proxy", "token valid, session checks passed", ctx)
        except Refusal as r:
            log.info("gateway refused [%s] %s %r: %s", api.api_id, r.status, r.message, self.redactor.text(r.reason))
            return self._decision(api, now, r.status, r.message, r.stage, r.reason, ctx)

    def signature_stage(self, api: ApiDefinition, parsed: ParsedToken) -> Decision:
        """Only the checks from the algorithm family to the signature (steps 2-3), with
        the API's key source and the profile's PSS rule: for signature test vectors whose
        payload is not a claim set. 200 means "the signature verified", nothing more."""
        now = self.state.clock()
        try:
            check_signing_method(api.signing_family, parsed.alg)
            key = self.state.resolver.resolve(api, parsed, self.state.jwks_cache(api.api_id))
            self._verify(api, parsed, key)
        except Refusal as r:
            return self._decision(api, now, r.status, r.message, r.stage, r.reason, {})
        return self._decision(api, now, 200, "", "signature", "signature verified (claims not checked)", {})

    def _decision(self, api: ApiDefinition, now: float, status: int, message: str, stage: str,
                  reason: str, ctx: dict[str, Any]) -> Decision:
        return Decision(
            api_id=api.api_id, status=status, message=message, stage=stage, reason=reason, at=now,
            identity=ctx.get("identity"), session_key=ctx.get("session_key"),
            policies=tuple(ctx.get("policies", ())), oauth_client_id=ctx.get("oauth_client_id"),
        )

    # -- 1-2: token, structure, algorithm -------------------------------------------
    def _auth_token_api(self, api: ApiDefinition, req: RequestView) -> None:
        """Auth-token APIs (neither keyless nor JWT): the harness has no keys API, so a
        credential is never found (gateway/mw_auth_key.go)."""
        if not extract_token(api.auth, req.headers, req.query, req.cookies):
            raise Refusal(401, "Authorization field missing", stage="token", reason="auth-token API, no key sent")
        raise Refusal(403, ACCESS_DISALLOWED, stage="token", reason="auth-token API: the harness gateway holds no keys")

    def _token(self, api: ApiDefinition, req: RequestView) -> str:
        raw = extract_token(api.auth, req.headers, req.query, req.cookies)
        if not raw:
            where = api.auth.auth_header_name or "Authorization"
            raise Refusal(self.state.profile.missing_token_status, "Authorization field missing",
                          stage="token", reason=f"no credential in header {where!r}, query or cookie")
        return strip_bearer(raw)

    def _parse(self, api: ApiDefinition, token: str) -> ParsedToken:
        parsed = parse_token(token)
        check_signing_method(api.signing_family, parsed.alg)
        return parsed

    def _verify(self, api: ApiDefinition, parsed: ParsedToken, key: Key) -> None:
        try:
            signature = b64url_decode_go(parsed.signature_segment)
            verify_signature(parsed.alg, key, parsed.signing_input, signature,
                             pss_salt_length_auto=self.state.profile.pss_salt_length_auto)
        except (GoDecodeError, SignatureError) as exc:
            raise Refusal(403, KEY_NOT_AUTHORIZED, stage="signature", reason=f"{parsed.alg}: {exc}") from None

    # -- 5-6: identity, policy, session ----------------------------------------------
    def _policy_claim(self, api: ApiDefinition, claims: dict[str, Any]) -> str:
        if not api.jwt_policy_field_name:
            return ""
        return claim_value(claims, api.jwt_policy_field_name) or ""

    def _session(self, api: ApiDefinition, claims: dict[str, Any], now: float, ctx: dict[str, Any]) -> Session:
        if not api.jwt_source:  # one-to-one mode never gets here (no key), kept explicit
            raise Refusal(403, KEY_NOT_AUTHORIZED, stage="identity", reason="one-to-one mode")
        identity = identity_from_claims(claims, api.jwt_identity_base_field)
        org = api.org_id
        key = session_key(org, identity)
        ctx.update(identity=identity, session_key=key)
        index = self.state.policies
        stored = self.state.sessions.get(key)
        exists = False
        if stored is not None:
            try:
                apply_policies(stored, index, org)
                exists = True
            except PolicyError:
                exists = False  # CheckSessionAndIdentityForValidKey: treat as absent
        base = self._policy_claim(api, claims)
        defaults = list(api.jwt_default_policies)
        is_default = False
        if not base and defaults:
            is_default, base = True, defaults[0]
        if not exists:
            session = self._new_session(api, key, base, is_default, defaults, now)
        else:
            assert stored is not None
            session = self._repoint(api, stored, base, is_default, defaults)
        _extend_expiry(session, claims)
        scope_map = api.scope_to_policy
        if scope_map:
            self._apply_scopes(api, session, claims, base, is_default, exists)
        if not self._policy_claim(api, claims) and not defaults:
            # processCentralisedJWT: "No policies could be determined from token" /
            # "Existing session requires policy in token when no defaults configured"
            if not session.policy_ids or (exists and not scope_map):
                raise Refusal(403, NO_MATCHING_POLICY_FOUND, stage="policy",
                              reason="token names no policy and the API has no default policies")
        session.alias = identity
        session.oauth_client_id = oauth_client_id(claims)
        ctx.update(policies=list(session.policy_ids), oauth_client_id=session.oauth_client_id or None)
        self.state.sessions.put(session)
        return session

    def _apply_scopes(self, api: ApiDefinition, session: Session, claims: dict[str, Any], base: str,
                      is_default: bool, exists: bool) -> None:
        """Scope-to-policy mapping (gateway/mw_jwt.go processCentralisedJWT, after the base
        policy): the scopes in the API's scope claim (scopeClaimNameForRequest: "scope"
        unless configured; getScopeFromClaim) mapped by mapScopeToPolicies replace the
        session's policies — the token's own policy claim first, a default policy never.
        No mapped policy: 403 "no matching policy found in scope claim"; a policy that
        cannot be applied: 403 "could not apply several policies"; an existing session
        with neither scope nor policy claim: 403 "no scope or policy in token"."""
        name = api.scope_claim_name if api.oas_jwt is None else api.oas_jwt.scope_claim(claims)
        scopes = scopes_from_claim(claims, name or "scope")  # scopeClaimNameForRequest
        if not scopes:
            if not base and exists:
                raise Refusal(403, NO_SCOPE_OR_POLICY, stage="policy",
                              reason="existing session, scope mapping configured, token has neither scope nor policy")
            return
        pol_ids = [base] if base and not is_default else []
        pol_ids += [p for p in map_scopes_to_policies(api.scope_to_policy, scopes) if p not in pol_ids]
        if not pol_ids:
            raise Refusal(403, NO_POLICY_IN_SCOPE, stage="policy",
                          reason=f"no scope of {scopes} is mapped to a policy")
        session.policy_ids = pol_ids
        try:
            apply_policies(session, self.state.policies, api.org_id)
        except PolicyError as exc:
            raise Refusal(403, "key not authorized: could not apply several policies", stage="policy",
                          reason=str(exc)) from None

    def _new_session(self, api: ApiDefinition, key: str, base: str, is_default: bool,
                     defaults: list[str], now: float) -> Session:
        org = api.org_id
        if not base:
            return Session(key=key, org_id=org)
        generated = session_from_policy(base, org, self.state.policies, now)
        session = generated if generated is not None else Session(key=key, org_id=org)
        session.key = key
        if is_default:
            session.policy_ids += [p for p in defaults if p not in session.policy_ids]
        try:
            apply_policies(session, self.state.policies, org)
        except PolicyError as exc:
            raise Refusal(500, "failed to create key: " + str(exc), stage="policy", reason=str(exc)) from None
        if generated is None:
            raise Refusal(403, NO_MATCHING_POLICY, stage="policy",
                          reason=f"policy {base!r} is not loaded for org {org!r}")
        return session

    def _repoint(self, api: ApiDefinition, session: Session, base: str, is_default: bool,
                 defaults: list[str]) -> Session:
        org = api.org_id
        if base and (org, base) not in self.state.policies:
            raise Refusal(403, NO_MATCHING_POLICY, stage="policy", reason=f"policy {base!r} is not loaded for org {org!r}")
        pols = list(session.policy_ids)
        if not pols:
            raise Refusal(403, NO_MATCHING_POLICY_FOUND, stage="policy", reason="stored session has no policies")
        changed = False
        if is_default:
            changed = any(p not in defaults and p != base for p in pols) or any(d not in pols for d in defaults)
        if base and (base not in pols or changed):
            session.policy_ids = [base] + ([d for d in defaults if d != base] if is_default else [])
            try:
                apply_policies(session, self.state.policies, org)
            except PolicyError as exc:
                raise Refusal(403, "key not authorized: could not apply new policy", stage="policy",
                              reason=str(exc)) from None
        return session

    # -- 7: session checks ------------------------------------------------------------
    def _session_checks(self, api: ApiDefinition, s: Session, req: RequestView, now: float) -> None:
        if s.is_inactive:
            raise Refusal(403, "Key is inactive, please renew", stage="key_expiry", reason="a policy is inactive")
        if s.expires >= 1 and now > s.expires:
            raise Refusal(401, "Key has expired, please renew", stage="key_expiry",
                          reason=f"session expired at {s.expires} (now {now:.0f})")
        if s.access_rights:
            versions = s.access_rights.get(api.api_id)
            if versions is None:
                raise Refusal(403, ACCESS_DISALLOWED, stage="access_rights",
                              reason=f"policies {s.policy_ids} grant no access to API {api.api_id!r}")
            if not api.not_versioned:
                target = _requested_version(api, req) or api.default_version
                if target not in versions:
                    raise Refusal(403, ACCESS_DISALLOWED, stage="access_rights",
                                  reason=f"version {target!r} not in the granted versions {list(versions)}")
        if not api.disable_rate_limit and not self.state.limiter.allow(s.key, s.rate, s.per, now):
            raise Refusal(429, "Rate Limit Exceeded", stage="rate_limit", reason=f"more than {s.rate:g} per {s.per:g}s")
        if not api.disable_quota and self.state.quota.hit(s.key, s.quota_max, s.quota_renewal_rate, now):
            raise Refusal(403, "Quota exceeded", stage="quota", reason=f"quota of {s.quota_max} used up")


def _go_int64(f: float) -> int:
    whole = int(f)
    return whole if -(2**63) <= whole < 2**63 else -(2**63)


def _extend_expiry(session: Session, claims: dict[str, Any]) -> None:
    """"override session expiry with JWT if longer lived" (processCentralisedJWT)."""
    exp = claims.get("exp")
    if isinstance(exp, float):
        e = _go_int64(exp)
        if e - session.expires > 0:
            session.expires = e


def _requested_version(api: ApiDefinition, req: RequestView) -> str:
    if api.version_location == "header":
        return req.headers.get(api.version_key or "x-api-version", "") or ""
    if api.version_location == "url-param":
        return req.query.get(api.version_key or "version", "") or ""
    return ""
