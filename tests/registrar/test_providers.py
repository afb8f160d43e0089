"""The registrar's provider list is the one list: the schema type, the importer and the
portal's select read it, and each name has a driver."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from harness.registrar.drivers import get_driver
from harness.registrar.options import PROVIDERS, DcrOptions
from harness.tyk.portal.web import forms


def test_one_provider_list() -> None:
    assert PROVIDERS == ("keycloak", "gluu", "okta", "other")
    assert [value for value, _ in forms.PROVIDERS] == list(PROVIDERS)
    assert [label for _, label in forms.PROVIDERS] == ["Keycloak", "Gluu", "Okta", "Other"]
    for name in PROVIDERS:
        assert DcrOptions(provider=name).provider == name  # type: ignore[arg-type]
        assert get_driver(name).name == name
    with pytest.raises(ValidationError):
        DcrOptions(provider="auth0")  # type: ignore[arg-type]
