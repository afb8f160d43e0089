"""Plans: named, ordered groups of checks (``dcr-harness check --plan NAME``).

``discovery``, ``registration``, ``management`` (RFC 7592), ``token``, ``gateway-jwt``
(the gateway's JWT cases against harness.tyk.gateway) and ``guide`` (the Tyk guide run end
to end by the scenario runner, one check per step). ``all`` is every plan in order.
"""

from __future__ import annotations

from harness.conformance.model import Check
from harness.conformance.registry import all_checks

#: Plans in run order, with what each covers.
PLANS: dict[str, str] = {
    "discovery": "provider metadata and JWK Set (OIDC Discovery §3-4, RFC 8414, RFC 7517/7518)",
    "registration": "the guide's registration and its error answers (RFC 7591, RFC 6750)",
    "management": "read, update, delete with the registration access token (RFC 7592)",
    "token": "client_credentials at the token endpoint and the access token (RFC 6749, RFC 9068)",
    "gateway-jwt": "the gateway's JWT validation cases, status and message as Tyk answers (RFC 7515/7519/8725)",
    "guide": "the Tyk guide end to end through portal, IdP and gateway (one check per step)",
}
#: What ``--plan`` defaults to.
DEFAULT_PLANS: tuple[str, ...] = ("discovery", "registration", "management", "token")


class UnknownPlan(ValueError):
    pass


def resolve(names: list[str] | tuple[str, ...] | None) -> list[str]:
    """Validated plan names in run order; ``all`` expands to every plan."""
    if not names:
        return list(DEFAULT_PLANS)
    wanted: set[str] = set()
    for name in names:
        for part in str(name).split(","):
            part = part.strip()
            if not part:
                continue
            if part == "all":
                wanted.update(PLANS)
            elif part in PLANS:
                wanted.add(part)
            else:
                raise UnknownPlan(f"unknown plan {part!r}; plans: {', '.join(PLANS)}, all")
    return [p for p in PLANS if p in wanted]


def checks_for(plans: list[str]) -> list[Check]:
    """The checks of ``plans``, in plan order then catalogue order."""
    checks = all_checks()
    return [c for p in plans for c in checks if c.plan == p]
