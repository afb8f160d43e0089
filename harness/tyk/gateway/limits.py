"""Rate limit and quota (gateway/mw_rate_limiting.go, session_manager.go).

* Rate limit — Tyk's default single-node limiter (internal/memorycache/bucket.go): a
  fixed window of ``per`` seconds that opens at the first request and lets ``rate``
  requests through; the window restarts once it has passed. Over the limit → 429
  ``Rate Limit Exceeded``. No limit when rate or per is 0.
* Quota — a counter per session that every request (not rate-limited) increments;
  blocked when the count before this request already reached ``quota_max`` → 403
  ``Quota exceeded``. The counter expires ``quota_renewal_rate`` seconds after the
  first request of a period (never when 0). No quota when ``quota_max`` ≤ 0.
"""

from __future__ import annotations

import math
import threading


class FixedWindowLimiter:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[int, float]] = {}  # key -> (remaining, reset_at)
        self._lock = threading.Lock()

    def allow(self, key: str, rate: float, per: float, now: float) -> bool:
        if rate <= 0 or per <= 0:
            return True
        capacity = max(1, math.floor(rate))
        with self._lock:
            remaining, reset_at = self._buckets.get(key, (capacity, now + per))
            if now > reset_at:
                remaining, reset_at = capacity, now + per
            if remaining < 1:
                self._buckets[key] = (remaining, reset_at)
                return False
            self._buckets[key] = (remaining - 1, reset_at)
            return True

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


class QuotaCounter:
    def __init__(self) -> None:
        self._counters: dict[str, tuple[int, float | None]] = {}  # key -> (count, expires_at)
        self._lock = threading.Lock()

    def hit(self, key: str, quota_max: int, renewal_rate: int, now: float) -> bool:
        """Count one request; True when it must be blocked."""
        if quota_max <= 0:
            return False
        with self._lock:
            count, expires = self._counters.get(key, (0, None))
            if expires is not None and now >= expires:
                count, expires = 0, None
            count += 1
            if count == 1 and renewal_rate > 0:
                expires = now + renewal_rate
            self._counters[key] = (count, expires)
            return count - 1 >= quota_max

    def clear(self) -> None:
        with self._lock:
            self._counters.clear()
