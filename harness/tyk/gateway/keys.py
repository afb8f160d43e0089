"""The verification key for a token (gateway/mw_jwt.go getSecretToVerifySignature).

``jwt_source`` is, in this order: a plain http(s) URL; base64 of an http(s) URL (what
the Dashboard stores); base64 of a PEM public key / certificate or of an HMAC secret.
With a URL the token's ``kid`` must be a string and selects the first JWKS key with
that kid. Every failure is 403 ``Key not authorized``; the reason is kept.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeAlias

from jwcrypto import jwk

from harness.tyk.gateway.apidef import ApiDefinition
from harness.tyk.gateway.decisions import Refusal
from harness.tyk.gateway.golang.gocompat import GoDecodeError, b64std_decode_go, go_json_loads
from harness.tyk.gateway.golang.jwks_go import GoJwks, JwksDecodeError, decode_jwks
from harness.tyk.gateway.golang.pem_go import PemError, public_key_from_pem_or_der
from harness.tyk.gateway.jwks import FetchError, JwksFetcher, TtlCache
from harness.tyk.gateway.jwtparse import KEY_NOT_AUTHORIZED, ParsedToken
from harness.tyk.gateway.profile import GatewayProfile

log = logging.getLogger(__name__)

#: gateway/reverse_proxy.go httpScheme
HTTP_SCHEME = re.compile(r"^(?i:https?://)")
#: The cache entry that remembers which jwt_source filled the cache (JWKsAPIDef).
MARKER_PREFIX = "jwks_api_def_"

Key: TypeAlias = jwk.JWK | bytes


#: Bound on the memo of parsed PEM/DER keys (one per distinct ``jwt_source``).
_PEM_MEMO_SIZE = 256


@lru_cache(maxsize=256)
def _b64_source(value: str) -> bytes:
    """``b64std_decode_go`` of a ``jwt_source`` (or of the cached marker), once per
    distinct value; a decode error is raised every time (lru_cache keeps no errors)."""
    return b64std_decode_go(value)


def _refuse(reason: str) -> Refusal:
    return Refusal(403, KEY_NOT_AUTHORIZED, stage="key", reason=reason)


class FetchNeeded(Exception):
    """Raised instead of fetching a JWKS when the caller asked not to block
    (``may_fetch=False``): the caller runs the whole decision again where it may."""


class KeyResolver:
    def __init__(self, profile: GatewayProfile, fetcher: JwksFetcher) -> None:
        self.profile = profile
        self.fetcher = fetcher
        #: Called with the API id after a JWKS was fetched and cached (new key objects:
        #: the gateway evicts that API's verified tokens).
        self.on_jwks_refresh: Callable[[str], None] | None = None
        self._pem_keys: dict[bytes, jwk.JWK] = {}
        self._pem_lock = threading.Lock()

    def resolve(self, api: ApiDefinition, token: ParsedToken, cache: TtlCache, *, may_fetch: bool = True) -> Key:
        """The key golang-jwt would receive after Tyk's ``parseJWTKey``. With
        ``may_fetch`` False a needed JWKS fetch raises :class:`FetchNeeded` instead."""
        raw = self._secret(api, token, cache, may_fetch)
        if api.signing_family in ("rsa", "ecdsa") and isinstance(raw, bytes):
            return self._pem_key(raw)
        return raw

    def _pem_key(self, raw: bytes) -> jwk.JWK:
        """Parse a PEM/DER public key once per distinct value (not on every request);
        failures are not memoised and refuse every time."""
        key = self._pem_keys.get(raw)
        if key is not None:
            return key
        try:
            key = public_key_from_pem_or_der(raw)
        except PemError as exc:
            raise _refuse(f"Failed to decode JWT key: {exc}") from None
        with self._pem_lock:
            if len(self._pem_keys) >= _PEM_MEMO_SIZE:
                self._pem_keys.clear()
            key = self._pem_keys.setdefault(raw, key)
        return key

    def _secret(self, api: ApiDefinition, token: ParsedToken, cache: TtlCache, may_fetch: bool = True) -> Key:
        source = api.jwt_source
        if not source:
            # One-to-one mode: the kid (or identity) names a Tyk key holding the secret.
            # The harness has no keys API, so no such key ever exists.
            raise _refuse("no jwt_source: one-to-one mode needs a Tyk key named by the kid; none exists")
        if HTTP_SCHEME.match(source):
            return self._from_url(api, token, cache, source, may_fetch)
        try:
            decoded = _b64_source(source)
        except GoDecodeError as exc:
            raise _refuse(f"JWKS source decode failed: jwt_source is not a base64 string ({exc})") from None
        text = decoded.decode("latin-1")
        if HTTP_SCHEME.match(text):
            return self._from_url(api, token, cache, text, may_fetch)
        return decoded

    def _from_url(self, api: ApiDefinition, token: ParsedToken, cache: TtlCache, url: str,
                  may_fetch: bool = True) -> Key:
        kid = token.header.get("kid")
        if not isinstance(kid, str):
            raise _refuse("kid is not a string" if kid is not None else "kid is not a string (token has no kid)")
        marker_name = MARKER_PREFIX + api.api_id + api.org_id
        marker = cache.get(marker_name)
        jwks: GoJwks | None = None
        if marker is not None:
            if self._cached_url(marker) == url:
                jwks = cache.get(url)
        if jwks is None:
            if not may_fetch:
                raise FetchNeeded(url)
            try:
                jwks = decode_jwks(self.fetcher.fetch(url))
            except (FetchError, JwksDecodeError) as exc:
                reason = str(exc)
                if self.profile.legacy_x5c_pem_fallback:
                    key = self._legacy(cache, url, kid, api.jwt_signing_method)
                    if key is not None:
                        return key
                raise _refuse(reason) from None
            cache.set(url, jwks)
            cache.set(marker_name, api.jwt_source)
            if self.on_jwks_refresh is not None:
                self.on_jwks_refresh(api.api_id)
        found = jwks.first(kid)
        if found is None:
            kids = ", ".join(repr(k.kid) for k in jwks.keys) or "none"
            raise _refuse(f"No matching KID could be found: {kid[:80]!r} is not in the JWKS (kids: {kids})")
        if found.key is None:
            raise _refuse(f"JWKS key {found.index} (kid={kid!r}) cannot verify: {found.note}")
        return found.key

    def _cached_url(self, marker: str) -> str:
        if not self.profile.plain_url_jwt_source_first_request_only:
            return marker if HTTP_SCHEME.match(marker) else _b64_source(marker).decode("latin-1")
        # Tyk 5.9+: the cached jwt_source is always base64-decoded, so a plain URL fails.
        try:
            return _b64_source(marker).decode("latin-1")
        except GoDecodeError:
            raise _refuse(
                "JWKS source decode failed: cached jwt_source is not a base64 string "
                "(Tyk bug: a plain-URL jwt_source works on the first request only; store base64 of the URL)"
            ) from None

    def _legacy(self, cache: TtlCache, url: str, kid: str, method: str) -> Key | None:
        """legacyGetSecretFromURL: a loose decode of the same URL, looking for a key with
        this kid and ``kty`` equal to the signing method whose x5c[0] holds a PEM."""
        name = "legacy-" + url
        keys: list[dict[str, Any]] | None = cache.get(name)
        if keys is None:
            try:
                keys = _legacy_keys(self.fetcher.fetch(url))
            except (FetchError, ValueError):
                return None
            cache.set(name, keys)
        for k in keys:
            if k.get("kid") != kid or str(k.get("kty", "")).lower() != method.lower():
                continue
            x5c = k.get("x5c") or []
            if not x5c:
                return None
            try:
                pem = b64std_decode_go(x5c[0])
            except GoDecodeError:
                return None
            if b"-----" not in pem:
                return None
            try:
                return public_key_from_pem_or_der(pem)
            except PemError:
                return None
        return None


def _legacy_keys(body: bytes) -> list[dict[str, Any]]:
    """Decode into Tyk's loose ``JWKs`` struct (strings and an x5c string list)."""
    doc = go_json_loads(body)
    if doc is None:
        return []
    if not isinstance(doc, dict):
        raise ValueError("not an object")
    raw = next((v for k, v in doc.items() if k.lower() == "keys"), None)
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError("keys is not an array")
    out: list[dict[str, Any]] = []
    for item in raw:
        if item is None:
            out.append({})
            continue
        if not isinstance(item, dict):
            raise ValueError("key is not an object")
        key: dict[str, Any] = {}
        for name, value in item.items():
            field = name.lower()
            if field in ("alg", "kty", "use", "n", "e", "kid", "x5t"):
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"{name} is not a string")
                key[field] = value or ""
            elif field == "x5c":
                if value is not None and (not isinstance(value, list) or not all(isinstance(c, str) for c in value)):
                    raise ValueError("x5c is not a string array")
                key[field] = value or []
        out.append(key)
    return out
