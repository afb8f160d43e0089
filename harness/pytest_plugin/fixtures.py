"""Fixtures: ``idp`` (one per session), ``world`` (fresh portal/gateway per test on
that IdP), ``portal`` and ``gateway`` (its parts)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from harness.idp.launchers.base import IdpLauncher


@pytest.fixture(scope="session")
def idp(request: pytest.FixtureRequest) -> Iterator[IdpLauncher]:
    """The IdP chosen with ``--idp``/``--idp-profile`` (or the ``idp(profile)`` marker),
    started once per session."""
    from harness.idp.launchers.factory import make_launcher

    kind = request.config.getoption("--idp")
    profile = request.config.getoption("--idp-profile")
    report_dir = Path(request.config.getoption("--harness-report-dir"))
    options: dict[str, object] = {}
    if "://" in kind:
        options["base_url"], kind = kind, "external"
    if kind == "container":
        from harness.idp.launchers.container import docker_available

        ok, reason = docker_available()
        if not ok:
            pytest.skip(f"--idp container needs a Docker engine: {reason}")
    launcher = make_launcher(kind, profile=profile, report_dir=report_dir, **options)
    with launcher:
        yield launcher


@pytest.fixture
def world(idp: IdpLauncher) -> Iterator["object"]:
    """A fresh portal + gateway + upstream wired to the session's IdP."""
    from harness.world import World

    with World(idp, manage_idp=False) as w:
        yield w


@pytest.fixture
def portal(world: "object") -> object:
    return world.portal  # type: ignore[attr-defined]


@pytest.fixture
def gateway(world: "object") -> object:
    return world.gateway  # type: ignore[attr-defined]
