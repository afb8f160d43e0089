"""The emulator must answer the differential sequence as the real Keycloak does, after
normalising volatile values (shared/DESIGN.md: the emulator's equality with the real
server is shown by differential tests, never assumed) — on the exchanges of the
sequence only; docs/profiles.md lists what the emulator does not model.

One sequence (harness/products/keycloak/differential.py), played against both servers, compared
after normalising volatile values. Any difference fails with one line per field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.launchers.registry import make_launcher
from harness.products.base import IdpLauncher
from harness.products.keycloak.differential import (
    DifferentialRun,
    Observation,
    compare,
    format_differences,
    snapshot,
)
from harness.products.keycloak.profile import KeycloakProfile

pytestmark = pytest.mark.real_keycloak

REPORT_DIR = Path(__file__).resolve().parents[2] / "reports" / "real-keycloak"


@pytest.fixture(scope="module")
def real_observations(real_keycloak: IdpLauncher) -> list[Observation]:
    run = DifferentialRun(real_keycloak.base_url, real_keycloak.admin_user, real_keycloak.admin_password)
    observations = run.play()
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "observed-real.json").write_text(
        json.dumps(snapshot(observations, version=real_keycloak.version, server="real"), indent=1)
    )
    return observations


@pytest.fixture(scope="module")
def emulator(real_keycloak: IdpLauncher) -> Iterator[IdpLauncher]:
    """The emulator behaving as the release the real server runs (KeycloakProfile.for_version)."""
    with make_launcher("emulator", profile="keycloak", version=real_keycloak.version) as launcher:
        yield launcher


@pytest.fixture(scope="module")
def emulator_observations(emulator: IdpLauncher) -> list[Observation]:
    run = DifferentialRun(emulator.base_url, emulator.admin_user, emulator.admin_password)
    observations = run.play()
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / "observed-emulator.json").write_text(
        json.dumps(snapshot(observations, version=emulator.version, server="emulator"), indent=1)
    )
    return observations


def test_sequence_is_long_enough(real_observations: list[Observation]) -> None:
    http = [o for o in real_observations if o.status is not None]
    assert len(http) >= 120, [o.name for o in http]  # issue 17


def test_emulator_answers_like_real_keycloak(
    emulator_observations: list[Observation], real_observations: list[Observation]
) -> None:
    diffs = compare(emulator_observations, real_observations)
    assert not diffs, format_differences(diffs)


def test_real_keycloak_facts_the_harness_relies_on(real_observations: list[Observation],
                                                    real_keycloak: IdpLauncher) -> None:
    """A few facts asserted directly, so a Keycloak upgrade that changes them fails
    here with a clear message (not only as an emulator difference)."""
    profile = KeycloakProfile.for_version(real_keycloak.version)
    obs = {o.name: o for o in real_observations}
    reg = obs["register.guide_metadata"]
    assert reg.status == 201
    assert reg.body["token_endpoint_auth_method"] == (
        "client_secret_post" if profile.echo_requested_auth_method else "client_secret_basic")
    assert reg.body["client_secret_expires_at"] == 0
    assert reg.derived == {"registration_client_uri_is_own": True}
    assert obs["register.iat_exhausted"].body == {
        "error": "invalid_token", "error_description": "No remaining count on initial access token"}
    assert obs["register.iat_expired"].body == {"error": "invalid_token", "error_description": "Failed decode token"}
    assert obs["register.client_id_in_body"].body == {
        "error": "invalid_client_metadata", "error_description": "Client Identifier included"}
    assert obs["token.client_secret_post"].headers["cache-control"] == "no-store"
    assert obs["token.client_secret_post"].headers["pragma"] == "no-cache"
    assert obs["manage.update_name"].derived == {"rat_rotated": True, "secret_kept": True}
    assert obs["manage.read"].derived == {"rat_rotated": False}
    assert obs["manage.read_stale_token"].status == 401
    assert obs["manage.delete"].status == 204
    assert obs["access_token.header"].body["alg"] == "RS256"
    assert obs["access_token.header"].derived == {"kid_is_realm_sig_key": True}
    claims = obs["access_token.claims"]
    assert claims.body["preferred_username"] == "service-account-{client_a}"
    assert claims.body["iss"] == "{base}/realms/{realm}"
    assert claims.derived["exp_minus_iat_matches_expires_in"] is True
