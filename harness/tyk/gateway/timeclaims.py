"""exp / iat / nbf checks with Tyk's three skews (RFC 7519 §4.1.4-4.1.6; gateway/mw_jwt.go
timeValidateJWTClaims on golang-jwt v4 MapClaims).

* A claim that is absent, or the number 0, is not checked. Any other non-number
  (string, null, bool, array) fails its check.
* Numbers are truncated to whole seconds and compared with ``now`` in whole seconds:
  expired when ``now - exp_skew >= exp``; used before issued when ``now + iat_skew < iat``;
  not valid yet when ``now + nbf_skew < nbf``.
* All three are evaluated; when several fail, the message of the *last* failing one
  (nbf, then iat, then exp) is reported — golang-jwt overwrites ``Inner`` each time.
* Go's float → int64 conversion and ``time.Unix`` arithmetic are reproduced for huge
  values (|v| ≥ 2^63 becomes the minimum int64 on amd64, and the seconds wrap).
"""

from __future__ import annotations

import math
from typing import Any

from harness.tyk.gateway.decisions import Refusal

_INT64_MIN = -(2**63)
_UNIX_TO_INTERNAL = 62135596800  # seconds from year 1 to 1970 (Go time package)

EXPIRED = "token has expired"
USED_BEFORE_ISSUED = "token used before issued"
NOT_VALID_YET = "token is not valid yet"


def _wrap64(v: int) -> int:
    return (v + 2**63) % 2**64 - 2**63


def _go_internal_seconds(value: float) -> int:
    """Seconds since year 1 of ``time.Unix(int64(round), frac).Truncate(time.Second)``."""
    whole = math.trunc(value)
    frac = value - whole
    secs = whole if -(2**63) <= whole < 2**63 else _INT64_MIN
    if frac < 0:  # time.Unix normalises a negative nanosecond part into the previous second
        secs -= 1
    return _wrap64(secs + _UNIX_TO_INTERNAL)


def _now_internal(now: int) -> int:
    return _wrap64(now + _UNIX_TO_INTERNAL)


def _check(claims: dict[str, Any], name: str, cmp_now: int, *, ok_if: str) -> bool:
    """True when the claim passes. ``ok_if`` is "before" (exp) or "not_before" (iat/nbf)."""
    if name not in claims:
        return True
    v = claims[name]
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    if v == 0:
        return True
    t = _go_internal_seconds(float(v))
    now = _now_internal(cmp_now)
    return now < t if ok_if == "before" else now >= t


def check_time_claims(
    claims: dict[str, Any], now: float, *, exp_skew: int, iat_skew: int, nbf_skew: int
) -> None:
    """Raise :class:`Refusal` 401 ``Key not authorized: <reason>`` when a check fails."""
    unix_now = math.floor(now)
    failed: list[str] = []
    if not _check(claims, "exp", _wrap64(unix_now - exp_skew), ok_if="before"):
        failed.append(EXPIRED)
    if not _check(claims, "iat", _wrap64(unix_now + iat_skew), ok_if="not_before"):
        failed.append(USED_BEFORE_ISSUED)
    if not _check(claims, "nbf", _wrap64(unix_now + nbf_skew), ok_if="not_before"):
        failed.append(NOT_VALID_YET)
    if failed:
        message = failed[-1]
        raise Refusal(
            401, "Key not authorized: " + message, stage="time_claims",
            reason=f"{', '.join(failed)} (now={unix_now}, exp={claims.get('exp')!r}, "
            f"iat={claims.get('iat')!r}, nbf={claims.get('nbf')!r}, skews exp/iat/nbf="
            f"{exp_skew}/{iat_skew}/{nbf_skew})",
        )
