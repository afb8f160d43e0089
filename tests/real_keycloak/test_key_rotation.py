"""Key rotation on the real Keycloak answers as on the emulator (notebook 05 rotates the
emulator's key the way an administrator rotates Keycloak's: an rsa-generated key provider
with a higher priority; harness/products/keycloak/emulator/keys.py)."""

from __future__ import annotations

import pytest

from harness.products.base import IdpLauncher
from tests.idp.test_keycloak_key_rotation import ROTATION_EXPECTED, rotation_observed

pytestmark = pytest.mark.real_keycloak


def test_rotation_on_the_real_server_matches_the_emulator(real_keycloak: IdpLauncher) -> None:
    observed = rotation_observed(real_keycloak.base_url, real_keycloak.admin_user, real_keycloak.admin_password)
    assert observed == ROTATION_EXPECTED
