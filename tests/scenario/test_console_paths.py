"""Keycloak 24 and later keep initial access tokens under Clients → Initial access token
(the guide's older console: Realm settings → Client Registration): the advice the run
gives names the current path first, with the guide's wording beside it (issue 20)."""

from __future__ import annotations

import pytest

from harness.products.keycloak.product import PRODUCT as KEYCLOAK
from harness.scenario.diagnosis import diagnose

CURRENT = "Clients → Initial access token → Create"
OLD = "Realm settings → Client Registration"


@pytest.mark.parametrize("error", ["401 invalid_token: No remaining count on initial access token",
                                   "401 invalid_token: Failed decode token"])
def test_initial_access_token_diagnoses_give_the_current_console_path(error: str) -> None:
    found = diagnose("oauth-client-wizard", error)
    assert found is not None
    _, fix = found
    assert CURRENT in fix
    # the guide's wording only in parentheses, after the current path
    assert f"older console: {OLD})" in fix and fix.index(CURRENT) < fix.index(OLD)


def test_import_comment_gives_the_current_console_path() -> None:
    imported = KEYCLOAK.import_registration("a-customer-token", keep_secrets=False)
    comment = imported.comments[("initial_access_token",)]
    assert comment.startswith("Clients -> Initial access token -> Create")
    assert "older console: Realm settings -> Client Registration)" in comment
