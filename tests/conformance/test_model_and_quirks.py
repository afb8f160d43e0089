"""Spec table, registry rules, verdict rules (SHOULD → WARN, declared quirks → QUIRK)
and the quirk declarations themselves."""

from __future__ import annotations

import pytest

from harness.conformance.context import Skip
from harness.conformance.engine import finalize, judge
from harness.conformance.model import Check, Level, Observation, Result, Verdict
from harness.conformance.plans import DEFAULT_PLANS, PLANS, UnknownPlan, resolve
from harness.conformance.registry import RegistryError, all_checks, check, get_check
from harness.conformance.spec import UnknownSpec, spec_label, spec_url
from harness.products.detect import PRODUCTS, profile_for, quirks_for
from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.profile import KeycloakProfile
from harness.products.quirk import match

KEYCLOAK = KeycloakProfile()
GLUU = GluuProfile.for_version("4.2")


def test_spec_urls_and_labels() -> None:
    assert spec_url("RFC7591-3.2.1") == "https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1"
    assert spec_label("RFC7592-2.2") == "RFC 7592 §2.2"
    assert spec_url("OIDC-DISCOVERY-4.3").endswith("#ProviderConfigurationValidation")
    assert spec_url("OIDC-REGISTRATION-3.2.1").endswith("#RegistrationResponse")  # nearest enclosing section
    assert spec_label("TYK-JWT") == "Tyk Gateway JWT authentication"
    with pytest.raises(UnknownSpec):
        spec_url("RFC9999-1")


def test_every_check_cites_a_known_spec_and_has_a_docstring() -> None:
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids))
    for c in all_checks():
        assert spec_url(c.spec).startswith("https://"), c.id
        for ref in c.see:
            assert spec_url(ref).startswith("https://"), (c.id, ref)
        assert c.doc, f"{c.id} has no docstring"


def test_registry_refuses_bad_ids_and_unknown_specs() -> None:
    with pytest.raises(RegistryError):
        check("lowercase-id", "t", spec="RFC7591-2", level=Level.MUST, plan="x", probe="x")
    with pytest.raises(UnknownSpec):
        check("X-BAD-SPEC", "t", spec="RFC1-1", level=Level.MUST, plan="x", probe="x")


def test_plans_resolve_in_order() -> None:
    assert resolve(None) == list(DEFAULT_PLANS)
    assert resolve(["token,discovery"]) == ["discovery", "token"]
    assert resolve(["all"]) == list(PLANS)
    with pytest.raises(UnknownPlan, match="nope"):
        resolve(["nope"])


def _check(level: Level, cid: str = "TOKEN-WRONG-SECRET-401") -> Check:
    real = get_check(cid)
    return Check(id=cid, title=real.title, spec=real.spec, level=level, plan=real.plan, probe=real.probe,
                 condition=real.condition)


def test_failed_should_is_reported_as_warn() -> None:
    r = finalize(_check(Level.SHOULD), Result.fail("no", actual="x"), None)
    assert (r.verdict, r.level, r.declared_level) == (Verdict.WARN, Level.SHOULD, Level.SHOULD)
    assert not r.fails_run


def test_failed_must_fails_the_run() -> None:
    r = finalize(_check(Level.MUST), Result.fail("no", actual="x"), None)
    assert r.verdict is Verdict.FAIL and r.fails_run


def test_keycloak_unauthorized_client_is_a_quirk_with_its_source() -> None:
    res = Result.fail("answered 401 unauthorized_client", expected="401 invalid_client", actual="401 unauthorized_client")
    r = finalize(get_check("TOKEN-WRONG-SECRET-401"), res, KEYCLOAK)
    assert (r.verdict, r.level, r.declared_level) == (Verdict.WARN, Level.QUIRK, Level.MUST)
    assert "known keycloak deviation" in r.message and "KeycloakProfile.wrong_secret_error" in r.message
    assert r.quirk is not None and "keycloak.md" in r.quirk["source"]
    assert not r.fails_run


def test_same_behaviour_on_the_generic_profile_fails() -> None:
    res = Result.fail("answered 401 unauthorized_client", actual="401 unauthorized_client")
    r = finalize(get_check("TOKEN-WRONG-SECRET-401"), res, None)
    assert (r.verdict, r.level) == (Verdict.FAIL, Level.MUST)


def test_behaviour_other_than_the_declared_quirk_still_fails() -> None:
    r = finalize(get_check("REG-STATUS-201"), Result.fail("202", actual=202), GLUU)
    assert r.verdict is Verdict.FAIL
    r = finalize(get_check("REG-STATUS-201"), Result.fail("200", actual=200), GLUU)
    assert (r.verdict, r.level) == (Verdict.WARN, Level.QUIRK)


def test_declared_but_not_observed_quirk_is_noted_on_pass() -> None:
    r = finalize(get_check("REG-STATUS-201"), Result.ok("201 Created", actual=201), GLUU)
    assert r.verdict is Verdict.PASS
    assert "declared" in r.message and "not observed" in r.message


def test_every_quirk_names_an_existing_check_and_a_source() -> None:
    ids = {c.id for c in all_checks()}
    versions = {"keycloak": ("26.4.7", "26.5.6", "26.7.0", "26.7.3"), "gluu": ("4.2", "4.2.0", "4.3", "4.4")}
    for product in PRODUCTS:
        for version in versions[product.name]:
            qs = quirks_for(profile_for(product.name, version))
            assert qs, (product.name, version)
            for q in qs:
                assert q.check_id in ids, (product.name, version, q.check_id)
                assert q.source and q.note, (product.name, version, q.check_id)
    assert quirks_for(profile_for("generic")) == ()


def test_quirk_values_come_from_the_wire_profiles() -> None:
    kc = match(quirks_for(KEYCLOAK), "TOKEN-WRONG-SECRET-401", f"401 {KEYCLOAK.wrong_secret_error}")
    assert kc is not None
    gl = match(quirks_for(GLUU), "REG-STATUS-201", GLUU.registration_status)
    assert gl is not None


class _Ctx:
    def __init__(self, exc: BaseException | None = None, obs: Observation | None = None) -> None:
        self.exc, self.obs = exc, obs

    def observe(self, name: str) -> Observation:
        if self.exc:
            raise self.exc
        assert self.obs is not None
        return self.obs


def test_probe_skip_makes_the_check_skip() -> None:
    res, exchanges = judge(get_check("REG-IAT-COUNT-ENFORCED"), _Ctx(Skip("needs admin credentials")))  # type: ignore[arg-type]
    assert (res.verdict, res.message, exchanges) == (Verdict.SKIP, "needs admin credentials", [])


def test_probe_crash_is_an_internal_error_not_a_pass() -> None:
    res, _ = judge(get_check("REG-STATUS-201"), _Ctx(RuntimeError("boom")))  # type: ignore[arg-type]
    assert res.verdict is Verdict.FAIL
    assert res.message.startswith("internal error in the harness") and "boom" in res.message
