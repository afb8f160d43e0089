"""Every JWT case of shared/reference/checks.md ("JWT validation at the gateway"), each
with the exact status and message Tyk answers (shared/reference/tyk.md and the Tyk
sources cited in harness/tyk/gateway)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from jwcrypto import jwk

from harness.jose import generate_ec, generate_rsa
from harness.jose.rawtokens import b64url, segment, sign_segments
from harness.tyk.gateway import Gateway

from .conftest import POLICY_ID, START, FakeClock, JwksBehaviour, b64, make_policy
from .helpers import make_token

KNA = "Key not authorized"
UNEXPECTED = "Key not authorized: Unexpected signing method"
EXPIRED = "Key not authorized: token has expired"
NOT_YET = "Key not authorized: token is not valid yet"
BEFORE_ISSUED = "Key not authorized: token used before issued"
NOW = int(START)
PATH = "/keycloak-api/anything"
HMAC_SECRET = b"a-shared-hmac-secret-of-32-bytes!"

P384 = generate_ec(kid="ec-384", crv="P-384", alg="ES384")
P521 = generate_ec(kid="ec-521", crv="P-521", alg="ES512")
ATTACKER = generate_rsa(kid="rsa-1")  # same kid as the real key, different key


@dataclass
class Ctx:
    make_gateway: Callable[..., Gateway]
    jwks: JwksBehaviour
    clock: FakeClock
    rsa: jwk.JWK
    rsa2: jwk.JWK
    ec: jwk.JWK

    def claims(self, **extra: Any) -> dict[str, Any]:
        c: dict[str, Any] = {"sub": "alice", "iat": NOW, "exp": NOW + 300}
        c.update(extra)
        return {k: v for k, v in c.items() if v is not _DROP}

    def rsa_gw(self, **kw: Any) -> Gateway:
        self.jwks.set_keys([self.rsa, self.rsa2])
        return self.make_gateway(**kw)

    def ec_gw(self, **kw: Any) -> Gateway:
        self.jwks.set_keys([self.ec, P384, P521])
        kw.setdefault("jwt_signing_method", "ecdsa")
        return self.make_gateway(**kw)

    def hmac_gw(self, secret: bytes = HMAC_SECRET, **kw: Any) -> Gateway:
        kw.setdefault("jwt_signing_method", "hmac")
        return self.make_gateway(jwt_source=b64(secret), **kw)


_DROP = object()
Case = Callable[[Ctx], tuple[Gateway, dict[str, Any]]]


def bearer(token: str) -> dict[str, Any]:
    return {"headers": {"Authorization": "Bearer " + token}}


def rsa_case(token_fn: Callable[[Ctx], str], **gw_kw: Any) -> Case:
    return lambda c: (c.rsa_gw(**gw_kw), bearer(token_fn(c)))


def ec_case(token_fn: Callable[[Ctx], str], **gw_kw: Any) -> Case:
    return lambda c: (c.ec_gw(**gw_kw), bearer(token_fn(c)))


def hmac_case(token_fn: Callable[[Ctx], str], **gw_kw: Any) -> Case:
    return lambda c: (c.hmac_gw(**gw_kw), bearer(token_fn(c)))


def tamper_sig(token: str, fn: Callable[[bytes], bytes]) -> str:
    import base64

    h, p, s = token.split(".")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    return f"{h}.{p}.{b64url(fn(raw))}"


def high_s(token: str) -> str:
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    return tamper_sig(token, lambda raw: raw[:32] + (n - int.from_bytes(raw[32:], "big")).to_bytes(32, "big"))


def der_sig(token: str) -> str:
    def to_der(raw: bytes) -> bytes:
        return asym_utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))

    return tamper_sig(token, to_der)


def pem_of(key: jwk.JWK) -> bytes:
    return key.export_to_pem()  # public part


def hs256_with_rsa_public_pem(c: Ctx) -> str:
    return sign_segments(segment({"alg": "HS256", "kid": "rsa-1"}), segment(c.claims()), pem_of(c.rsa), "HS256")


def rfc7797_unencoded(c: Ctx) -> str:
    header = segment({"alg": "RS256", "kid": "rsa-1", "b64": False, "crit": ["b64"]})
    payload = json.dumps(c.claims())
    sig = sign_segments(header, b64url(payload.encode()), c.rsa, "RS256").split(".")[2]
    return f"{header}.{payload}.{sig}"


CASES: list[Any] = [
    # --- algorithm (RFC 8725 §3.1) ----------------------------------------------------
    pytest.param(rsa_case(lambda c: segment({"alg": "none", "kid": "rsa-1"}) + "." + segment(c.claims()) + "."),
                 403, UNEXPECTED, id="alg-none"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, KNA, id="alg-missing"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"alg": 256, "kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, KNA, id="alg-not-a-string"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.ec, "ES256")), 403, UNEXPECTED, id="alg-ES256-on-rsa-api"),
    pytest.param(ec_case(lambda c: make_token(c.claims(), c.rsa, "RS256")), 403, UNEXPECTED, id="alg-RS256-on-ecdsa-api"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), HMAC_SECRET, "HS256", kid="rsa-1")), 403, UNEXPECTED,
                 id="alg-HS256-on-rsa-api"),
    pytest.param(rsa_case(hs256_with_rsa_public_pem), 403, UNEXPECTED, id="key-confusion-HS256-with-rsa-public-key"),
    pytest.param(lambda c: (c.make_gateway(jwt_signing_method="hmac", jwt_source=b64(pem_of(c.rsa))),
                            bearer(hs256_with_rsa_public_pem(c))),
                 200, "", id="key-confusion-works-if-api-misconfigured-as-hmac-with-pem"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256")), 200, "", id="RS256"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS384")), 200, "", id="RS384"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS512")), 200, "", id="RS512"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "PS256")), 200, "", id="PS256"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "PS384")), 200, "", id="PS384"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "PS512")), 200, "", id="PS512"),
    pytest.param(ec_case(lambda c: make_token(c.claims(), c.ec, "ES256")), 200, "", id="ES256"),
    pytest.param(ec_case(lambda c: make_token(c.claims(), P384, "ES384")), 200, "", id="ES384"),
    pytest.param(ec_case(lambda c: make_token(c.claims(), P521, "ES512")), 200, "", id="ES512"),
    pytest.param(ec_case(lambda c: make_token(c.claims(), c.ec, "ES256", kid="ec-384")), 403, KNA,
                 id="ES256-signed-by-P256-but-kid-names-P384-key"),
    pytest.param(hmac_case(lambda c: make_token(c.claims(), HMAC_SECRET, "HS256", kid=None)), 200, "", id="HS256"),
    pytest.param(hmac_case(lambda c: make_token(c.claims(), HMAC_SECRET, "HS512", kid=None)), 200, "", id="HS512"),
    pytest.param(hmac_case(lambda c: make_token(c.claims(), b"short", "HS256", kid=None), secret=b"short"), 200, "",
                 id="HS256-short-secret-accepted-like-golang-jwt"),
    pytest.param(lambda c: (c.make_gateway(jwt_signing_method="", jwt_source=b64(HMAC_SECRET)),
                            bearer(make_token(c.claims(), HMAC_SECRET, "HS256", kid=None))),
                 200, "", id="empty-signing-method-acts-as-hmac"),
    pytest.param(lambda c: (c.make_gateway(jwt_signing_method="rsa256"),
                            bearer(make_token(c.claims(), c.rsa, "RS256"))),
                 403, UNEXPECTED, id="unknown-signing-method-acts-as-hmac"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"alg": "RS1024", "kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, KNA, id="alg-unknown-name"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"alg": "rs256", "kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, KNA, id="alg-wrong-case"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"alg": "ES256K", "kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, KNA, id="alg-ES256K-not-registered"),
    pytest.param(rsa_case(lambda c: sign_segments(segment({"alg": "EdDSA", "kid": "rsa-1"}), segment(c.claims()), c.rsa, "RS256")),
                 403, UNEXPECTED, id="alg-EdDSA-registered-but-no-family"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", header={"crit": ["urn:example:unknown"], "urn:example:unknown": 1})),
                 200, "", id="crit-unknown-extension-ignored-by-tyk"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", header={"b64": False})), 200, "",
                 id="b64-false-header-ignored-by-tyk"),
    pytest.param(rsa_case(rfc7797_unencoded), 403, KNA, id="b64-false-unencoded-payload"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), ATTACKER, "RS256", header={"jwk": ATTACKER.export_public(as_dict=True)})),
                 403, KNA, id="embedded-jwk-not-trusted"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), ATTACKER, "RS256", header={"jku": "http://127.0.0.1:9/attacker"})),
                 403, KNA, id="jku-not-trusted"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), ATTACKER, "RS256", header={"x5u": "http://127.0.0.1:9/cert"})),
                 403, KNA, id="x5u-not-trusted"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), ATTACKER, "RS256", header={"x5c": ["MIIB"]})),
                 403, KNA, id="x5c-not-trusted"),
    # --- kid ----------------------------------------------------------------------------
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid=None)), 403, KNA, id="kid-missing"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid="nope")), 403, KNA, id="kid-unknown"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", header={"kid": 7})), 403, KNA, id="kid-number"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid="../../etc/passwd")), 403, KNA, id="kid-path"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid="' OR '1'='1' --")), 403, KNA, id="kid-sql"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid="k" * 20000)), 403, KNA, id="kid-very-long"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid="")), 403, KNA, id="kid-empty"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256", kid=None), jwt_skip_kid=True), 403, KNA,
                 id="skip-kid-does-not-waive-kid-for-jwks"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa, "RS256"), jwt_source=""), 403, KNA,
                 id="no-jwt-source-one-to-one-mode-has-no-keys"),
    # --- signature ----------------------------------------------------------------------
    pytest.param(rsa_case(lambda c: tamper_sig(make_token(c.claims(), c.rsa), lambda r: bytes([r[0] ^ 1]) + r[1:])),
                 403, KNA, id="sig-flipped-bit"),
    pytest.param(rsa_case(lambda c: tamper_sig(make_token(c.claims(), c.rsa), lambda r: r[:-1])), 403, KNA, id="sig-truncated"),
    pytest.param(rsa_case(lambda c: tamper_sig(make_token(c.claims(), c.rsa), lambda r: r + b"\0")), 403, KNA, id="sig-extended"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa).rsplit(".", 1)[0] + "."), 403, KNA, id="sig-empty"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), ATTACKER, "RS256")), 403, KNA, id="sig-wrong-key"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa2, "RS256", kid="rsa-1")), 403, KNA,
                 id="sig-other-key-of-same-jwks"),
    pytest.param(ec_case(lambda c: high_s(make_token(c.claims(), c.ec, "ES256"))), 200, "",
                 id="ecdsa-high-s-accepted-like-go"),
    pytest.param(ec_case(lambda c: der_sig(make_token(c.claims(), c.ec, "ES256"))), 403, KNA, id="ecdsa-der-encoding"),
    pytest.param(ec_case(lambda c: tamper_sig(make_token(c.claims(), c.ec, "ES256"), lambda r: b"\0" + r[:32] + b"\0" + r[32:])),
                 403, KNA, id="ecdsa-66-byte-signature"),
    pytest.param(ec_case(lambda c: tamper_sig(make_token(c.claims(), c.ec, "ES256"), lambda r: r[:63])), 403, KNA,
                 id="ecdsa-63-byte-signature"),
    # --- structure ----------------------------------------------------------------------
    pytest.param(rsa_case(lambda c: ".".join(make_token(c.claims(), c.rsa).split(".")[:2])), 403, KNA, id="two-segments"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa) + ".e30"), 403, KNA, id="four-segments"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa).replace(".", "=.", 1)), 403, KNA, id="base64-padding"),
    pytest.param(rsa_case(lambda c: (lambda h, p, s: f"{h}.{p.replace('-', '+').replace('_', '/')}.{s}")(
        *sign_segments(segment({"alg": "RS256", "kid": "rsa-1"}), segment({**c.claims(), "x": ">>>???"}), c.rsa, "RS256").split("."))),
                 403, KNA, id="base64-plus-slash"),
    pytest.param(rsa_case(lambda c: sign_segments(segment(b"not json"), segment(c.claims()), c.rsa, "RS256")), 403, KNA,
                 id="header-not-json"),
    pytest.param(rsa_case(lambda c: make_token(b"not json", c.rsa)), 403, KNA, id="payload-not-json"),
    pytest.param(rsa_case(lambda c: sign_segments(segment(["RS256"]), segment(c.claims()), c.rsa, "RS256")), 403, KNA,
                 id="header-json-array"),
    pytest.param(rsa_case(lambda c: make_token([c.claims()], c.rsa)), 403, KNA, id="payload-json-array"),
    pytest.param(rsa_case(lambda c: sign_segments(segment(b'{"alg":"HS256","alg":"RS256","kid":"rsa-1"}'), segment(c.claims()), c.rsa, "RS256")),
                 200, "", id="duplicate-header-member-last-wins"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"mallory","sub":"alice","exp":%d}' % (NOW + 60), c.rsa)), 200, "",
                 id="duplicate-claim-last-wins"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"alice","exp":%d} trailing garbage' % (NOW + 60), c.rsa)), 200, "",
                 id="payload-trailing-data-ignored-by-go-decoder"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(blob="x" * 200_000), c.rsa)), 200, "", id="huge-token"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa).replace(".", " .", 1)), 403, KNA, id="whitespace-inside"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"al\xffice","exp":%d}' % (NOW + 60), c.rsa)), 200, "",
                 id="non-utf8-in-string-becomes-replacement-char"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"alice",\xff"exp":1}', c.rsa)), 403, KNA, id="non-utf8-outside-string"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"alice","exp":NaN}', c.rsa)), 403, KNA, id="NaN-is-not-json"),
    pytest.param(rsa_case(lambda c: make_token(b'{"sub":"alice","exp":1e999}', c.rsa)), 403, KNA, id="number-overflow"),
    # --- time claims (RFC 7519 §4.1.4-4.1.6) -------------------------------------------
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW - 1), c.rsa)), 401, EXPIRED, id="exp-past"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW), c.rsa)), 401, EXPIRED, id="exp-now"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW + 1), c.rsa)), 200, "", id="exp-future"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(nbf=NOW + 1), c.rsa)), 401, NOT_YET, id="nbf-future"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(nbf=NOW), c.rsa)), 200, "", id="nbf-now"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(iat=NOW + 1), c.rsa)), 401, BEFORE_ISSUED, id="iat-future"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp="9999999999"), c.rsa)), 401, EXPIRED, id="exp-string"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=None), c.rsa)), 401, EXPIRED, id="exp-null"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(nbf=True), c.rsa)), 401, NOT_YET, id="nbf-bool"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=0, iat=0, nbf=0), c.rsa)), 200, "", id="zero-counts-as-absent"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=_DROP, iat=_DROP), c.rsa)), 200, "", id="no-time-claims"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW + 0.9), c.rsa)), 401, EXPIRED, id="exp-float-truncated"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW + 1.5), c.rsa)), 200, "", id="exp-float-future"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=1e19), c.rsa)), 401, EXPIRED, id="exp-beyond-int64-wraps"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW - 1, nbf=NOW + 5), c.rsa)), 401, NOT_YET,
                 id="several-failures-last-message-wins"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW - 1, iat=NOW + 5), c.rsa)), 401, BEFORE_ISSUED,
                 id="exp-and-iat-fail-iat-message"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(iat=NOW + 5), c.rsa), jwt_issued_at_validation_skew=5), 200, "",
                 id="iat-skew"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(nbf=NOW + 5), c.rsa), jwt_not_before_validation_skew=4), 401, NOT_YET,
                 id="nbf-skew-too-small"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(exp=NOW - 5), c.rsa), jwt_expires_at_validation_skew=10), 401,
                 "Key has expired, please renew", id="exp-skew-passes-jwt-but-session-expires"),
    pytest.param(lambda c: (c.rsa_gw(jwt_expires_at_validation_skew=10,
                                     policies={POLICY_ID: make_policy(key_expires_in=3600)}),
                            bearer(make_token(c.claims(exp=NOW - 5), c.rsa))),
                 200, "", id="exp-skew-with-policy-key-expiry"),
    # --- identity and policy -------------------------------------------------------------
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), jwt_identity_base_field="client_id"), 200, "",
                 id="identity-field-missing-falls-back-to-sub"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=_DROP), c.rsa), jwt_identity_base_field="client_id"), 403,
                 "no suitable claims for user ID were found", id="identity-and-sub-missing"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=_DROP, client_id=""), c.rsa), jwt_identity_base_field="client_id"),
                 403, "found an empty user ID in predefined base claim, claim: client_id", id="identity-empty"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=""), c.rsa), jwt_identity_base_field="client_id"), 403,
                 "found an empty user ID in sub claim", id="sub-empty-after-fallback"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=""), c.rsa)), 403,
                 "found an empty user ID in predefined base claim, claim: sub", id="sub-empty-as-base-field"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=42), c.rsa)), 403, "no suitable claims for user ID were found",
                 id="sub-number"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(sub=_DROP, client_id="gluu-client"), c.rsa),
                          jwt_identity_base_field="client_id"), 200, "", id="gluu-client-id-identity"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(user={"id": "u-1"}), c.rsa), jwt_identity_base_field="user.id"),
                 200, "", id="identity-nested-path"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(pol=POLICY_ID), c.rsa)), 200, "", id="pol-names-known-policy"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(pol="unknown-policy"), c.rsa)), 403,
                 "key not authorized: no matching policy", id="pol-unknown"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(pol=["unknown-policy"]), c.rsa)), 200, "",
                 id="pol-list-is-not-a-string-so-default-applies"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), jwt_default_policies=[]), 403,
                 "key not authorized: no matching policy found", id="no-pol-no-default"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), jwt_default_policies=["ghost"]), 500,
                 'failed to create key: policy not found: "ghost"', id="default-policy-unknown"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), policies={POLICY_ID: make_policy(org_id="other-org")}),
                 500, f'failed to create key: policy not found: "{POLICY_ID}"', id="default-policy-of-other-org"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), policies={POLICY_ID: make_policy(access_rights={})}),
                 500, "failed to create key: key has no valid policies to be applied", id="policy-without-access-rights"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa),
                          policies={POLICY_ID: make_policy(access_rights={"other-api": {"api_id": "other-api", "versions": ["Default"]}})}),
                 403, "Access to this API has been disallowed", id="policy-grants-another-api"),
    pytest.param(rsa_case(lambda c: make_token(c.claims(), c.rsa), policies={POLICY_ID: make_policy(is_inactive=True)}),
                 403, "Key is inactive, please renew", id="policy-inactive"),
    # --- token sources ---------------------------------------------------------------------
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {}}), 400, "Authorization field missing", id="no-token"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": ""}}), 400, "Authorization field missing", id="empty-header"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": make_token(c.claims(), c.rsa)}}), 200, "",
                 id="no-bearer-prefix"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": "bEaReR " + make_token(c.claims(), c.rsa)}}), 200, "",
                 id="bearer-any-case"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": "Bearer: " + make_token(c.claims(), c.rsa)}}), 403, KNA,
                 id="bearer-colon-not-repaired"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": "Bearer Bearer " + make_token(c.claims(), c.rsa)}}), 403, KNA,
                 id="bearer-doubled-not-repaired"),
    pytest.param(lambda c: (c.rsa_gw(), {"headers": {"Authorization": "Bearer"}}), 403, KNA, id="bearer-alone"),
    pytest.param(lambda c: (c.rsa_gw(auth={"auth_header_name": "X-Api-Token"}),
                            {"headers": {"x-api-token": make_token(c.claims(), c.rsa)}}), 200, "", id="custom-header"),
    pytest.param(lambda c: (c.rsa_gw(auth={"auth_header_name": "X-Api-Token"}),
                            {"headers": {"Authorization": make_token(c.claims(), c.rsa)}}), 400, "Authorization field missing",
                 id="custom-header-ignores-authorization"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_param": True, "param_name": "jwt"}),
                            {"query": {"jwt": make_token(c.claims(), c.rsa)}}), 200, "", id="query-param"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_param": True}),
                            {"query": {"Authorization": make_token(c.claims(), c.rsa)}}), 200, "", id="query-param-default-name"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_cookie": True, "cookie_name": "jwt"}),
                            {"cookies": {"jwt": make_token(c.claims(), c.rsa)}}), 200, "", id="cookie"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_param": True, "param_name": "jwt"}),
                            {"headers": {"Authorization": "garbage"}, "query": {"jwt": make_token(c.claims(), c.rsa)}}),
                 200, "", id="query-overrides-header"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_param": True, "param_name": "jwt", "use_cookie": True, "cookie_name": "jwt"}),
                            {"query": {"jwt": make_token(c.claims(), c.rsa)}, "cookies": {"jwt": "garbage"}}),
                 403, KNA, id="cookie-overrides-query"),
    pytest.param(lambda c: (c.rsa_gw(auth={"use_param": True, "param_name": "jwt"}),
                            {"headers": {"Authorization": make_token(c.claims(), c.rsa)}, "query": {"jwt": ""}}),
                 200, "", id="empty-query-does-not-override"),
    pytest.param(lambda c: (c.rsa_gw(auth_configs={"jwt": {"auth_header_name": "X-Jwt"}}, auth={"auth_header_name": "Authorization"}),
                            {"headers": {"X-Jwt": make_token(c.claims(), c.rsa)}}), 200, "", id="auth-configs-jwt-wins"),
]


@pytest.fixture
def ctx(make_gateway: Callable[..., Gateway], jwks: JwksBehaviour, clock: FakeClock,
        rsa_key: jwk.JWK, rsa_key2: jwk.JWK, ec_key: jwk.JWK) -> Ctx:
    return Ctx(make_gateway, jwks, clock, rsa_key, rsa_key2, ec_key)


@pytest.mark.parametrize(("case", "status", "message"), CASES)
def test_jwt_case(ctx: Ctx, case: Case, status: int, message: str) -> None:
    gw, request = case(ctx)
    decision = gw.check(PATH, **request)
    assert (decision.status, decision.message) == (status, message), decision.summary()
    assert decision.allowed is (status == 200)


def test_duplicate_claim_uses_last_value(ctx: Ctx) -> None:
    gw = ctx.rsa_gw()
    token = make_token(b'{"sub":"mallory","sub":"alice","exp":%d}' % (NOW + 60), ctx.rsa)
    assert gw.check(PATH, headers={"Authorization": token}).identity == "alice"


def test_non_utf8_identity_is_replacement_character(ctx: Ctx) -> None:
    gw = ctx.rsa_gw()
    token = make_token(b'{"sub":"al\xffice","exp":%d}' % (NOW + 60), ctx.rsa)
    assert gw.check(PATH, headers={"Authorization": token}).identity == "al\ufffdice"


def test_duplicated_kid_selects_first_key(ctx: Ctx) -> None:
    first, second = generate_rsa(kid="dup"), generate_rsa(kid="dup")
    ctx.jwks.set_keys([first, second])
    gw = ctx.make_gateway()
    assert gw.check(PATH, headers={"Authorization": make_token(ctx.claims(), first)}).status == 200
    d = gw.check(PATH, headers={"Authorization": make_token(ctx.claims(), second)})
    assert (d.status, d.message) == (403, KNA)


@pytest.mark.parametrize("kid", ["../../etc/passwd", "' OR '1'='1' --", "k" * 5000, "ключ"])
def test_unusual_kid_matches_exactly_when_published(ctx: Ctx, kid: str) -> None:
    key = generate_rsa(kid=kid)
    ctx.jwks.set_keys([key])
    gw = ctx.make_gateway()
    assert gw.check(PATH, headers={"Authorization": make_token(ctx.claims(), key)}).status == 200


def test_pol_list_uses_default_policy(ctx: Ctx) -> None:
    gw = ctx.rsa_gw()
    d = gw.check(PATH, headers={"Authorization": make_token(ctx.claims(pol=["x"]), ctx.rsa)})
    assert d.policies == (POLICY_ID,)


def test_missing_kid_does_not_fetch_jwks(ctx: Ctx) -> None:
    gw = ctx.rsa_gw()
    gw.check(PATH, headers={"Authorization": make_token(ctx.claims(), ctx.rsa, kid=None)})
    assert ctx.jwks.requests == 0


def test_embedded_jku_is_never_fetched(ctx: Ctx) -> None:
    gw = ctx.rsa_gw()
    token = make_token(ctx.claims(), ATTACKER, header={"jku": "http://127.0.0.1:9/jwks"})
    d = gw.check(PATH, headers={"Authorization": token})
    assert (d.status, d.message) == (403, KNA)
    assert ctx.jwks.requests == 1  # only the configured JWKS URL
    assert "does not verify" in d.reason
