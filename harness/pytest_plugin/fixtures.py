"""Fixtures (shared/STYLE.md §5): ``idp`` — the IdP chosen with ``--idp`` and
``--idp-profile`` or a test's ``@pytest.mark.idp(profile="gluu")`` marker, started once
per session and profile; ``world`` — a fresh portal + gateway + upstream wired to it,
per test, on the gateway chosen with ``--gateway`` (``--gateway-secret``, ``--tyk-bin``);
``portal`` and ``gateway`` — its parts. Options are read through tiny fixtures so a
conftest can override them (``dcr_idp_kind``, ``dcr_gateway``, ``dcr_report_dir``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.products.base import IdpLauncher


@pytest.fixture(scope="session")
def dcr_idp_kind(request: pytest.FixtureRequest) -> str:
    """``--idp``: emulator, keycloak-dist, container, or a URL (external)."""
    return str(request.config.getoption("--idp"))


@pytest.fixture(scope="session")
def dcr_gateway(request: pytest.FixtureRequest) -> str:
    """``--gateway``: harness (default), tyk-oss, container, or a URL (external)."""
    return str(request.config.getoption("--gateway"))


@pytest.fixture(scope="session")
def dcr_gateway_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """``--gateway-secret`` and ``--tyk-bin`` as gateway launcher options (None: not given)."""
    return {"secret": request.config.getoption("--gateway-secret"), "tyk_bin": request.config.getoption("--tyk-bin")}


@pytest.fixture(scope="session")
def dcr_report_dir(request: pytest.FixtureRequest) -> Path:
    """``--harness-report-dir``: where launchers keep server logs."""
    return Path(request.config.getoption("--harness-report-dir"))


@pytest.fixture(scope="session")
def _dcr_idp_pool(request: pytest.FixtureRequest) -> Iterator[dict[str, IdpLauncher]]:
    """Started launchers by profile (from the worker's launcher pool, shared with the
    scenario items); all stopped at the end of the session."""
    from harness.pytest_plugin.scenarios import session_of

    pool: dict[str, IdpLauncher] = {}
    yield pool
    session_of(request.config).pool.close()


@pytest.fixture
def idp(request: pytest.FixtureRequest, dcr_idp_kind: str, dcr_report_dir: Path,
        _dcr_idp_pool: dict[str, IdpLauncher]) -> IdpLauncher:
    """The started IdP for this test (one per profile per session); skipped with the
    reason when this machine cannot run the ``--idp`` kind (no Docker engine)."""
    from harness.launchers.registry import resolve, unavailable
    from harness.pytest_plugin.scenarios import session_of

    marker = request.node.get_closest_marker("idp")
    profile = request.config.getoption("--idp-profile")
    if marker is not None:
        profile = marker.kwargs.get("profile") or (marker.args[0] if marker.args else profile)
    if profile in _dcr_idp_pool:
        return _dcr_idp_pool[profile]
    kind, url = resolve(dcr_idp_kind, option="--idp")
    reason = unavailable(kind)
    if reason is not None:
        pytest.skip(reason)
    # One launcher per worker for the fixture and the scenario items (a real Keycloak boots once).
    version = request.config.getoption(f"--{profile}-version", None) or request.config.getoption("--idp-version")
    launcher = session_of(request.config).pool.get(kind, profile=profile, report_dir=dcr_report_dir, url=url,
                                                   version=version)
    launcher.start()
    _dcr_idp_pool[profile] = launcher
    return launcher


@pytest.fixture
def world(idp: IdpLauncher, dcr_gateway: str, dcr_gateway_options: dict[str, Any], dcr_report_dir: Path) -> Iterator[Any]:
    """A fresh portal + gateway + upstream wired to the test's IdP; skipped with the reason
    when this machine cannot run the ``--gateway`` kind (no Tyk binary, no Docker engine)."""
    from harness.launchers.registry import resolve, unavailable
    from harness.scenario.world import World

    kind, _ = resolve(dcr_gateway, role="gateway", option="--gateway")
    reason = unavailable(kind, "gateway", **dcr_gateway_options)
    if reason is not None:
        pytest.skip(reason)
    with World(idp, manage_idp=False, gateway=dcr_gateway, gateway_options=dcr_gateway_options,
               report_dir=dcr_report_dir) as w:
        yield w


@pytest.fixture
def portal(world: Any) -> Any:
    """The world's :class:`~harness.tyk.portal.service.PortalService`."""
    return world.portal


@pytest.fixture
def gateway(world: Any) -> Any:
    """The world's in-process :class:`~harness.tyk.gateway.Gateway`; skipped with the reason
    on any other ``--gateway`` (it decides in another process: use ``world.gateway_url``)."""
    if world.gateway is None:
        pytest.skip(f"the gateway fixture is the harness's in-process gateway; --gateway {world.gateway_launcher.kind} "
                    "decides in another process (call it at world.gateway_url)")
    return world.gateway
