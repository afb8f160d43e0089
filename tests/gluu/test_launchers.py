"""GluuEmulatorLauncher follows the IdpLauncher Protocol; the Janssen container launcher
needs a Docker engine."""

from __future__ import annotations

import pytest
import requests

from harness.core.containers import docker_available
from harness.core.errors import LaunchError
from harness.products.base import IdpLauncher
from harness.products.gluu.container import JanssenContainerLauncher
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher


def test_emulator_launcher_protocol_and_lifetime():
    launcher = GluuEmulatorLauncher(version="4.4")
    assert (launcher.kind, launcher.profile, launcher.version) == ("emulator", "gluu", "4.4")
    with pytest.raises(LaunchError):
        _ = launcher.base_url
    with launcher:
        url = launcher.base_url
        assert isinstance(launcher, IdpLauncher)  # runtime Protocol check reads base_url: only once started
        assert url.startswith("http://127.0.0.1:")
        assert launcher.issuer() == url
        assert requests.get(url + "/oxauth/restv1/jwks", timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/oxauth/restv1/jwks", timeout=2)
    launcher.stop()  # idempotent


def test_profile_overrides_reach_the_profile():
    launcher = GluuEmulatorLauncher(error_reason_enabled=True, key_seed=4)
    assert launcher.gluu_profile.error_reason_enabled is True
    assert launcher.key_seed == 4


def test_janssen_container_launcher_shape():
    launcher = JanssenContainerLauncher(hostname="jans.test")
    for member in ("kind", "profile", "version", "admin_user", "admin_password", "log_path", "start", "stop", "issuer"):
        assert hasattr(launcher, member), member
    assert launcher.kind == "container"
    assert launcher.image == "ghcr.io/janssenproject/jans/monolith:1.1.6-1"
    assert launcher.issuer() == "https://jans.test"
    with pytest.raises(LaunchError):
        _ = launcher.base_url


_DOCKER, _WHY = docker_available()


@pytest.mark.skipif(_DOCKER, reason="a Docker engine is available: the real Janssen test below runs instead")
def test_janssen_without_docker_refuses_with_one_line():
    with pytest.raises(LaunchError) as exc:
        JanssenContainerLauncher().start()
    assert "cannot run Janssen in a container" in str(exc.value)
    assert "\n" not in str(exc.value)


@pytest.mark.container
@pytest.mark.slow
@pytest.mark.skipif(not _DOCKER, reason=f"Janssen needs a Docker engine: {_WHY}")
def test_janssen_registration_answers_201():
    with JanssenContainerLauncher(host_port=0, ready_timeout=1200) as jans:
        doc = requests.get(f"{jans.base_url}/.well-known/openid-configuration", verify=False, timeout=30).json()
        assert doc["registration_endpoint"].endswith("/jans-auth/restv1/register")
        assert doc["issuer"] == jans.issuer()
