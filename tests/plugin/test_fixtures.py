"""The pytest plugin as a user gets it (entry point ``pytest11``): options, marker,
fixtures ``idp``/``world``/``portal``/``gateway``, and the report header."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = '''
import pytest
import requests

from harness.registrar import discovery


def test_keycloak_world(idp, world, portal, gateway):
    assert idp.profile == "keycloak"
    assert world.portal is portal and world.gateway is gateway
    doc = discovery.discover(requests.Session(), idp.issuer("master"))
    assert doc["registration_endpoint"].endswith("/clients-registrations/openid-connect")
    r = requests.get(world.gateway_url + "/nothing-here/")
    assert r.status_code == 404
    assert portal.list_apis() == []


@pytest.mark.idp(profile="gluu")
def test_gluu_by_marker(idp):
    assert idp.profile == "gluu"
    assert requests.get(idp.base_url + "/.well-known/openid-configuration").json()["issuer"] == idp.base_url


def test_same_keycloak_again(idp):
    assert idp.profile == "keycloak"
'''


def test_fixtures_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--idp", "emulator", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*dcr-harness: idp=emulator profile=keycloak*"])


def test_unknown_idp_kind_is_a_clear_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user="def test_x(idp):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--idp", "bogus")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*bogus*"])


def test_container_without_docker_skips_with_the_reason(pytester: pytest.Pytester) -> None:
    """``--idp container`` (Keycloak, or Janssen for the gluu profile) needs a Docker
    engine: without one the tests that need the IdP skip and say why, never pass."""
    from harness.core.containers import docker_available

    ok, reason = docker_available()
    if ok:
        pytest.skip("a Docker engine is available: the skip path cannot be shown here")
    pytester.makepyfile(test_user=(
        "import pytest\n\n"
        "def test_keycloak(idp):\n    assert False, 'must not run'\n\n"
        "@pytest.mark.idp(profile='gluu')\n"
        "def test_janssen(idp):\n    assert False, 'must not run'\n"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--idp", "container", "-rs")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["*--idp container needs a Docker engine: no Docker engine at*"])
