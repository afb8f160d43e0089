"""Tyk OAS API definitions with JWT (harness.tyk.gateway.oas): accepted through the REST
API (``POST /tyk/apis/oas``) and from an app_path folder (``gateway serve --apps``), read
into the classic fields, with the OAS-only claim validation (mw_jwt.go
validateExtraClaims). The answers to OAS tokens are compared with the real gateway by the
differential (JWT-OAS-* cases, tests/gateway/test_gw_vs_tyk.py)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from harness.core.errors import ConfigError
from harness.tyk.gateway.apidef import parse_apidef
from harness.tyk.gateway.decisions import Refusal
from harness.tyk.gateway.files import load_file_config
from harness.tyk.gateway.jwt_cases.model import token
from harness.tyk.gateway.oas import OasJwt, validate_extra_claims
from harness.tyk.gateway.testing import GatewayKit, HarnessGateway, JwksDocument, b64, jwt_api, make_keys, oas_jwt_api, policy


def _oas(**jwt: object) -> dict:
    classic = jwt_api(api_id="oas1", listen_path="/oas1/", source=b64("http://127.0.0.1:1/jwks"),
                      target_url="http://127.0.0.1:2/", default_policies=["p"])
    return oas_jwt_api(classic, **jwt)


def test_oas_reads_into_classic_fields() -> None:
    api = parse_apidef(_oas(allowedIssuers=["i"], jtiValidation={"enabled": True},
                            scopes={"claims": ["scp"], "scopeToPolicyMapping": [{"scope": "r", "policyId": "p2"}]}))
    assert (api.api_id, api.listen_path, api.enable_jwt, api.jwt_signing_method) == ("oas1", "/oas1/", True, "rsa")
    assert api.jwt_default_policies == ("p",) and api.scope_to_policy == {"r": "p2"} and api.is_oas
    assert api.oas_jwt == OasJwt(allowed_issuers=("i",), jti_validation=True, scope_claims=("scp",))


def test_oas_without_id_is_refused() -> None:
    doc = _oas()
    doc["x-tyk-api-gateway"]["info"]["id"] = ""
    with pytest.raises(ConfigError, match="info.id"):
        parse_apidef(doc)


@pytest.mark.parametrize(("claims", "message"), [
    ({"iss": "i", "aud": "a", "jti": "x"}, None),
    ({"aud": "a", "jti": "x"}, "issuer claim is required but not present in token"),
    ({"iss": "i", "aud": ["b", "c"], "jti": "x"}, "no matching audience found in token: [b c]"),
    ({"iss": "i", "aud": "a"}, "JWT ID (jti) claim is required but not present in token"),
])
def test_extra_claims(claims: dict, message: str | None) -> None:
    cfg = OasJwt(allowed_issuers=("i",), allowed_audiences=("a",), jti_validation=True)
    if message is None:
        validate_extra_claims(cfg, claims, "sub")
    else:
        with pytest.raises(Refusal) as err:
            validate_extra_claims(cfg, claims, "sub")
        assert (err.value.status, err.value.message) == (401, "Key not authorized: " + message)


def test_oas_over_rest_api() -> None:
    keys = make_keys()
    with GatewayKit(gateway=HarnessGateway(), jwks={"good": JwksDocument.of(keys.rsa)}, keys=keys) as kit:
        classic = kit.api(api_id="oas1", listen_path="/oas1/", jwks="good", default_policies=["p"])
        kit.load([oas_jwt_api(classic, allowedIssuers=["i"])], {"p": policy(name="p", api_ids=["oas1"])})
        ok = httpx.get(kit.base_url + "/oas1/get", headers={"Authorization": "Bearer " + token(keys, payload=keys.claims(iss="i"))})
        bad = httpx.get(kit.base_url + "/oas1/get", headers={"Authorization": "Bearer " + token(keys)})
    assert ok.status_code == 200
    assert (bad.status_code, bad.json()) == (401, {"error": "Key not authorized: issuer claim is required but not present in token"})


def test_oas_from_app_path(tmp_path: Path) -> None:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "oas1.json").write_text(json.dumps(_oas(allowedAudiences=["a"])))
    (tmp_path / "policies.json").write_text(json.dumps({"p": policy(name="p", api_ids=["oas1"])}))
    config = load_file_config(tmp_path / "apps", tmp_path / "policies.json", strict=True)
    assert [a.api_id for a in config.apis] == ["oas1"] and config.apis[0].oas_jwt is not None
