"""A passing and a failing observation for every check of the discovery, registration,
management and token plans (the gateway-jwt and guide plans have their own tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jwcrypto.common import base64url_decode, base64url_encode

from harness.conformance.model import Observation
from harness.jose import generate_ec, generate_rsa, public_jwks

from .fakes import DISCOVERY, ISSUER, JSON, discovery, ex, obs

Case = tuple[Callable[[], Observation], Callable[[], Observation], str]  # passing, failing, failing verdict

NO_STORE = {**JSON, "Cache-Control": "no-store", "Pragma": "no-cache"}
GUIDE_REQUEST = {"client_name": "dcr-harness-check-guide-abc123", "grant_types": ["client_credentials"],
                 "response_types": ["token"], "token_endpoint_auth_method": "client_secret_post",
                 "redirect_uris": ["https://127.0.0.1/dcr-harness/callback"]}
CONSISTENT_REQUEST = {**GUIDE_REQUEST, "response_types": []}
MASK = "***redacted:0123abcd***"


def registered(**changes: Any) -> dict[str, Any]:
    body = {"client_id": "c-1", "client_secret": MASK, "client_id_issued_at": 1_800_000_000,
            "client_secret_expires_at": 0, "registration_access_token": MASK,
            "registration_client_uri": ISSUER + "/clients-registrations/openid-connect/c-1", **GUIDE_REQUEST}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def reg(status: int = 201, body: Any = None, headers: dict[str, str] | None = None,
        request: dict[str, Any] | None = None, **facts: Any) -> Observation:
    return obs(facts, register=ex(status, registered() if body is None else body,
                                  NO_STORE if headers is None else headers, request=request or GUIDE_REQUEST))


def err(status: int, error: str | None, desc: str = "why", headers: dict[str, str] | None = None) -> Any:
    body = {"error": error, "error_description": desc} if error is not None else None
    return ex(status, body, headers)


def jwks(keys: list[dict[str, Any]], status: int = 200) -> Observation:
    return obs({}, jwks=ex(status, {"keys": keys}, method="GET"))


RSA = public_jwks([generate_rsa(kid="k1")])["keys"][0]
RSA2 = public_jwks([generate_rsa(kid="k2")])["keys"][0]
EC = public_jwks([generate_ec(kid="e1")])["keys"][0]
EC_BAD = {**EC, "x": base64url_encode(b"\x00" + base64url_decode(EC["x"]))}


def mgmt(**exchanges: Any) -> Observation:
    """A management life cycle where everything conforms; override exchanges by name."""
    base = {
        "register": ex(201, registered(client_name="m")),
        "read": ex(200, registered(client_name="m")),
        "read_bad_rat": err(401, "invalid_token", headers={**JSON, "WWW-Authenticate": 'Bearer error="invalid_token"'}),
        "update": ex(200, registered(client_name="m-updated")),
        "read_newest_rat": ex(200, registered(client_name="m-updated")),
        "read_old_rat": err(401, "invalid_token"),
        "update_bad_rat": err(401, "invalid_token"),
        "update_omit": ex(200, registered(client_name="m-updated", redirect_uris=None)),
        "token_before_delete": ex(200, {"access_token": MASK, "token_type": "Bearer"}),
        "delete_bad_rat": err(401, "invalid_token"),
        "delete": ex(204, None, {}),
        "token_after_delete": err(401, "invalid_client"),
        "read_after_delete": err(401, "invalid_token"),
        "read_other_rat": err(401, "invalid_token"),
    }
    facts = {"client_id": "c-1", "metadata": {"client_name": "m"}, "updated_name": "m-updated",
             "rotated": exchanges.pop("rotated", True)}
    base.update(exchanges)
    return obs(facts, **{k: v for k, v in base.items() if v is not None})


TOKEN_OK = {"access_token": MASK, "token_type": "Bearer", "expires_in": 300}
CLAIMS = {"iss": ISSUER, "exp": 1_800_000_300, "aud": "account", "sub": "u-1", "client_id": "c-1",
          "iat": 1_800_000_000, "jti": "j-1"}


def tok(facts: dict[str, Any] | None = None, **exchanges: Any) -> Observation:
    base = {
        "token": ex(200, TOKEN_OK, NO_STORE, actor="developer"),
        "wrong_secret_post": err(401, "invalid_client"),
        "wrong_secret_basic": err(401, "invalid_client", headers={**JSON, "WWW-Authenticate": 'Basic realm="x"'}),
        "wrong_method": err(401, "invalid_client"),
        "unknown_client": err(401, "invalid_client"),
        "missing_grant": err(400, "invalid_request"),
        "unsupported_grant": err(400, "unsupported_grant_type"),
        "jwks": ex(200, {"keys": [RSA]}, method="GET"),
    }
    base.update(exchanges)
    f = {"method": "client_secret_post", "other_method": "client_secret_basic", "issuer": ISSUER, "jwt": True,
         "header": {"alg": "RS256", "typ": "at+jwt", "kid": "k1"}, "claims": dict(CLAIMS), "signature": "verified"}
    f.update(facts or {})
    return obs(f, **{k: v for k, v in base.items() if v is not None})


def pkjwt(**exchanges: Any) -> Observation:
    """A private_key_jwt flow that conforms: registered, assertion accepted, forgery refused."""
    base = {"register": ex(201, registered(token_endpoint_auth_method="private_key_jwt")),
            "token": ex(200, TOKEN_OK, NO_STORE), "token_forged": err(400, "invalid_client")}
    base.update(exchanges)
    return obs({"alg": "RS256"}, **{k: v for k, v in base.items() if v is not None})


CASES: dict[str, Case] = {
    # ---- discovery ---------------------------------------------------------------------
    "DISC-FETCH-200": (lambda: discovery(), lambda: discovery(status=404), "FAIL"),
    "DISC-CONTENT-TYPE-JSON": (lambda: discovery(), lambda: discovery(headers={"Content-Type": "text/html"}), "FAIL"),
    "DISC-ISSUER-MATCH": (lambda: discovery(), lambda: discovery(issuer=ISSUER + "/"), "FAIL"),
    "DISC-ISSUER-HTTPS": (lambda: discovery(), lambda: discovery(issuer="http://idp.example.test/realms/demo",
                                                                 doc={**DISCOVERY, "issuer": "http://idp.example.test/realms/demo"}), "FAIL"),
    "DISC-ISSUER-NO-QUERY-FRAGMENT": (lambda: discovery(), lambda: discovery(issuer=ISSUER + "?x=1",
                                                                             doc={**DISCOVERY, "issuer": ISSUER + "?x=1"}), "FAIL"),
    "DISC-JWKS-URI": (lambda: discovery(), lambda: discovery(jwks_uri="/certs"), "FAIL"),
    "DISC-TOKEN-ENDPOINT": (lambda: discovery(), lambda: discovery(drop=("token_endpoint",)), "FAIL"),
    "DISC-REGISTRATION-ENDPOINT": (lambda: discovery(), lambda: discovery(drop=("registration_endpoint",)), "FAIL"),
    "DISC-RESPONSE-TYPES": (lambda: discovery(), lambda: discovery(drop=("response_types_supported",)), "FAIL"),
    "DISC-SUBJECT-TYPES": (lambda: discovery(), lambda: discovery(subject_types_supported=[]), "FAIL"),
    "DISC-ID-TOKEN-ALGS": (lambda: discovery(), lambda: discovery(id_token_signing_alg_values_supported=["ES256"]), "FAIL"),
    "DISC-AUTH-METHOD": (lambda: discovery(), lambda: discovery(drop=("token_endpoint_auth_methods_supported",)), "FAIL"),
    "DISC-GRANT-CLIENT-CREDENTIALS": (lambda: discovery(), lambda: discovery(grant_types_supported=["authorization_code"]), "FAIL"),
    "DISC-MEMBER-TYPES": (lambda: discovery(), lambda: discovery(grant_types_supported="client_credentials"), "FAIL"),
    "DISC-JWKS-JSON": (lambda: jwks([RSA]), lambda: obs({}, jwks=ex(200, "<html>", {"Content-Type": "text/html"}, method="GET")), "FAIL"),
    "DISC-JWKS-SIGNING-KEY": (lambda: jwks([RSA]), lambda: jwks([{**RSA, "use": "enc"}]), "FAIL"),
    "DISC-JWKS-KIDS": (lambda: jwks([RSA, RSA2]), lambda: jwks([RSA, {**RSA2, "kid": "k1"}]), "FAIL"),
    "DISC-JWKS-EC-COORDINATES": (lambda: jwks([RSA, EC]), lambda: jwks([RSA, EC_BAD]), "FAIL"),
    # ---- registration --------------------------------------------------------------------
    "REG-STATUS-201": (lambda: reg(), lambda: reg(status=200), "FAIL"),
    "REG-CONTENT-TYPE-JSON": (lambda: reg(), lambda: reg(headers={"Content-Type": "text/plain", "Cache-Control": "no-store"}), "FAIL"),
    "REG-CACHE-NO-STORE": (lambda: reg(), lambda: reg(headers=JSON), "FAIL"),
    "REG-PRAGMA-NO-CACHE": (lambda: reg(), lambda: reg(headers={**JSON, "Cache-Control": "no-store"}), "FAIL"),
    "REG-CLIENT-ID": (lambda: reg(), lambda: reg(body=registered(client_id=42)), "FAIL"),
    "REG-CLIENT-SECRET": (lambda: reg(), lambda: reg(body=registered(client_secret=None)), "FAIL"),
    "REG-SECRET-EXPIRES-AT": (lambda: reg(), lambda: reg(body=registered(client_secret_expires_at=None)), "FAIL"),
    "REG-ISSUED-AT-NUMBER": (lambda: reg(), lambda: reg(body=registered(client_id_issued_at="2026-01-01")), "FAIL"),
    "REG-METADATA-ECHOED": (lambda: reg(), lambda: reg(body=registered(grant_types=["client_credentials", "implicit"])), "FAIL"),
    "REG-MGMT-CREDENTIALS-PAIRED": (lambda: reg(), lambda: reg(body=registered(registration_client_uri=None)), "FAIL"),
    "REG-GRANT-RESPONSE-CONSISTENT": (lambda: obs({}, tyk=ex(201, registered(response_types=[]), NO_STORE,
                                                             request=CONSISTENT_REQUEST)),
                                      lambda: obs({}, tyk=ex(201, registered(), NO_STORE, request=GUIDE_REQUEST)), "FAIL"),
    "REG-TYK-REQUEST-ACCEPTED": (lambda: obs({}, tyk=ex(201, registered(), NO_STORE, request=GUIDE_REQUEST)),
                                 lambda: obs({}, tyk=err(400, "invalid_client_metadata", "unsupported response_types")),
                                 "FAIL"),
    "REG-NO-TOKEN-ERROR": (lambda: obs({}, anonymous=err(403, "insufficient_scope")),
                           lambda: obs({}, anonymous=err(500, "server_error")), "FAIL"),
    "REG-BAD-IAT-401": (lambda: obs({"open_registration": False}, bad_token=err(401, "invalid_token")),
                        lambda: obs({"open_registration": False}, bad_token=err(403, "insufficient_scope")), "FAIL"),
    "REG-BAD-IAT-WWW-AUTHENTICATE": (
        lambda: obs({}, bad_token=err(401, "invalid_token", headers={**JSON, "WWW-Authenticate": 'Bearer error="invalid_token"'})),
        lambda: obs({}, bad_token=err(401, "invalid_token")), "FAIL"),
    "REG-INVALID-REDIRECT-URI": (lambda: obs({}, invalid_redirect=err(400, "invalid_redirect_uri")),
                                 lambda: obs({}, invalid_redirect=ex(201, registered())), "FAIL"),
    "REG-ERROR-FORMAT": (lambda: obs({}, anonymous=err(403, "insufficient_scope"), bad_token=err(401, "invalid_token")),
                         lambda: obs({}, bad_token=err(401, "Failed decode token")), "FAIL"),
    "REG-UNKNOWN-METADATA-IGNORED": (lambda: obs({}, register=ex(201, registered()), unknown_metadata=ex(201, registered())),
                                     lambda: obs({}, register=ex(201, registered()),
                                                 unknown_metadata=err(400, "Invalid json representation")), "FAIL"),
    "REG-REDIRECT-URI-IMPLICIT-HTTPS": (lambda: obs({}, implicit_http=err(400, "invalid_redirect_uri")),
                                        lambda: obs({}, implicit_http=ex(201, registered(grant_types=["implicit"]))),
                                        "FAIL"),
    "REG-SOFTWARE-STATEMENT-UNVERIFIABLE": (
        lambda: obs({"json_name": "j", "statement_name": "s"}, software_statement=ex(201, registered(client_name="j"))),
        lambda: obs({"json_name": "j", "statement_name": "s"}, software_statement=ex(201, registered(client_name="s"))),
        "FAIL"),
    "REG-IAT-REVOKED": (lambda: obs({}, before=ex(201, registered()), after=err(401, "invalid_token")),
                        lambda: obs({}, before=ex(201, registered()), after=ex(201, registered())), "FAIL"),
    "REG-IAT-COUNT-ENFORCED": (lambda: obs({}, first=ex(201, registered()), second=err(401, "invalid_token")),
                               lambda: obs({}, first=ex(201, registered()), second=ex(201, registered())), "FAIL"),
    "REG-IAT-EXPIRY-ENFORCED": (lambda: obs({}, fresh=ex(201, registered()), expired=err(401, "invalid_token")),
                                lambda: obs({}, fresh=ex(201, registered()), expired=ex(201, registered())), "FAIL"),
    # ---- management ------------------------------------------------------------------------
    "MGMT-READ-200": (lambda: mgmt(), lambda: mgmt(read=ex(200, registered(client_id="someone-else"))), "FAIL"),
    "MGMT-READ-BAD-RAT-401": (lambda: mgmt(), lambda: mgmt(read_bad_rat=err(400, "invalid_token")), "FAIL"),
    "MGMT-BAD-RAT-WWW-AUTHENTICATE": (lambda: mgmt(), lambda: mgmt(read_bad_rat=err(401, "invalid_token")), "FAIL"),
    "MGMT-UPDATE-200": (lambda: mgmt(), lambda: mgmt(update=ex(200, registered(client_name="m"))), "FAIL"),
    "MGMT-UPDATE-ROTATES-RAT": (lambda: mgmt(), lambda: mgmt(read_newest_rat=err(401, "invalid_token")), "FAIL"),
    "MGMT-OLD-RAT-REVOKED": (lambda: mgmt(), lambda: mgmt(read_old_rat=ex(200, registered())), "FAIL"),
    "MGMT-UPDATE-BAD-RAT-401": (lambda: mgmt(), lambda: mgmt(update_bad_rat=ex(200, registered())), "FAIL"),
    "MGMT-UPDATE-FULL-REPLACEMENT": (lambda: mgmt(), lambda: mgmt(update_omit=ex(200, registered())), "FAIL"),
    "MGMT-DELETE-BAD-RAT-401": (lambda: mgmt(), lambda: mgmt(delete_bad_rat=ex(204, None, {})), "FAIL"),
    "MGMT-DELETE-204": (lambda: mgmt(), lambda: mgmt(delete=ex(200, {"deleted": True})), "FAIL"),
    "MGMT-DELETED-NO-TOKEN": (lambda: mgmt(), lambda: mgmt(token_after_delete=ex(200, TOKEN_OK)), "FAIL"),
    "MGMT-DELETED-READ-401": (lambda: mgmt(), lambda: mgmt(read_after_delete=ex(200, registered())), "FAIL"),
    "MGMT-RAT-OTHER-CLIENT": (lambda: mgmt(), lambda: mgmt(read_other_rat=ex(200, registered(client_id="c-2"))), "FAIL"),
    # ---- token -----------------------------------------------------------------------------
    "TOKEN-STATUS-200": (lambda: tok(), lambda: tok(token=err(401, "unauthorized_client")), "FAIL"),
    "TOKEN-CONTENT-TYPE-JSON": (lambda: tok(), lambda: tok(token=ex(200, TOKEN_OK, {"Content-Type": "text/plain"})), "FAIL"),
    "TOKEN-ACCESS-TOKEN": (lambda: tok(), lambda: tok(token=ex(200, {"token_type": "Bearer"}, NO_STORE)), "FAIL"),
    "TOKEN-TYPE-BEARER": (lambda: tok(token=ex(200, {**TOKEN_OK, "token_type": "bearer"}, NO_STORE)),
                          lambda: tok(token=ex(200, {**TOKEN_OK, "token_type": "mac"}, NO_STORE)), "FAIL"),
    "TOKEN-EXPIRES-IN": (lambda: tok(), lambda: tok(token=ex(200, {**TOKEN_OK, "expires_in": "300"}, NO_STORE)), "FAIL"),
    "TOKEN-CACHE-NO-STORE": (lambda: tok(), lambda: tok(token=ex(200, TOKEN_OK, {**JSON, "Pragma": "no-cache"})), "FAIL"),
    "TOKEN-PRAGMA-NO-CACHE": (lambda: tok(), lambda: tok(token=ex(200, TOKEN_OK, {**JSON, "Cache-Control": "no-store"})), "FAIL"),
    "TOKEN-NO-REFRESH-TOKEN": (lambda: tok(), lambda: tok(token=ex(200, {**TOKEN_OK, "refresh_token": MASK}, NO_STORE)), "FAIL"),
    "TOKEN-WRONG-SECRET-401": (lambda: tok(wrong_secret_post=err(400, "invalid_client")),
                               lambda: tok(wrong_secret_post=err(401, "unauthorized_client")), "FAIL"),
    "TOKEN-WRONG-SECRET-BASIC-401": (lambda: tok(), lambda: tok(wrong_secret_basic=err(400, "invalid_client")), "FAIL"),
    "TOKEN-BASIC-WWW-AUTHENTICATE": (lambda: tok(), lambda: tok(wrong_secret_basic=err(401, "invalid_client")), "FAIL"),
    "TOKEN-WRONG-METHOD-401": (lambda: tok(), lambda: tok(wrong_method=ex(200, TOKEN_OK, NO_STORE)), "FAIL"),
    "TOKEN-UNKNOWN-CLIENT-401": (lambda: tok(), lambda: tok(unknown_client=err(404, "not_found")), "FAIL"),
    "TOKEN-MISSING-GRANT-400": (lambda: tok(), lambda: tok(missing_grant=err(400, "unsupported_grant_type")), "FAIL"),
    "TOKEN-UNSUPPORTED-GRANT-400": (lambda: tok(), lambda: tok(unsupported_grant=ex(500, None, {})), "FAIL"),
    "TOKEN-ERROR-FORMAT": (lambda: tok(), lambda: tok(unsupported_grant=ex(500, "Internal Server Error", {"Content-Type": "text/html"})), "FAIL"),
    "TOKEN-JWT-TYP-AT-JWT": (lambda: tok(), lambda: tok({"header": {"alg": "RS256", "typ": "JWT", "kid": "k1"}}), "FAIL"),
    "TOKEN-JWT-REQUIRED-CLAIMS": (lambda: tok(), lambda: tok({"claims": {k: v for k, v in CLAIMS.items() if k != "sub"}}), "FAIL"),
    "TOKEN-JWT-ISS-MATCHES": (lambda: tok(), lambda: tok({"claims": {**CLAIMS, "iss": ISSUER + "/"}}), "FAIL"),
    "TOKEN-JWT-SIGNATURE": (lambda: tok(), lambda: tok({"signature": "does not verify: BadJwt"}), "FAIL"),
    "TOKEN-JWT-EXP": (lambda: tok(), lambda: tok({"claims": {**CLAIMS, "exp": CLAIMS["iat"] - 10}}), "FAIL"),
    "TOKEN-JWT-GATEWAY-IDENTITY": (lambda: tok({"claims": {k: v for k, v in CLAIMS.items() if k != "sub"}}),
                                   lambda: tok({"claims": {k: v for k, v in CLAIMS.items() if k not in ("sub", "client_id")}}),
                                   "FAIL"),
    "TOKEN-PRIVATE-KEY-JWT-JWKS": (lambda: pkjwt(), lambda: pkjwt(token=err(401, "invalid_client")), "FAIL"),
    "TOKEN-PRIVATE-KEY-JWT-JWKS-URI": (lambda: pkjwt(), lambda: pkjwt(token=err(400, "invalid_client")), "FAIL"),
    "TOKEN-PRIVATE-KEY-JWT-BAD-SIGNATURE": (lambda: pkjwt(), lambda: pkjwt(token_forged=ex(200, TOKEN_OK, NO_STORE)),
                                            "FAIL"),
}


def dumps(o: Any) -> str:
    return json.dumps(o)
