"""The launcher registry (harness/launchers/registry.py): the one list of kinds, the one
rule "a URL means external", the options each class takes, the profile each kind runs,
and the gateway role the World goes through. Nothing here needs Docker or a real IdP."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import get_args

import pytest
import requests

from harness.core.containers import docker_available
from harness.core.errors import ConfigError
from harness.launchers import registry
from harness.launchers.registry import (
    KINDS,
    PROGRESS_LOGGERS,
    IdpKind,
    help_text,
    is_url,
    kinds,
    make_gateway,
    make_launcher,
    resolve,
    unavailable,
)
from harness.products.base import IdpLauncher
from harness.products.gluu.container import JanssenContainerLauncher
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.products.keycloak.container import KeycloakContainerLauncher
from harness.products.keycloak.emulator.launcher import KeycloakEmulatorLauncher
from harness.scenario.schema import IdpSpec
from harness.tyk.gateway.launcher import GatewayLauncher, HarnessGatewayLauncher

# ---- kinds and URLs ---------------------------------------------------------------------


def test_one_list_of_idp_kinds() -> None:
    assert KINDS == kinds("idp") == get_args(IdpKind) == ("emulator", "keycloak-dist", "container", "external")
    # The scenario schema's idp.launcher is that list (JSON Schema enum included).
    assert IdpSpec.model_json_schema()["properties"]["launcher"]["enum"] == list(KINDS)
    assert kinds("gateway") == ("harness", "tyk-oss", "container", "external")


@pytest.mark.parametrize("value", ["http://127.0.0.1:8080", "https://sso.example.com/auth/"])
def test_a_url_means_external(value: str) -> None:
    assert is_url(value)
    assert resolve(value) == ("external", value)
    assert resolve(value, option="--idp") == ("external", value)


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_resolves_to_itself(kind: str) -> None:
    assert not is_url(kind)
    assert resolve(kind) == (kind, None)


def test_unknown_kind_is_one_line_listing_the_kinds() -> None:
    with pytest.raises(ConfigError) as err:
        resolve("docker-compose", option="--idp")
    assert str(err.value) == ("--idp 'docker-compose' is not a launcher; use one of emulator, keycloak-dist, "
                              "container, external or an http(s) URL")
    with pytest.raises(ConfigError) as err:
        make_launcher("keycloak")
    assert str(err.value) == ("unknown IdP launcher kind 'keycloak' "
                              "(fix: use one of: emulator, keycloak-dist, container, external)")
    assert err.value.exit_code == 2


def test_a_url_means_the_external_gateway() -> None:
    assert resolve("http://127.0.0.1:8080", role="gateway", option="--gateway") == ("external", "http://127.0.0.1:8080")


def test_help_text_names_every_kind() -> None:
    text = help_text(default="emulator", note="default from the scenario")
    assert text.startswith("emulator (default from the scenario), keycloak-dist (real Keycloak from Maven Central), ")
    assert text.endswith(", or a URL of an external IdP")
    for kind in KINDS[:-1]:
        assert f"{kind} (" in text or text.startswith(kind)
    assert "Janssen" in text  # container with the gluu profile


# ---- profiles ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "runs"), [("keycloak-dist", "Keycloak"), ("external", "Keycloak")])
def test_kinds_that_run_only_keycloak_refuse_gluu(kind: str, runs: str) -> None:
    with pytest.raises(ConfigError) as err:
        make_launcher(kind, profile="gluu", url="http://127.0.0.1:9")
    assert err.value.message == f"the {kind} launcher runs {runs}, not 'gluu'"
    assert err.value.hint == "use --idp emulator or container for the gluu profile, or --idp-profile keycloak"


def test_a_profile_no_kind_runs() -> None:
    with pytest.raises(ConfigError) as err:
        make_launcher("emulator", profile="okta")
    assert (err.value.message, err.value.hint) == ("unknown emulator profile 'okta'", "use one of: keycloak, gluu")


@pytest.mark.parametrize(("kind", "profile", "cls"), [
    ("emulator", "keycloak", KeycloakEmulatorLauncher),
    ("emulator", "gluu", GluuEmulatorLauncher),
    ("container", "keycloak", KeycloakContainerLauncher),
    ("container", "gluu", JanssenContainerLauncher),
])
def test_kind_and_profile_pick_the_class(kind: str, profile: str, cls: type, tmp_path: Path) -> None:
    launcher = make_launcher(kind, profile=profile, report_dir=tmp_path)
    assert type(launcher) is cls
    assert launcher.kind == kind
    assert launcher.ca_bundle is None


def test_container_with_gluu_runs_janssen_with_the_options_given(tmp_path: Path) -> None:
    jans = make_launcher("container", profile="gluu", report_dir=tmp_path, version="1.1.5-1",
                         admin_user="root", admin_password="S3cret-pw!")
    assert isinstance(jans, JanssenContainerLauncher)
    assert jans.image == "ghcr.io/janssenproject/jans/monolith:1.1.5-1"
    assert (jans.admin_user, jans.admin_password, jans.log_dir) == ("root", "S3cret-pw!", tmp_path)


# ---- options ------------------------------------------------------------------------------


def test_an_option_the_class_does_not_take_says_where_it_applies() -> None:
    with pytest.raises(ConfigError) as err:
        make_launcher("keycloak-dist", key_seed=4)
    assert err.value.message == "key_seed does not apply to the keycloak-dist launcher of Keycloak"
    assert err.value.hint == "it applies to --idp emulator with profile gluu"
    with pytest.raises(ConfigError, match=r"^idp\.relative_path does not apply to the emulator launcher of "
                                          r"the Gluu emulator"):
        make_launcher("emulator", profile="gluu", relative_path="/auth", names={"relative_path": "idp.relative_path"})


def test_none_means_not_given() -> None:
    launcher = make_launcher("emulator", profile="keycloak", version=None, key_seed=None, relative_path=None)
    assert isinstance(launcher, KeycloakEmulatorLauncher)


def test_the_external_kind_needs_a_url_and_others_ignore_it() -> None:
    with pytest.raises(ConfigError) as err:
        make_launcher("external")
    assert err.value.message == "the external IdP launcher needs a URL"
    assert err.value.hint == "pass --idp http://host:port, or set idp.url in the scenario"
    assert make_launcher("external", url="http://127.0.0.1:9/").base_url == "http://127.0.0.1:9"
    assert isinstance(make_launcher("emulator", url="http://127.0.0.1:9"), KeycloakEmulatorLauncher)


def test_tls_is_generated_for_the_emulator_only(tmp_path: Path) -> None:
    launcher = make_launcher("emulator", profile="gluu", report_dir=tmp_path, tls="ca-signed")
    assert launcher.ca_bundle == str(tmp_path / "tls" / "ca.crt")
    with launcher:
        assert isinstance(launcher, IdpLauncher)
        assert requests.get(launcher.base_url + "/.well-known/openid-configuration",
                            verify=launcher.ca_bundle, timeout=10).status_code == 200
    with pytest.raises(ConfigError) as err:
        make_launcher("keycloak-dist", report_dir=tmp_path, tls="self-signed", names={"tls": "idp.tls.enabled"})
    assert err.value.message == ("idp.tls.enabled generates a certificate for the emulator; "
                                 "the keycloak-dist launcher serves its own TLS")
    assert err.value.hint == "turn idp.tls.enabled off, or use --idp emulator"


@pytest.mark.parametrize("spec", registry.specs("idp") + registry.specs("gateway") + registry.specs("reference"),
                         ids=lambda s: f"{s.role}-{s.kind}")
def test_every_declared_option_is_a_constructor_parameter(spec: registry.LauncherSpec) -> None:
    for product in spec.products.values():
        params = set(inspect.signature(product.load()).parameters)
        declared = set(product.options) | ({"ssl_certfile", "ssl_keyfile", "ca_bundle"} if product.tls else set())
        declared |= {"log_dir"} if product.log_dir else set()
        declared |= {"base_url"} if spec.url else set()
        assert declared <= params, (product.target, declared - params)


def test_progress_loggers_are_the_real_servers_modules() -> None:
    assert set(PROGRESS_LOGGERS) == {"harness.products.keycloak.dist", "harness.products.keycloak.container",
                                     "harness.products.keycloak.external", "harness.products.gluu.container",
                                     "harness.products.hydra.launcher", "harness.products.spring_as.launcher",
                                     "harness.tyk.gateway.tyk_oss", "harness.tyk.gateway.container",
                                     "harness.tyk.gateway.external"}


@pytest.mark.parametrize("kind", registry.kinds("reference"))
def test_reference_idps_are_built_generic_and_not_offered_as_idp_kinds(kind: str, tmp_path: Path) -> None:
    launcher = registry.make_reference(kind, report_dir=tmp_path, port=12345)
    assert (launcher.kind, launcher.profile, launcher.log_dir) == (kind, "generic", tmp_path)  # type: ignore[attr-defined]  # ProcessServer.log_dir
    assert kind not in registry.kinds("idp")
    with pytest.raises(ConfigError, match="does not apply"):
        registry.make_reference(kind, admin_user="x")


# ---- availability -------------------------------------------------------------------------


def test_only_the_container_kind_needs_docker() -> None:
    ok, reason = docker_available()
    said = unavailable("container")
    assert said == (None if ok else f"--idp container needs a Docker engine: {reason}")
    for kind in ("emulator", "keycloak-dist", "external"):
        assert unavailable(kind) is None


# ---- the gateway role ---------------------------------------------------------------------


def test_the_harness_gateway_launcher() -> None:
    launcher = make_gateway("harness", tyk_conf={"secret": "gw-secret-123"})
    assert isinstance(launcher, HarnessGatewayLauncher)
    assert (launcher.kind, launcher.version, launcher.secret) == ("harness", None, "gw-secret-123")
    with launcher as gw:
        assert isinstance(gw, GatewayLauncher)
        assert gw.base_url.startswith("http://127.0.0.1:")
        assert requests.get(gw.base_url + "/tyk/apis", headers={"x-tyk-authorization": "gw-secret-123"},
                            timeout=10).status_code == 200
        assert requests.get(gw.base_url + "/tyk/apis", headers={"x-tyk-authorization": "wrong"},
                            timeout=10).status_code == 403
        url = gw.base_url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/tyk/apis", timeout=2)
    launcher.stop()  # idempotent


def test_a_gateway_without_a_secret_gets_a_random_one() -> None:
    a, b = make_gateway(), make_gateway()
    assert len(a.secret) >= 16 and a.secret != b.secret
