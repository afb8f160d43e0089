"""Property: for any mutation of a valid token and of the API configuration, the gateway
answers 200 iff the token is valid under the API's configuration, and otherwise exactly
Tyk's status and message for the first failing check — as decided by the independent
oracle in gw_oracle.py."""

from __future__ import annotations

from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st
from jwcrypto import jwk

from harness.jose import generate_rsa
from harness.jose.rawtokens import segment, sign_segments
from harness.tyk.gateway import Gateway
from harness.tyk.gateway.testing import in_process_gateway

from .conftest import POLICY_ID, START, JwksDocument, b64, make_api, make_policy
from .gw_oracle import MISSING, Recipe, expected

NOW = int(START)
SECRET = b"property-test-hmac-secret-0123456789"
STRANGER = generate_rsa(kid="rsa-1")

ALGS = ["RS256", "RS384", "PS256", "PS512", "ES256", "ES384", "HS256", "HS512", "none", "EdDSA", "RS1", "es256",
        MISSING, 256, None]
TIME_VALUES = [MISSING, MISSING, 0, -1000, -1, 0.5, 1, 1.5, 1000, "soon", None, True]


def time_claim(choice: Any) -> Any:
    if choice is MISSING or isinstance(choice, (str, bool)) or choice is None or choice == 0:
        return choice
    return NOW + choice


FAMILY_ALGS = {"rsa": ["RS256", "RS384", "PS256", "PS512"], "ecdsa": ["ES256"], "hmac": ["HS256", "HS512"]}


def mostly(good: Any, others: list[Any], weight: int = 6) -> st.SearchStrategy[Any]:
    """``good`` most of the time, otherwise one of ``others`` — so that valid tokens,
    single mutations and combinations all occur."""
    return st.sampled_from([good] * weight + others)


@st.composite
def recipes(draw: st.DrawFn) -> Recipe:
    family = draw(st.sampled_from(["rsa", "rsa", "ecdsa", "hmac"]))
    alg = draw(st.one_of(st.sampled_from(FAMILY_ALGS[family]), st.sampled_from(ALGS))) if draw(st.integers(0, 7)) == 0 \
        else draw(st.sampled_from(FAMILY_ALGS[family]))
    kind = alg[:2] if isinstance(alg, str) else "XX"
    signer = {"RS": "rsa", "PS": "rsa", "ES": "ec", "HS": "secret"}.get(kind, "rsa")
    if kind in ("RS", "PS") and draw(st.integers(0, 25)) == 0:
        signer = "stranger"
    claims: dict[str, Any] = {}
    sub = draw(mostly("alice", ["", MISSING, 7, "bob"]))
    if sub is not MISSING:
        claims["sub"] = sub
    extra = draw(st.sampled_from([MISSING, MISSING, "client-1", ""]))
    if extra is not MISSING:
        claims["client_id"] = extra
    if draw(st.booleans()):
        claims["user"] = {"id": draw(st.sampled_from(["u-1", "u-1", ""]))}
    for name, good in (("exp", 1000), ("iat", -1), ("nbf", MISSING)):
        value = time_claim(draw(mostly(good, TIME_VALUES, weight=10)))
        if value is not MISSING:
            claims[name] = value
    pol = draw(st.sampled_from([MISSING, MISSING, MISSING, POLICY_ID, "unknown-policy", [POLICY_ID]]))
    if pol is not MISSING:
        claims["pol"] = pol
    return Recipe(
        family=family,
        skews=(draw(mostly(0, [1, 5, 3600])), draw(mostly(0, [2])), draw(mostly(0, [2]))),
        identity_field=draw(mostly("sub", ["client_id", "user.id"], weight=3)),
        defaults=draw(mostly(True, [False])),
        alg=alg,
        kid=draw(mostly("match", ["other", "unknown", "missing", "number"], weight=24)),
        signer=signer,
        sig_mutation=draw(mostly("none", ["flip", "truncate", "empty"], weight=24)),
        structure=draw(mostly("ok", ["two", "four", "padding", "header_not_json", "payload_array",
                                     "payload_not_json"], weight=30)),
        claims=claims,
        now=NOW,
    )


def build_token(r: Recipe, keys: dict[str, jwk.JWK]) -> str:
    header: dict[str, Any] = {"typ": "JWT"}
    if r.alg is not MISSING:
        header["alg"] = r.alg
    signer_kid = {"rsa": "rsa-1", "stranger": "rsa-1", "ec": "ec-1", "secret": "rsa-1"}[r.signer]
    kid = {"match": signer_kid, "other": "ec-1" if signer_kid == "rsa-1" else "rsa-1",
           "unknown": "no-such-kid", "number": 12, "missing": MISSING}[r.kid]
    if kid is not MISSING:
        header["kid"] = kid
    real_alg = r.alg if isinstance(r.alg, str) and r.alg[:2] in ("RS", "PS", "ES", "HS") and r.alg[2:] in ("256", "384", "512") else "RS256"
    if real_alg.startswith("ES"):
        real_alg = "ES256"  # the EC key is P-256; an ES384/ES512 header keeps its (wrong-size) ES256 signature
    key: jwk.JWK | bytes = {"rsa": keys["rsa"], "stranger": STRANGER, "ec": keys["ec"], "secret": SECRET}[r.signer]
    header_seg, payload_seg = segment(header), segment(r.claims)
    if r.structure == "header_not_json":
        header_seg = segment(b"{alg: RS256}")
    elif r.structure == "payload_array":
        payload_seg = segment([r.claims])
    elif r.structure == "payload_not_json":
        payload_seg = segment(b"sub=alice")
    token = sign_segments(header_seg, payload_seg, key, real_alg)
    if r.alg == "none":
        token = token.rsplit(".", 1)[0] + "."
    h, p, s = token.split(".")
    if r.sig_mutation == "flip" and s:
        s = ("B" if s[0] == "A" else "A") + s[1:]
    elif r.sig_mutation == "truncate":
        s = s[:-4]
    elif r.sig_mutation == "empty":
        s = ""
    if r.structure == "two":
        return f"{h}.{p}"
    if r.structure == "four":
        return f"{h}.{p}.{s}.{s}"
    if r.structure == "padding":
        return f"{h}=.{p}.{s}"
    return f"{h}.{p}.{s}"


def gateway_for(r: Recipe, jwks_url: str, clock: Any) -> Gateway:
    source = b64(SECRET) if r.family == "hmac" else b64(jwks_url)
    api = make_api(
        source, jwt_signing_method=r.family, jwt_identity_base_field=r.identity_field,
        jwt_default_policies=[POLICY_ID] if r.defaults else [],
        jwt_expires_at_validation_skew=r.skews[0], jwt_issued_at_validation_skew=r.skews[1],
        jwt_not_before_validation_skew=r.skews[2],
    )
    return in_process_gateway([api], {POLICY_ID: make_policy()}, clock=clock)


@given(recipe=recipes())
def test_gateway_matches_oracle(recipe: Recipe, jwks: JwksDocument, jwks_url: str, rsa_key: jwk.JWK,
                                ec_key: jwk.JWK) -> None:
    jwks.set_keys([rsa_key, ec_key])
    keys = {"rsa": rsa_key, "ec": ec_key}
    gw = gateway_for(recipe, jwks_url, lambda: float(NOW))
    decision = gw.check("/keycloak-api/", headers={"Authorization": "Bearer " + build_token(recipe, keys)})
    want = expected(recipe, POLICY_ID)
    event(f"{want[0]} {want[1]}")
    assert (decision.status, decision.message) == want, decision.summary()
    assert decision.allowed is (decision.status == 200)
