"""The one list of products: detection from an issuer and its discovery document, the
profile of a product version, and the wait for a Keycloak initial access token to expire."""

from __future__ import annotations

import time

import pytest
from jwcrypto import jwk

from harness.core.errors import ConfigError
from harness.jose import sign
from harness.products.detect import (
    GENERIC,
    PRODUCT_NAMES,
    PROFILES,
    detect,
    detect_issuer,
    detect_urls,
    product,
    profile_for,
    quirks_for,
)
from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.initial_access import EXPIRY_MARGIN_S, TokenStillValid, wait_until_expired
from harness.products.keycloak.profile import KeycloakProfile


@pytest.mark.parametrize(("issuer", "discovery", "found"), [
    ("http://kc:8080/realms/master", None, "keycloak"),
    ("https://kc.example/auth/realms/acme/", {"token_endpoint": "https://other/oxauth/restv1/token"}, "keycloak"),
    ("https://gluu.example", {"registration_endpoint": "https://gluu.example/oxauth/restv1/register"}, "gluu"),
    ("https://jans.example", {"jwks_uri": "https://jans.example/jans-auth/restv1/jwks"}, "gluu"),
    ("https://gluu.example", None, "generic"),
    ("https://idp.example", {"token_endpoint": "https://idp.example/oauth2/token", "issuer": "x/oxauth/"}, "generic"),
    ("https://idp.example/?q=/realms/x", {}, "generic"),  # only paths count
])
def test_detect(issuer: str, discovery: dict[str, str] | None, found: str) -> None:
    assert detect(issuer, discovery) == found


def test_detect_urls_and_names() -> None:
    assert detect_urls(["https://gluu/oxauth/restv1/jwks"]) == "gluu"
    assert detect_urls(["https://x/realms/a"]) == "keycloak"
    assert detect_urls(["https://x/", ""]) is None
    assert PROFILES == (*PRODUCT_NAMES, GENERIC) == ("keycloak", "gluu", "generic")


def test_detect_issuer_without_a_server_is_generic() -> None:
    assert detect_issuer("http://127.0.0.1:9", timeout=2) == GENERIC  # nothing listens on the discard port


def test_profile_for_a_product_and_version() -> None:
    assert profile_for("keycloak") == KeycloakProfile()
    assert profile_for("keycloak", "26.4.7") == KeycloakProfile.for_version("26.4.7")
    assert profile_for("gluu", "4.4") == GluuProfile.for_version("4.4")
    assert profile_for("gluu") == GluuProfile.for_version("4.2")
    assert profile_for(GENERIC) is None and quirks_for(None) == ()
    assert product("gluu").default_version == "4.2" and product("keycloak").default_version == "26.7.3"
    with pytest.raises(ConfigError, match="unknown IdP product 'okta'"):
        profile_for("okta")
    with pytest.raises(ConfigError, match="not a Gluu 4.x release"):
        profile_for("gluu", "26.7.3")


def test_quirks_are_derived_per_instance() -> None:
    ids_42 = {q.check_id for q in quirks_for(GluuProfile.for_version("4.2"))}
    ids_44 = {q.check_id for q in quirks_for(GluuProfile.for_version("4.4"))}
    assert ids_42 - ids_44 == {"REG-METADATA-ECHOED"}
    assert quirks_for(KeycloakProfile()) is quirks_for(KeycloakProfile())  # memoised per (equal) instance


# ---- the one wait for an initial access token to expire --------------------------------------

def _iat(exp: float) -> str:
    key = jwk.JWK.generate(kty="oct", size=256)
    return sign({"exp": int(exp), "typ": "InitialAccessToken"}, key, alg="HS256")


def test_wait_returns_once_keycloak_would_refuse_the_token() -> None:
    exp = int(time.time()) + 1
    started = time.time()
    assert wait_until_expired(_iat(exp), expiration=1, deadline_s=10) == exp
    assert time.time() > exp + EXPIRY_MARGIN_S  # Keycloak: Time.currentTime() > exp, whole seconds
    assert time.time() - started < 5


def test_wait_gives_up_at_the_deadline() -> None:
    exp = time.time() + 3600
    started = time.monotonic()
    with pytest.raises(TokenStillValid, match=f"exp={int(exp)} still in the future after 0.3 s"):
        wait_until_expired(_iat(exp), expiration=3600, deadline_s=0.3)
    assert time.monotonic() - started < 2


def test_an_opaque_token_expires_after_its_expiration() -> None:
    clock = iter([100.0, 100.0, 101.0, 102.6])
    assert wait_until_expired("opaque-token", expiration=1, deadline_s=5, clock=lambda: next(clock)) == 101.0
