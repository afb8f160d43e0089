"""``oauth_redirect_uri_separator`` (tyk_analytics.conf): several redirect URLs typed into
the wizard's one field are split by it; the wrong separator sends one joined "URI"."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conformance.model import Verdict
from harness.scenario.loader import parse_scenario
from harness.scenario.runner import check_expectation, run_scenario
from harness.tyk.portal.service import split_redirect_uris

A, B = "https://app.example.com/callback", "https://app.example.com/silent"


@pytest.mark.parametrize("typed,sep,expected", [
    (f"{A};{B}", ";", [A, B]),
    (f"{A} ; {B} ;", ";", [A, B]),
    (f"{A},{B}", ",", [A, B]),
    (f"{A};{B}", ",", [f"{A};{B}"]),
    (f"{A}, {B}", ";", [f"{A}, {B}"]),
    ("", ";", []),
    ("   ", ";", []),
])
def test_split_by_the_configured_separator(typed: str, sep: str, expected: list[str]) -> None:
    assert split_redirect_uris(typed, sep) == expected


def _scenario(profile: str, sep: str, typed: str, meant: list[str] | None = None) -> str:
    idp = ("{profile: gluu, jwks_algorithms_supported: [RS256]}" if profile == "gluu"
           else "{profile: keycloak, initial_access_token: {count: 3}}")
    text = (f"name: sep\nidp: {idp}\ndashboard: {{oauth_redirect_uri_separator: '{sep}'}}\n"
            f"api: {{name: A, jwt: {{identity_base_field: {'client_id' if profile == 'gluu' else 'sub'}}}}}\n"
            f"policy: {{name: P}}\ncatalogue: {{name: A, dcr: {{provider: {profile}}}}}\n"
            f"client:\n  redirect_uris: '{typed}'\n")
    if meant is not None:
        text += "  expect_redirect_uris: [" + ", ".join(f"'{u}'" for u in meant) + "]\n"
    return text


def _wizard(text: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    result = run_scenario(parse_scenario(text), report_dir=tmp_path)
    return result, next(s for s in result.steps if s.id == "oauth-client-wizard")


@pytest.mark.parametrize("profile", ["keycloak", "gluu"])
def test_right_separator_registers_both_uris(profile: str, tmp_path: Path) -> None:
    result, wizard = _wizard(_scenario(profile, ";", f"{A};{B}", [A, B]), tmp_path)
    assert wizard.verdict is Verdict.PASS, wizard.cause
    assert wizard.evidence.endswith(f"redirect URIs {[A, B]}")
    sent = [e for e in wizard.exchanges if e.actor == "portal" and e.target == "idp" and e.method == "POST"]
    assert len(sent) == 1 and f'"redirect_uris": ["{A}", "{B}"]' in (sent[0].request_body or "")
    assert result.passed


@pytest.mark.parametrize("profile", ["keycloak", "gluu"])
def test_wrong_separator_registers_one_joined_uri(profile: str, tmp_path: Path) -> None:
    """Both IdPs accept "a;b" as one (valid) URI: the client silently gets one wrong
    redirect URI; only checking what was meant reveals it."""
    _, wizard = _wizard(_scenario(profile, ",", f"{A};{B}"), tmp_path)
    assert wizard.verdict is Verdict.PASS
    assert wizard.evidence.endswith(f"redirect URIs {[f'{A};{B}']}")
    result, wizard = _wizard(_scenario(profile, ",", f"{A};{B}", [A, B]), tmp_path / "meant")
    assert wizard.verdict is Verdict.FAIL
    assert wizard.error == (f"redirect URIs mismatch: the developer typed '{A};{B}' meaning {[A, B]}, the portal "
                            f"split it with oauth_redirect_uri_separator ',' and the IdP registered {[f'{A};{B}']}")
    assert wizard.cause.startswith("the redirect URLs typed into the wizard were not split as meant")
    assert "set oauth_redirect_uri_separator in tyk_analytics.conf" in wizard.fix
    # The client the IdP did register is deleted again: nothing left half-created.
    cleanup = next(s for s in result.steps if s.id == "delete-client")
    assert cleanup.verdict is Verdict.PASS


def test_keycloak_rejects_a_joined_uri_with_a_space(tmp_path: Path) -> None:
    """Typed with ", " while the separator is ";": Keycloak answers 400
    invalid_redirect_uri, diagnosed as the separator problem it usually is."""
    text = _scenario("keycloak", ";", f"{A}, {B}") + "expect: {fail_at: oauth-client-wizard, diagnosis: oauth_redirect_uri_separator}\n"
    result, wizard = _wizard(text, tmp_path)
    assert wizard.verdict is Verdict.FAIL
    assert wizard.error == ("the portal could not create the client: registration refused: HTTP 400 "
                            "invalid_redirect_uri: A redirect URI is not a valid URI")
    assert wizard.cause.startswith("the IdP rejected a redirect URI as invalid")
    assert check_expectation(parse_scenario(text), result)[0] is True
