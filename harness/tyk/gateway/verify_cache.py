"""Tokens whose signature already verified, so a repeated token skips the RSA/EC work.

Tyk verifies every token's signature on every request. shared/reference/tyk.md
("Performance anchor") allows a cache "keyed on the exact token bytes, bounded by
``exp`` and evicted on key rotation". The signature check (RFC 7515 §5.2 step 8) and
the structure checks before it (RFC 7519 §7.2) are skipped only when all hold:

* the same token string (after the bearer prefix is stripped) verified before under
  the *same* :class:`ApiDefinition` object: loading, reloading or removing an API
  replaces the object, so any API change (source, signing method, auth) misses;
* the key resolved *now* (key resolution still runs on every request, with all of its
  refusals) is the very key object that verified it: a JWKS refetch after key
  rotation, cache expiry or ``DELETE /tyk/cache/jwks`` yields new key objects, and the
  API's entries are also evicted at once (:meth:`VerifiedTokenCache.evict_api`);
* the token's ``exp`` has not passed (the entry is dropped then).

Everything after the signature still runs on every request: exp/iat/nbf with the
API's skews, identity, policies, session expiry, access rights, rate limit and quota.
So a verdict (status and message) is the same with or without the cache.
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

from harness.tyk.gateway.apidef import ApiDefinition
from harness.tyk.gateway.jwtparse import ParsedToken
from harness.tyk.gateway.keys import Key


class VerifiedToken(NamedTuple):
    api: ApiDefinition
    parsed: ParsedToken
    key: Key
    #: Unix seconds after which the entry is dropped: the token's ``exp`` (∞ without one).
    until: float


def _until(parsed: ParsedToken) -> float:
    exp = parsed.claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)) or exp == 0:
        return math.inf  # no exp (0 counts as absent, tyk.md step 4): no time bound
    return float(exp)


def same_key(a: Key, b: Key) -> bool:
    """True when ``b`` is the key object that verified (HMAC secrets compare by value)."""
    return a is b or (isinstance(a, bytes) and isinstance(b, bytes) and a == b)


class VerifiedTokenCache:
    """Bounded, thread-safe; ``max_entries=0`` disables it (every token is verified)."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._items: dict[tuple[str, str], VerifiedToken] = {}
        self._lock = threading.Lock()

    def get(self, api: ApiDefinition, token: str, now: float) -> VerifiedToken | None:
        if not self.max_entries:
            return None
        name = (api.api_id, token)
        with self._lock:
            entry = self._items.get(name)
            if entry is None:
                return None
            if entry.api is not api or now >= entry.until:
                del self._items[name]
                return None
            return entry

    def put(self, api: ApiDefinition, token: str, parsed: ParsedToken, key: Key, now: float) -> None:
        if not self.max_entries:
            return
        until = _until(parsed)
        if now >= until:
            return
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._purge(now)
            self._items[(api.api_id, token)] = VerifiedToken(api, parsed, key, until)

    def _purge(self, now: float) -> None:
        """Drop expired entries; if still full, the oldest quarter (insertion order)."""
        for name in [n for n, e in self._items.items() if now >= e.until]:
            del self._items[name]
        if len(self._items) >= self.max_entries:
            for name in list(self._items)[: max(1, self.max_entries // 4)]:
                del self._items[name]

    def evict_api(self, api_id: str) -> None:
        """Key rotation / JWKS refresh / API change: forget every token of this API."""
        with self._lock:
            for name in [n for n in self._items if n[0] == api_id]:
                del self._items[name]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
