"""An independent oracle for the property tests: from the *recipe* of a token (not from
its bytes) it decides what Tyk answers, using the rules of shared/reference/tyk.md
written out plainly. It shares no code with harness.tyk.gateway."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

KNA = "Key not authorized"
UNEXPECTED = "Key not authorized: Unexpected signing method"

REGISTERED_ALGS = {"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                   "ES256", "ES384", "ES512", "EdDSA", "none"}
FAMILY = {
    "rsa": {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"},
    "ecdsa": {"ES256", "ES384", "ES512"},
    "hmac": {"HS256", "HS384", "HS512"},
}
MISSING = "<missing>"


@dataclass
class Recipe:
    family: str                      # the API's jwt_signing_method
    skews: tuple[int, int, int]      # exp, iat, nbf
    identity_field: str
    defaults: bool                   # API has the default policy
    alg: Any                         # header alg (MISSING, a string, or a non-string)
    kid: str                         # "match", "other", "unknown", "missing", "number"
    signer: str                      # which key really signed: "rsa", "ec", "secret", "stranger"
    sig_mutation: str                # "none", "flip", "truncate", "empty"
    structure: str                   # "ok", "two", "four", "padding", "header_not_json", "payload_array", "payload_not_json"
    claims: dict[str, Any] = field(default_factory=dict)
    now: int = 0


def _kid_key(recipe: Recipe) -> str | None:
    """Which JWKS key the kid selects ("rsa" / "ec"), or None."""
    if recipe.kid in ("missing", "number", "unknown"):
        return None
    signer_kid = {"rsa": "rsa", "ec": "ec", "stranger": "rsa", "secret": "rsa"}[recipe.signer]
    if recipe.kid == "match":
        return signer_kid
    return "ec" if signer_kid == "rsa" else "rsa"


def _signature_valid(recipe: Recipe, alg: str) -> bool:
    if recipe.sig_mutation != "none" or recipe.signer == "stranger":
        return False
    if recipe.family == "hmac":
        verifying = "secret"
    else:
        verifying = _kid_key(recipe) or ""
    if recipe.signer != verifying:
        return False
    needs = {"RS": "rsa", "PS": "rsa", "ES": "ec", "HS": "secret"}[alg[:2]]
    return needs == recipe.signer and (alg[:2] != "ES" or alg == "ES256")


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _time_message(recipe: Recipe) -> str | None:
    exp_skew, iat_skew, nbf_skew = recipe.skews
    now = recipe.now
    failures = []
    c = recipe.claims
    if "exp" in c and not (_number(c["exp"]) and (c["exp"] == 0 or now - exp_skew < math.floor(c["exp"]))):
        failures.append("token has expired")
    if "iat" in c and not (_number(c["iat"]) and (c["iat"] == 0 or now + iat_skew >= math.floor(c["iat"]))):
        failures.append("token used before issued")
    if "nbf" in c and not (_number(c["nbf"]) and (c["nbf"] == 0 or now + nbf_skew >= math.floor(c["nbf"]))):
        failures.append("token is not valid yet")
    return failures[-1] if failures else None


def _string(v: Any) -> bool:
    return isinstance(v, str) and v != ""


def _identity_error(recipe: Recipe) -> str | None:
    c, f = recipe.claims, recipe.identity_field
    if "." in f:  # a nested path such as "user.id"
        outer, inner = f.split(".", 1)
        value = c[outer].get(inner) if isinstance(c.get(outer), dict) else None
    else:
        value = c.get(f)
    if _string(value):
        return None
    if value == "":
        return f"found an empty user ID in predefined base claim, claim: {f}"
    sub = c.get("sub")
    if _string(sub):
        return None
    if sub == "":
        return "found an empty user ID in sub claim"
    return "no suitable claims for user ID were found"


def expected(recipe: Recipe, known_policy: str) -> tuple[int, str]:
    """Tyk's (status, message) for a fresh gateway and this token."""
    if recipe.structure != "ok":
        return 403, KNA
    alg = recipe.alg
    if not isinstance(alg, str) or alg not in REGISTERED_ALGS:
        return 403, KNA
    if alg not in FAMILY[recipe.family]:
        return 403, UNEXPECTED
    if recipe.family != "hmac" and _kid_key(recipe) is None:
        return 403, KNA
    if not _signature_valid(recipe, alg):
        return 403, KNA
    message = _time_message(recipe)
    if message:
        return 401, "Key not authorized: " + message
    error = _identity_error(recipe)
    if error:
        return 403, error
    pol = recipe.claims.get("pol")
    if _string(pol) and pol != known_policy:
        return 403, "key not authorized: no matching policy"
    if not _string(pol) and not recipe.defaults:
        return 403, "key not authorized: no matching policy found"
    exp = recipe.claims.get("exp")
    if _number(exp) and int(exp) > 0 and recipe.now > int(exp):
        return 401, "Key has expired, please renew"  # the session lives until the token's exp
    return 200, ""
