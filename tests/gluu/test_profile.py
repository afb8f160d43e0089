"""GluuProfile: version constructors, contradictions, documentation."""

from __future__ import annotations

import dataclasses

import pytest

from harness.core.errors import ConfigError
from harness.products.gluu.profile import GluuProfile, ec_serialisation_for


def test_for_version_42_and_44():
    p42, p44 = GluuProfile.for_version("4.2"), GluuProfile.for_version("4.4")
    assert p42 == GluuProfile()
    assert (p42.ec_coordinate_serialisation, p42.grant_type_autofix) == ("sign-byte", True)
    assert (p44.ec_coordinate_serialisation, p44.grant_type_autofix) == ("stripped", False)
    for p in (p42, p44):
        assert p.registration_status == 200
        assert p.default_subject_type == "pairwise"
        assert p.default_auth_method == "client_secret_basic"
        assert p.access_token_as_jwt_default is False
        assert p.token_type == "bearer"
        assert p.strict_auth_method is True
        assert (p.bad_rat_status_get_put, p.bad_rat_status_delete) == (400, 401)
        assert p.rotates_rat is False
        assert p.error_reason_enabled is False
        assert p.jwks_algorithms_supported[:3] == ("RS256", "RS384", "RS512")


@pytest.mark.parametrize("version,expected", [
    ("4.0", "stripped"), ("4.2.0", "stripped"), ("4.2", "sign-byte"), ("4.2.3", "sign-byte"),
    ("4.3.1", "sign-byte"), ("4.4", "stripped"), ("4.5.2", "stripped"),
])
def test_ec_serialisation_history(version, expected):
    assert ec_serialisation_for(version) == expected


@pytest.mark.parametrize("changes,fragment", [
    ({"version": "4.4"}, "contradicts version 4.4"),
    ({"ec_coordinate_serialisation": "padded"}, "must be 'sign-byte' or 'stripped'"),
    ({"registration_status": 204}, "registration_status must be 200 or 201"),
    ({"bad_rat_status_delete": 403}, "bad_rat_status_delete must be 400 or 401"),
    ({"token_type": "mac"}, "token_type must be 'bearer'"),
    ({"default_subject_type": "secret"}, "default_subject_type 'secret'"),
    ({"default_auth_method": "none"}, "default_auth_method 'none'"),
    ({"jwks_algorithms_supported": ("RS256", "HS256")}, "unknown algorithms ['HS256']"),
    ({"access_token_lifetime": 1}, "access_token_lifetime must exceed expires_in_lag"),
    ({"context_path": "oxauth/"}, "context_path"),
])
def test_contradictions_are_rejected(changes, fragment):
    with pytest.raises(ConfigError) as exc:
        dataclasses.replace(GluuProfile(), **changes)
    assert fragment in str(exc.value)


def test_not_a_gluu_4_version():
    with pytest.raises(ConfigError) as exc:
        GluuProfile.for_version("5.0")
    assert "is not a Gluu 4.x release" in str(exc.value)


def test_profile_is_frozen_and_described():
    with pytest.raises(dataclasses.FrozenInstanceError):
        GluuProfile().token_type = "Bearer"  # type: ignore[misc]
    names = [row["name"] for row in GluuProfile.describe()]
    assert names[0] == "version" and "ec_coordinate_serialisation" in names and len(names) == len(set(names))


def test_every_field_is_documented_with_a_source_comment():
    """STYLE.md §4: each quirk field has a ``#:`` comment above it."""
    import inspect

    import harness.products.gluu.profile as module

    source = inspect.getsource(module.GluuProfile)
    lines = source.splitlines()
    for field in dataclasses.fields(GluuProfile):
        idx = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{field.name}:"))
        assert lines[idx - 1].strip().startswith("#:"), field.name
