"""Waiting for a Keycloak initial access token to expire — the one place that knows when
Keycloak stops accepting one.

An initial access token is a JWT whose own ``exp`` Keycloak checks first
(``ClientRegistrationTokenUtils.verifyToken``: ``Time.currentTime() > exp`` in whole
seconds; keycloak.md "the token's own expiry is checked first"), so the moment to wait
for is ``exp`` plus the second Keycloak truncates. Nothing is registered while waiting:
that would spend the token's count. Used by the guide's ``wait_until_expired`` step, the
differential sequence and the conformance check of expiry enforcement.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from harness.core.errors import HarnessError
from harness.jose.tokens import NotAJwt, decode_unverified

#: Seconds past ``exp`` before Keycloak (whole seconds, ``>``) surely refuses the token,
#: with half a second to spare for the request in flight.
EXPIRY_MARGIN_S = 1.5
#: Poll interval of the wait.
POLL_S = 0.1


class TokenStillValid(HarnessError):
    """The token's expiry did not pass before the deadline."""


def expires_at(token: str, expiration: float, now: float) -> float:
    """The token's ``exp`` claim; for a token that is not a JWT (or has no ``exp``),
    ``now + expiration`` — the admin API's ``expiration`` in seconds."""
    try:
        exp = float(decode_unverified(token)[1].get("exp") or 0)
    except NotAJwt:
        exp = 0.0
    return exp or now + expiration


def wait_until_expired(token: str, *, expiration: float, deadline_s: float,
                       clock: Callable[[], float] = time.time) -> float:
    """Block until Keycloak refuses ``token`` as expired; return its ``exp``. Raises
    :class:`TokenStillValid` when that moment is more than ``deadline_s`` seconds away."""
    exp = expires_at(token, expiration, clock())
    deadline = time.monotonic() + deadline_s
    pause = threading.Event()
    while clock() <= exp + EXPIRY_MARGIN_S:
        if time.monotonic() > deadline:
            raise TokenStillValid(f"initial access token exp={int(exp)} still in the future after {deadline_s:g} s")
        pause.wait(POLL_S)  # poll the clock, bounded by the deadline above
    return exp
