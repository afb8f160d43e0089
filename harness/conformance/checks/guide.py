"""Guide plan: the Tyk guide for the profile (``scenarios/<profile>.yaml``) run end to
end by the scenario runner against the IdP under test — portal, developer wizard, token,
gateway — one check per guide step. The runner deletes the client it registered
(RFC 7592) even when a step fails.

The runner is not imported (it sits above conformance): the faces supply it as the
context's ``guide_runner`` (:class:`harness.conformance.guide_runner.GuideRunner`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.conformance.context import CheckContext, Skip
from harness.conformance.guide_runner import GuideRunner, GuideStep
from harness.conformance.model import Check, Level, Observation, Result, Verdict
from harness.conformance.registry import add_check, probe
from harness.core.paths import SCENARIOS_DIR
from harness.products.base import IdpLauncher
from harness.products.detect import PRODUCTS, find_product

PLAN = "guide"
#: Where the guides' scenarios live (repository layout, shared/DESIGN.md).
SCENARIO_DIR = SCENARIOS_DIR

#: Every guide step (harness.scenario.steps.plan_for), its spec reference and title.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("idp-start", "TYK-GUIDE", "The identity provider is reachable"),
    ("initial-access-token", "RFC7591-3", "Keycloak: an initial access token is created"),
    ("idp-configuration", "TYK-GUIDE", "Gluu: the OxAuth configuration is applied"),
    ("discovery", "OIDC-DISCOVERY-4", "The IdP's discovery document is read"),
    ("dashboard-settings", "TYK-GUIDE", "Tyk settings are applied (tyk_analytics.conf, tyk.conf)"),
    ("create-api", "TYK-JWT", "The API is created with JWT authentication"),
    ("create-policy", "TYK-GUIDE", "The policy is created"),
    ("api-default-policy", "TYK-JWT", "The API uses the policy as its default policy"),
    ("catalogue-entry", "TYK-GUIDE", "The API is added to the portal catalogue"),
    ("catalogue-dcr-settings", "TYK-GUIDE", "The catalogue entry's DCR settings are saved"),
    ("create-developer", "TYK-GUIDE", "A developer is added"),
    ("oauth-client-wizard", "RFC7591-3.1", "The developer registers an OAuth client through the portal"),
    ("token-request", "RFC6749-4.4", "The client gets a token with client_credentials"),
    ("gateway-call", "TYK-JWT", "The API answers through the gateway with that token"),
    ("delete-client", "RFC7592-2.3", "The client is deleted in the portal and at the IdP"),
)


def check_id(step_id: str) -> str:
    return "GUIDE-" + step_id.upper()


class BorrowedLauncher:
    """A running launcher lent to the scenario runner: ``start``/``stop`` do nothing
    (the owner stops it), admin credentials may be overridden."""

    def __init__(self, inner: IdpLauncher, admin_user: str | None = None, admin_password: str | None = None) -> None:
        self._inner = inner
        self.kind = inner.kind
        self.profile = inner.profile
        self.version = inner.version
        self.log_path = inner.log_path
        self.admin_user = admin_user or inner.admin_user
        self.admin_password = admin_password or inner.admin_password
        self.ca_bundle = inner.ca_bundle

    @property
    def base_url(self) -> str:
        return str(self._inner.base_url)

    def issuer(self, realm: str = "master") -> str:
        return str(self._inner.issuer(realm))

    def start(self) -> BorrowedLauncher:
        return self

    def stop(self) -> None:
        """The owner stops the server."""

    def __enter__(self) -> BorrowedLauncher:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class IssuerLauncher:
    """A live IdP known only by its issuer URL (``dcr-harness check --issuer``)."""

    kind = "external"
    log_path: Path | None = None
    version: str | None = None
    #: Clients verify the issuer's certificate against the system trust store.
    ca_bundle: str | None = None

    def __init__(self, ctx: CheckContext) -> None:
        self.profile = ctx.profile
        self._issuer = ctx.issuer
        self._base = ctx.keycloak_base if ctx.is_keycloak_issuer else ctx.issuer.rstrip("/")
        self.admin_user = ctx.admin_user or "admin"
        self.admin_password = ctx.admin_password or ""

    @property
    def base_url(self) -> str:
        return self._base

    def issuer(self, realm: str = "master") -> str:
        return self._issuer

    def start(self) -> IssuerLauncher:
        return self

    def stop(self) -> None:
        """Someone else runs this server."""

    def __enter__(self) -> IssuerLauncher:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def guide_runner(ctx: CheckContext) -> GuideRunner:
    """The runner the face supplied (SKIP without one: nothing here can run a guide)."""
    if ctx.guide_runner is None:
        raise Skip("the guide plan needs a guide runner (dcr-harness check and the pytest plugin supply the "
                   "scenario runner as CheckContext.guide_runner)")
    return ctx.guide_runner


def guide_scenario(ctx: CheckContext) -> Any:
    """The profile's guide scenario, adjusted to the IdP under test."""
    product = find_product(ctx.profile)
    if product is None:
        raise Skip(f"the guide plan follows the {' or '.join(p.title for p in PRODUCTS)} guide; "
                   f"profile {ctx.profile!r} has none")
    path = SCENARIO_DIR / f"{ctx.profile}.yaml"
    if not path.is_file():
        raise Skip(f"no guide scenario for profile {ctx.profile} ({path.name} is missing)")
    scenario = guide_runner(ctx).load(path)
    if product.has_realms:
        scenario.idp.realm = ctx.realm
    _ADMIN_STEP_READY[product.guide_admin_step[0]](ctx, scenario)
    return scenario


def _initial_access_token_ready(ctx: CheckContext, scenario: Any) -> None:
    """The guide's first step creates an initial access token (Keycloak): use the one
    given, else the admin credentials must be there to create one."""
    if ctx.initial_access_token:
        scenario.idp.use_initial_access_token(ctx.initial_access_token)
    elif not ctx.can_create_tokens:
        raise Skip("the Keycloak guide needs an initial access token: pass --initial-access-token or "
                   "--admin-user/--admin-password")


def _configuration_ready(ctx: CheckContext, scenario: Any) -> None:
    """The guide's first step changes the oxAuth configuration through the IdP's admin
    API (Gluu); without credentials it can only answer 401, which says nothing about the IdP."""
    if needs_gluu_admin(scenario) and ctx.launcher is None and not (ctx.admin_user and ctx.admin_password):
        raise Skip("the Gluu guide changes the oxAuth configuration (jwksAlgorithmsSupported) with the IdP's "
                   "admin API: pass --admin-user/--admin-password")


def needs_gluu_admin(scenario: Any) -> bool:
    """True when the Gluu guide's ``idp-configuration`` step changes server settings
    (harness.scenario.steps.idp_configuration), which needs admin credentials."""
    spec = scenario.idp
    return spec.jwks_algorithms_supported is not None or spec.dynamic_registration_enabled is not None


#: What each guide admin step (``Product.guide_admin_step``) needs before the guide runs.
_ADMIN_STEP_READY: dict[str, Callable[[CheckContext, Any], None]] = {
    "initial-access-token": _initial_access_token_ready,
    "idp-configuration": _configuration_ready,
}


@probe("guide")
def probe_guide(ctx: CheckContext) -> Observation:
    scenario = guide_scenario(ctx)
    launcher: IdpLauncher = (BorrowedLauncher(ctx.launcher, ctx.admin_user, ctx.admin_password)
                             if ctx.launcher is not None else IssuerLauncher(ctx))
    with tempfile.TemporaryDirectory(prefix="dcr-guide-") as tmp:
        report_dir = (ctx.report_dir / "guide") if ctx.report_dir else Path(tmp)
        steps = guide_runner(ctx).run(scenario, launcher=launcher, report_dir=report_dir,
                                      scenario_file=f"scenarios/{ctx.profile}.yaml", redactor=ctx.redactor)
    exchanges: dict[str, Any] = {}
    for step in steps:
        for i, ex in enumerate(step.exchanges):
            exchanges[f"{step.id}#{i}"] = ex
    return Observation(exchanges, {"steps": {s.id: s for s in steps}, "scenario": scenario.name,
                                   "all_exchanges": [e for s in steps for e in s.exchanges]})


def step_condition(step_id: str) -> Any:
    def condition(obs: Observation) -> Result:
        steps: dict[str, GuideStep] = obs.facts.get("steps", {})
        step = steps.get(step_id)
        evidence = tuple(n for n in obs.exchanges if n.split("#", 1)[0] == step_id)
        if step is None:
            raise Skip(f"not a step of the {obs.facts.get('scenario', 'guide')} scenario")
        if step.verdict is Verdict.PASS:
            return Result.ok(step.evidence or "done", expected="PASS", actual="PASS", evidence=evidence)
        if step.verdict is Verdict.SKIP:
            raise Skip(step.evidence or "not run")
        text = step.cause or step.error or "failed"
        if step.fix and step.fix not in text:
            text += f" Fix: {step.fix}"
        if step.verdict is Verdict.WARN:
            return Result.warn(text, expected="PASS", actual="WARN", evidence=evidence)
        return Result.fail(text, expected="PASS", actual="FAIL", evidence=evidence)

    condition.__doc__ = (f"The guide step ``{step_id}`` as the scenario runner performs it through the portal, "
                         "the IdP and the gateway; its failure cause and fix are the check's message.")
    condition.__name__ = "guide_" + step_id.replace("-", "_")
    return condition


for _step, _spec, _title in STEPS:
    add_check(Check(id=check_id(_step), title=_title, spec=_spec, level=Level.MUST, plan=PLAN, probe="guide",
                    condition=step_condition(_step)))
