"""Gateway settings: tyk.conf values the gateway reads, and the Tyk quirks it models.

Each quirk is one named field with its default (Tyk 5.x, latest) and its source, so a
scenario can switch it and code never tests a product name (shared/STYLE.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.tyk.gateway.fields import FieldReader


@dataclass(frozen=True)
class GatewayProfile:
    #: tyk.conf ``secret``: the ``x-tyk-authorization`` value the /tyk/ API requires.
    secret: str = ""
    #: tyk.conf ``jwt_ssl_insecure_skip_verify``: skip TLS verification of https JWKS
    #: fetches (gateway/mw_jwt.go getJWK).
    jwt_ssl_insecure_skip_verify: bool = False
    #: CA bundle (PEM file) for https JWKS fetches; not a tyk.conf key (Tyk uses the
    #: system pool). From tyk.conf ``dcr_harness.jwks_ca_bundle``.
    jwks_ca_bundle: str | None = None
    #: tyk.conf ``jwks.cache.timeout``: seconds a fetched JWKS stays cached per API;
    #: 0 means Tyk's default of 240 s (gateway/server.go externalOAuthJWKCacheExpiration).
    jwks_cache_ttl: float = 240.0
    #: Bound on one JWKS fetch. Tyk's default JWKS client has no timeout at all; the
    #: harness bounds it so an unreachable IdP cannot hang a test.
    #: From tyk.conf ``dcr_harness.jwks_fetch_timeout``.
    jwks_fetch_timeout: float = 5.0
    #: Tyk bug (5.9+, still in master): with a *plain* URL in ``jwt_source`` the first
    #: request caches the API definition, and every later request fails to base64-decode
    #: the cached ``jwt_source`` → 403 until the cache entry expires (gateway/mw_jwt.go
    #: getSecretFromURL). Set False to model a fixed gateway.
    plain_url_jwt_source_first_request_only: bool = True
    #: When a JWKS fails to decode, Tyk fetches the URL again and looks for a key with
    #: the kid whose ``x5c[0]`` is base64 of a PEM certificate (legacyGetSecretFromURL).
    #: Visible as a second JWKS request in transcripts.
    legacy_x5c_pem_fallback: bool = True
    #: golang-jwt v4 verifies PS* with rsa.PSSSaltLengthAuto (rsa_pss.go).
    pss_salt_length_auto: bool = True
    #: A missing credential answers 400 (401 only for APIs with Protected Resource
    #: Metadata enabled, gateway/mw_jwt.go ProcessRequest).
    missing_token_status: int = 400


def profile_from_tyk_conf(conf: dict[str, Any] | None, source: str = "<tyk.conf>") -> GatewayProfile:
    """Read the keys above from a tyk.conf document (unknown keys are ignored)."""
    if not conf:
        return GatewayProfile()
    r = FieldReader(conf, source)
    jwks = r.child("jwks").child("cache")
    ttl = jwks.number("timeout")
    extra = r.child("dcr_harness")
    bundle = extra.string("jwks_ca_bundle") or None
    timeout = extra.number("jwks_fetch_timeout", 5.0)
    if timeout <= 0:
        raise extra.fail("jwks_fetch_timeout", "must be a positive number of seconds")
    return GatewayProfile(
        secret=r.string("secret"),
        jwt_ssl_insecure_skip_verify=r.boolean("jwt_ssl_insecure_skip_verify"),
        jwks_ca_bundle=bundle,
        jwks_cache_ttl=ttl if ttl > 0 else 240.0,
        jwks_fetch_timeout=timeout,
        plain_url_jwt_source_first_request_only=extra.boolean("plain_url_jwt_source_first_request_only", True),
        legacy_x5c_pem_fallback=extra.boolean("legacy_x5c_pem_fallback", True),
        pss_salt_length_auto=extra.boolean("pss_salt_length_auto", True),
    )
