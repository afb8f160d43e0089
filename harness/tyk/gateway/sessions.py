"""Sessions the JWT middleware creates, and how policies shape them.

Models gateway/mw_jwt.go processCentralisedJWT, gateway.generateSessionFromPolicy and
internal/policy/apply.go for unpartitioned policies:

* the session key is org id + md5 hex of the identity (storage.GenerateToken, legacy);
* a new session is generated from the base policy (the token's policy claim, else the
  first default policy): access rights, rate/per, quota, ``key_expires_in``;
* all default policies are applied together when none is named by the token;
* a stored session whose policies changed is re-pointed to the token's policy;
* the session expiry becomes the token's ``exp`` when that is later.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from harness.tyk.gateway.policies import Policy

PolicyIndex = dict[tuple[str, str], Policy]  # (org id, policy id) -> policy


class PolicyError(Exception):
    """ApplyPolicies failed; the message is Tyk's."""


def session_key(org_id: str, identity: str) -> str:
    return org_id + hashlib.md5(identity.encode("utf-8")).hexdigest()


@dataclass
class Session:
    key: str
    org_id: str
    policy_ids: list[str] = field(default_factory=list)
    #: Unix seconds; 0 = never expires.
    expires: int = 0
    alias: str = ""
    oauth_client_id: str = ""
    access_rights: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rate: float = 0.0
    per: float = 0.0
    quota_max: int = 0
    quota_renewal_rate: int = 0
    is_inactive: bool = False

    def clone(self) -> Session:
        """An independent copy (the store never hands out its own object). Only the
        list and the dict are mutable (access-right values are tuples), so copy those
        rather than ``copy.deepcopy`` everything."""
        c = object.__new__(Session)
        c.__dict__.update(self.__dict__)
        c.policy_ids = list(self.policy_ids)
        c.access_rights = dict(self.access_rights)
        return c


def _greater_quota(first: int, second: int) -> bool:
    """greaterThanInt64: -1 means unlimited and beats everything."""
    if first == -1 or second == -1:
        return first == -1 and second != -1
    return first > second


def apply_policies(session: Session, policies: PolicyIndex, org_id: str) -> None:
    """Recompute access rights and limits from ``session.policy_ids``
    (ClearSession + Apply). Raises :class:`PolicyError` with Tyk's message."""
    ids = list(session.policy_ids)
    if not ids:
        return
    rights: dict[str, tuple[str, ...]] = {}
    session.rate = session.per = 0.0
    session.quota_max = 0
    session.quota_renewal_rate = 0
    inactive = False
    org = session.org_id or org_id
    for pid in ids:
        pol = policies.get((org, pid))
        if pol is None:
            if len(ids) > 1:
                continue
            raise PolicyError(f'policy not found: "{pid}"')
        for api_id, ar in pol.access_rights.items():
            merged = list(rights.get(api_id, ()))
            merged += [v for v in ar.versions if v not in merged]
            rights[api_id] = tuple(merged)
        if _greater_quota(pol.quota_max, session.quota_max):
            session.quota_max = pol.quota_max
        session.quota_renewal_rate = max(session.quota_renewal_rate, pol.quota_renewal_rate)
        if pol.rate > 0 and pol.per > 0:
            empty = session.rate <= 0 or session.per <= 0
            if empty or session.per / session.rate > pol.per / pol.rate:
                session.rate, session.per = pol.rate, pol.per
        inactive = inactive or pol.is_inactive
    if not rights:
        raise PolicyError("key has no valid policies to be applied")
    session.access_rights = rights
    session.is_inactive = inactive


def session_from_policy(policy_id: str, org_id: str, policies: PolicyIndex, now: float) -> Session | None:
    """generateSessionFromPolicy with enforced org: None when the policy is unknown
    for this organisation."""
    pol = policies.get((org_id, policy_id))
    if pol is None:
        return None
    s = Session(key="", org_id=org_id, policy_ids=[policy_id])
    if pol.key_expires_in > 0:
        s.expires = int(now) + pol.key_expires_in
    return s


class SessionStore:
    """The gateway's key store (Redis in Tyk), in memory and thread-safe."""

    def __init__(self) -> None:
        self._items: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Session | None:
        with self._lock:
            s = self._items.get(key)
            return s.clone() if s is not None else None

    def put(self, session: Session) -> None:
        with self._lock:
            self._items[session.key] = session.clone()

    def delete(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
