"""``dcr-harness serve [--idp KIND|URL] [--gateway KIND|URL] [--guide keycloak|gluu] [--host H]
[--portal-port N] [--gateway-port N]``: start the IdP, the portal (Dashboard + Developer Portal pages), the
gateway and the upstream, optionally set up the guide's objects (API, policy, catalogue
entry with DCR, developer — the scenario's steps up to and including create-developer),
print the URLs and credentials, and stay up until Ctrl-C so a person can click through
the guide's portal steps.
"""

from __future__ import annotations

import argparse
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from harness.cli.arg_types import output_folder, port_number
from harness.cli.foreground import wait_for_interrupt
from harness.cli.gateway_options import add_gateway_options, gateway_choice
from harness.core.errors import ConfigError, HarnessError
from harness.core.paths import REPO_ROOT
from harness.core.redact import Redactor
from harness.core.transcript import Transcript
from harness.launchers.registry import help_text, make_launcher, resolve
from harness.scenario.world import World
from harness.tyk.portal.settings import DashboardSettings

GUIDES = ("keycloak", "gluu")
#: The last guide step ``serve`` performs; the wizard is left to the person.
LAST_SEEDED_STEP = "create-developer"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run IdP, portal (Dashboard + Developer Portal pages), gateway and upstream "
                                     "until interrupted; --guide sets up a guide's objects")
    p.add_argument("--idp", default="emulator", help="IdP launcher: " + help_text(default="emulator"))
    p.add_argument("--idp-version", default=None, metavar="V",
                   help="the IdP product's version (keycloak-dist: a release Maven Central serves, e.g. 26.5.6)")
    add_gateway_options(p)
    p.add_argument("--guide", choices=GUIDES, default=None,
                   help="create the guide's API, policy, catalogue entry (with DCR) and developer "
                        "(scenarios/<guide>.yaml, steps up to create-developer)")
    p.add_argument("--scenario", type=Path, default=None,
                   help="seed from this scenario file instead of the guide's (steps up to create-developer)")
    p.add_argument("--until", default=LAST_SEEDED_STEP, metavar="STEP",
                   help="with --guide: the last guide step to perform (default create-developer); e.g. "
                        "'discovery' leaves every Dashboard step to you and prints the values to type in")
    p.add_argument("--host", default="127.0.0.1", help="address the portal, gateway and upstream listen on")
    p.add_argument("--portal-port", type=port_number, default=0, help="portal port (0 = a free port)")
    p.add_argument("--gateway-port", type=port_number, default=0, help="gateway port (0 = a free port)")
    p.add_argument("--admin-key", default=None, help="Dashboard admin key (default: a random one, printed)")
    p.add_argument("--report-dir", type=Path, default=Path("reports") / "serve",
                   help="where IdP logs go (default reports/serve/)")
    p.set_defaults(func=serve)


@dataclass
class Served:
    """What ``serve`` started and seeded; ``facts`` are the scenario run's facts."""

    world: World
    scenario: Any = None
    facts: dict[str, Any] = field(default_factory=dict)
    evidence: list[tuple[str, str]] = field(default_factory=list)
    #: Ids of the guide steps performed.
    seeded: list[str] = field(default_factory=list)


def find_guide_scenario(guide: str) -> Path:
    """``scenarios/<guide>.yaml`` from the working directory or the source checkout."""
    for base in (Path.cwd(), REPO_ROOT):
        p = base / "scenarios" / f"{guide}.yaml"
        if p.is_file():
            return p
    raise ConfigError(f"the {guide} guide's scenario (scenarios/{guide}.yaml) was not found",
                      hint="run from the dcr-harness checkout, or pass --scenario FILE")


def build_world(args: argparse.Namespace, redactor: Redactor) -> Served:
    """The world for ``args`` (not started), with the scenario's settings when seeding;
    ``redactor`` is the run's (``args.redactor``, harness.cli.main)."""
    from harness.scenario.loader import load_scenario
    from harness.scenario.runner import gateway_conf, make_idp, move_gateway_clock, with_network_faults

    kind, url = resolve(args.idp, option="--idp")
    gateway, gateway_options = gateway_choice(args)
    report_dir = output_folder(Path(args.report_dir))
    admin_key = args.admin_key or secrets.token_urlsafe(16)
    redactor.add(admin_key)
    scenario_path = args.scenario or (find_guide_scenario(args.guide) if args.guide else None)
    if scenario_path is None:
        idp = make_launcher(kind, profile="keycloak", report_dir=report_dir, url=url, version=args.idp_version,
                            names={"version": "--idp-version"})
        dashboard = DashboardSettings(admin_secret=admin_key, oauth_redirect_uri_separator=";")
        world = World(idp, transcript=Transcript(redactor), dashboard=dashboard, manage_idp=True, host=args.host,
                      portal_port=args.portal_port, gateway_port=args.gateway_port, idp_ca_bundle=idp.ca_bundle,
                      gateway=gateway, gateway_options=gateway_options, report_dir=report_dir)
        return Served(world)
    scenario = load_scenario(scenario_path)
    if url:
        scenario.idp.url = url
    if args.idp_version:
        scenario.idp.version = args.idp_version
    idp = with_network_faults(scenario, make_idp(scenario, kind, report_dir,
                                                 names={"version": "--idp-version"} if args.idp_version else None))
    dashboard = DashboardSettings(
        admin_secret=admin_key,
        oauth_redirect_uri_separator=scenario.dashboard.oauth_redirect_uri_separator,
        dcr_ssl_insecure_skip_verify=scenario.dashboard.dcr_ssl_insecure_skip_verify,
        dcr_ca_bundle=scenario.dashboard.dcr_ca_bundle,
    )
    tyk_conf = gateway_conf(scenario, idp.ca_bundle)
    world = World(idp, transcript=Transcript(redactor), dashboard=dashboard, tyk_conf=tyk_conf, manage_idp=True,
                  host=args.host, portal_port=args.portal_port, gateway_port=args.gateway_port,
                  idp_ca_bundle=idp.ca_bundle, gateway=gateway, gateway_options=gateway_options,
                  report_dir=report_dir)
    move_gateway_clock(world, scenario.gateway.clock_offset_seconds)
    return Served(world, scenario=scenario)


def seed(served: Served, until: str = LAST_SEEDED_STEP) -> None:
    """Perform the scenario's guide steps up to and including ``until`` (at most
    create-developer; the wizard is the person's part), through
    the same HTTP APIs ``dcr-harness run`` uses. A failing step stops with its reason."""
    from harness.scenario.context import RunContext, StepFailure
    from harness.scenario.diagnosis import diagnose
    from harness.scenario.steps import plan_for

    ctx = RunContext(scenario=served.scenario, world=served.world)
    redactor = ctx.redactor
    plan = plan_for(ctx)
    ids = [st.id for st in plan]
    last = ids.index(LAST_SEEDED_STEP)
    if until not in ids[:last + 1]:
        raise ConfigError(f"--until {until!r} is not one of this guide's setup steps",
                          hint=f"use one of: {', '.join(ids[1:last + 1])}")
    for step in plan:
        try:
            served.evidence.append((step.title, redactor.text(step.run(ctx) or "")))
        except StepFailure as exc:
            diag = diagnose(step.id, exc.cause)
            fix = exc.fix or (diag[1] if diag else None)
            raise HarnessError(f"setting up the guide failed at step {step.id!r}: {redactor.text(exc.cause)}",
                               hint=fix) from None
        if step.id == until:
            break
    served.facts = ctx.facts
    served.seeded = ids[:ids.index(until) + 1]


def serve(args: argparse.Namespace, console: Console) -> int:
    served = build_world(args, args.redactor)
    world = served.world
    console.print("Starting the IdP, gateway, upstream and portal ...", highlight=False)
    with world:
        # "Target URL" prefill on the Dashboard's new-API page: the echo upstream.
        # (an extra DashboardSettings field the Dashboard pages read).
        world.dashboard.default_target_url = world.upstream_url + "/"  # type: ignore[attr-defined]  # extra field of a pydantic model with extra='allow'
        if served.scenario is not None:
            seed(served, args.until)
        print_summary(console, served)
        console.print("Press Ctrl-C to stop.", highlight=False)
        wait_for_interrupt()
    console.print("Stopped.", highlight=False)
    return 0


def print_summary(console: Console, served: Served) -> None:
    w = served.world
    idp = w.idp

    def out(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    console.print(f"[bold]dcr-harness serve[/bold] — IdP {idp.profile} ({idp.kind}"
                  f"{', ' + idp.version if idp.version else ''})", highlight=False)
    out(f"  Dashboard:         {w.portal_url}/dashboard/")
    out(f"    admin key:       {w.admin_key}")
    out(f"  Developer Portal:  {w.portal_url}/portal/")
    label = w.gateway_label()
    out(f"  Gateway:           {w.gateway_url}" + (f"  ({label})" if label else ""))
    out(f"  Upstream (echo):   {w.upstream_url}")
    out(f"  IdP:               {idp.base_url}")
    if idp.kind != "emulator" and idp.profile == "keycloak":
        out(f"    admin console:   {idp.base_url}/admin/  (user {idp.admin_user!r}, password {idp.admin_password!r})")
    if served.scenario is None:
        out("No guide objects were created (pass --guide keycloak or --guide gluu to set them up).")
        return
    sc, f = served.scenario, served.facts
    out(f"Set up from {sc.name!r}:")
    for title, evidence in served.evidence:
        out(f"  ✓ {title}: {evidence}")
    complete = LAST_SEEDED_STEP in served.seeded
    if complete:
        out(f"  developer login:   {sc.developer.email} / {sc.developer.password}")
    else:
        _print_values_to_type(console, served)
    out(f"  token endpoint:    {f.get('discovery.token_endpoint', '?')}")
    out(f"  API on gateway:    {w.gateway_url}{sc.api.listen_path}")
    if not complete:
        out("Next, as in the guide: sign in to the Dashboard with the admin key and do the remaining steps "
            "(APIs, Policies, Catalog → Settings → DCR, Developers → Add developer); then, as the developer:")
    else:
        out("Next, as in the guide:")
    uris = sc.client.redirect_uris
    details = f"client name {sc.client.name!r}" + (f" and Redirect URLs {uris!r}" if uris else "")
    out("  open the Developer Portal, log in as the developer, click OAuth Clients → Create first OAuth Client → "
        f"select {sc.catalogue.name!r} → Save and continue → {details} → Create. Then get a token and call the API:")
    out("  curl -s -d grant_type=client_credentials -d client_id=CLIENT_ID -d client_secret=CLIENT_SECRET "
        f"{f.get('discovery.token_endpoint', 'TOKEN_ENDPOINT')}")
    out(f"  curl -s -H 'Authorization: Bearer ACCESS_TOKEN' {w.gateway_url}{sc.api.listen_path}get")


def _print_values_to_type(console: Console, served: Served) -> None:
    """What the person types into the Dashboard for the steps ``--until`` left to them."""
    from harness.registrar import discovery as disc
    from harness.registrar.errors import RegistrarError

    w, sc, f = served.world, served.scenario, served.facts

    def out(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    if "discovery.jwks_uri" not in f:
        try:
            doc = disc.discover(w.session("harness", "idp"), w.idp.issuer(sc.idp.realm))
        except RegistrarError as exc:  # the summary must not fail: say what is missing instead
            out(f"  (discovery failed: {w.redactor.error(exc)})")
            doc = {}
        f.update({f"discovery.{k}": doc.get(k, "?") for k in ("jwks_uri", "registration_endpoint", "token_endpoint")})
    out("Left to you (values to type in):")
    out(f"  JWKS URI:                     {f['discovery.jwks_uri']}")
    out(f"  Identity Source:              {sc.api.jwt.identity_base_field}")
    out(f"  Policy Field Name:            {sc.api.jwt.policy_field_name}")
    out(f"  Identity Provider Host:       {w.idp.base_url}/")
    out(f"  Client Registration Endpoint: {f['discovery.registration_endpoint']}")
    if f.get("initial_access_token"):
        out(f"  Initial Registration Access Token: {f['initial_access_token']}")
    out(f"  developer (Add developer):    {sc.developer.email} / {sc.developer.password}")
