"""Client-registration policies as data (harness/products/keycloak/emulator/policies.py):
the pure rules, each against the answer recorded from the real 26.7.3
(fixtures/keycloak/observed-26.7.3.json names the exchange)."""

from __future__ import annotations

from harness.products.keycloak.emulator.policies import max_clients, trusted_hosts_rejection
from harness.products.keycloak.emulator.state import KeycloakState
from harness.products.keycloak.profile import KeycloakProfile

DEFAULT = {"host-sending-registration-request-must-match": ["true"], "client-uris-must-match": ["true"]}


def test_default_trusted_hosts_refuses_every_sender() -> None:
    # register.anonymous_untrusted
    assert trusted_hosts_rejection(DEFAULT, "127.0.0.1", []) == "Host not trusted."


def test_trusted_sender_but_foreign_redirect_uri() -> None:
    # register.anonymous_trusted_bad_uri
    config = {**DEFAULT, "trusted-hosts": ["127.0.0.1", "localhost"]}
    assert trusted_hosts_rejection(config, "127.0.0.1", ["https://elsewhere.example/cb"]) == (
        "URI doesn't match any trusted host or trusted domain")
    assert trusted_hosts_rejection(config, "127.0.0.1", ["http://127.0.0.1:9/cb"]) is None


def test_switches_off() -> None:
    config = {"host-sending-registration-request-must-match": ["false"], "client-uris-must-match": ["false"]}
    assert trusted_hosts_rejection(config, "10.0.0.1", ["https://x.example/cb"]) is None


def test_new_realm_policies_follow_the_profile() -> None:
    state = KeycloakState(profile=KeycloakProfile.for_version("26.4.7", max_clients=7))
    realm = state.create_realm("r")
    names = {(c["name"], c["subType"]) for c in realm.components}
    assert ("Allowed Registration Web Origins", "anonymous") not in names  # policies.list, 26.4.7
    limit = next(c for c in realm.components if c["providerId"] == "max-clients")
    assert max_clients(limit["config"]) == 7  # type: ignore[arg-type] # config is a dict by construction
    realm73 = KeycloakState().create_realm("r")
    assert ("Allowed Registration Web Origins", "authenticated") in {
        (c["name"], c["subType"]) for c in realm73.components}
