"""Developer passwords, hashed with scrypt (RFC 7914) and a per-password salt.

The stored form names its cost (``scrypt$N$r$p$salt$key``), so a hash is always verified
with the parameters it was made with, whatever the portal's current cost.

Two costs:

* :data:`DEFAULT_COST` (N=2^14, r=8, p=1: 16 MiB and ~50-100 ms per hash on a laptop), the
  parameters for interactive logins recommended since scrypt's paper (Percival 2009, §7;
  RFC 7914 §2 gives N=16384 as the example) — the portal's default, and what
  ``dcr-harness serve`` uses, where a person types passwords into the portal's pages.
* :data:`THROWAWAY_COST` (N=2^10: 1 MiB, ~1-2 ms) for the throw-away portal of a scenario
  run (:func:`harness.scenario.runner.build_world`). There the developer's password is the
  one written in clear in the scenario file (``developer.password``), the portal lives for
  the run only and its database is kept with its secrets masked, so a costly hash protects
  nothing, while it cost two hashes (sign-up and login: ~0.2-0.4 s of a ~1 s guide run on
  two cores, benchmarks/suite_bench.py). The algorithm, salt, key length and verification
  are the same; only the work factor differs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class PasswordCost:
    """scrypt's work factors (RFC 7914 §2): CPU/memory cost ``n`` (a power of 2), block
    size ``r``, parallelisation ``p``."""

    n: int
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1):
            raise ValueError(f"scrypt N must be a power of 2 greater than 1 (RFC 7914 §2), got {self.n}")


#: Interactive logins (module docstring).
DEFAULT_COST = PasswordCost(2**14)
#: A scenario run's throw-away portal, whose passwords are written in the scenario (module docstring).
THROWAWAY_COST = PasswordCost(2**10)


def hash_password(password: str, cost: PasswordCost = DEFAULT_COST) -> str:
    salt = os.urandom(16)
    dk = hashlib.scrypt(password.encode(), salt=salt, n=cost.n, r=cost.r, p=cost.p, dklen=32)
    return f"scrypt${cost.n}${cost.r}${cost.p}${base64.b64encode(salt).decode()}${base64.b64encode(dk).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt_b64, dk_b64 = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    dk = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(dk, base64.b64decode(dk_b64))
