"""The check catalogue: ``@check(...)`` registers a condition, ``@probe(...)`` the
function that performs the HTTP it judges. Ids are stable and unique; every ``spec``
must resolve in :mod:`harness.conformance.spec` (checked at registration)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from harness.conformance.model import Check, Condition, Level, Observation
from harness.conformance.spec import split_ref

if TYPE_CHECKING:
    from harness.conformance.context import CheckContext

Probe = Callable[["CheckContext"], Observation]

_CHECKS: dict[str, Check] = {}
_PROBES: dict[str, Probe] = {}
_ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")

#: Modules holding checks, in catalogue order (plan order).
CHECK_MODULES: tuple[str, ...] = (
    "harness.conformance.checks.discovery",
    "harness.conformance.checks.registration",
    "harness.conformance.checks.registration_rules",
    "harness.conformance.checks.management",
    "harness.conformance.checks.token",
    "harness.conformance.checks.client_auth",
    "harness.conformance.checks.gateway_jwt",
    "harness.conformance.checks.guide",
)


class RegistryError(ValueError):
    """A check or probe was registered twice, or with a malformed id or reference."""


def check(id: str, title: str, *, spec: str, level: Level, plan: str, probe: str,
          see: tuple[str, ...] = ()) -> Callable[[Condition], Condition]:
    """Register the decorated condition as check ``id``."""
    if not _ID_RE.match(id):
        raise RegistryError(f"check id {id!r} must look like AREA-WORDS (upper case, dash-separated)")
    for ref in (spec, *see):
        split_ref(ref)  # raises UnknownSpec for a reference the table does not know

    def deco(fn: Condition) -> Condition:
        if id in _CHECKS and _CHECKS[id].condition is not fn:
            raise RegistryError(f"check id {id!r} registered twice")
        _CHECKS[id] = Check(id=id, title=title, spec=spec, level=level, plan=plan, probe=probe,
                            condition=fn, see=tuple(see))
        return fn

    return deco


def add_check(c: Check) -> Check:
    """Register a check built in code (table-driven plans such as gateway-jwt)."""
    if not _ID_RE.match(c.id):
        raise RegistryError(f"check id {c.id!r} must look like AREA-WORDS")
    for ref in (c.spec, *c.see):
        split_ref(ref)
    if c.id in _CHECKS and _CHECKS[c.id] != c:
        raise RegistryError(f"check id {c.id!r} registered twice")
    _CHECKS[c.id] = c
    return c


def probe(name: str) -> Callable[[Probe], Probe]:
    """Register the decorated function as the probe ``name``."""

    def deco(fn: Probe) -> Probe:
        if name in _PROBES and _PROBES[name] is not fn:
            raise RegistryError(f"probe {name!r} registered twice")
        _PROBES[name] = fn
        return fn

    return deco


def load_all() -> None:
    """Import every check module (registration happens on import)."""
    for mod in CHECK_MODULES:
        importlib.import_module(mod)


def all_checks() -> list[Check]:
    """Every check, in catalogue order."""
    load_all()
    return list(_CHECKS.values())


def get_check(check_id: str) -> Check:
    load_all()
    try:
        return _CHECKS[check_id]
    except KeyError:
        raise KeyError(f"unknown check id {check_id!r}") from None


def get_probe(name: str) -> Probe:
    load_all()
    try:
        return _PROBES[name]
    except KeyError:
        raise KeyError(f"no probe named {name!r}") from None


def checks_for_plan(plan: str) -> list[Check]:
    return [c for c in all_checks() if c.plan == plan]
