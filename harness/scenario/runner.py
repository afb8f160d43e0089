"""Run a scenario: build the world, perform the guide's steps in order, collect results.

Guarantees: after the first failure the remaining guide steps are reported SKIP; the
OAuth client is still deleted if it was created (nothing left half-created at the
IdP); every server the run started is stopped, also on Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError, HarnessError, LaunchError
from harness.core.redact import Redactor
from harness.core.transcript import Transcript, describe_transport_error
from harness.launchers.registry import DEFAULT_GATEWAY, make_launcher
from harness.products.base import IdpLauncher
from harness.registrar.errors import RegistrarError
from harness.scenario.cleanup import Leftover, reconcile
from harness.scenario.context import RunContext, StepFailure
from harness.scenario.diagnosis import diagnose
from harness.scenario.loader import load_scenario
from harness.scenario.results import RunResult, StepResult
from harness.scenario.schema import Scenario
from harness.scenario.steps import Step, plan_for
from harness.scenario.world import World
from harness.tyk.portal.passwords import THROWAWAY_COST
from harness.tyk.portal.settings import DashboardSettings

log = logging.getLogger(__name__)

OnStep = Callable[[StepResult], None]


#: How the launcher registry's options are called in a scenario file (for its errors).
IDP_OPTION_NAMES: dict[str, str] = {
    **{name: f"idp.{name}" for name in ("admin_user", "admin_password", "version", "relative_path", "key_seed")},
    "tls": "idp.tls.enabled",
}


def make_idp(scenario: Scenario, kind: str | None, report_dir: Path,
             names: Mapping[str, str] | None = None) -> IdpLauncher:
    """The launcher for the scenario's IdP (not started); ``kind`` (``--idp``: a kind or a
    URL) overrides the file's ``idp.launcher``. The launcher registry checks that the
    kind runs the profile and takes every option the file sets.

    With ``idp.tls.enabled`` the emulator serves HTTPS with a certificate generated into
    ``<report_dir>/tls/``; the launcher's ``ca_bundle`` then names the PEM file clients
    should trust (``${idp.ca_bundle}``). ``names`` renames options in errors (a face's
    ``--idp-version``), over :data:`IDP_OPTION_NAMES`."""
    spec = scenario.idp
    return make_launcher(
        kind or spec.launcher, profile=spec.profile, report_dir=report_dir, url=spec.url,
        names={**IDP_OPTION_NAMES, **(names or {})},
        tls=spec.tls.certificate if spec.tls.enabled else None,
        admin_user=spec.admin_user, admin_password=spec.admin_password, version=spec.version,
        relative_path=spec.relative_path or None, key_seed=spec.key_seed,
    )


def with_network_faults(scenario: Scenario, idp: IdpLauncher) -> IdpLauncher:
    """``idp`` behind a fault proxy with the scenario's ``idp.network_faults``
    (harness.scenario.faulty_idp), for this run only (a suite's shared launcher stays as
    it is for the other scenarios); ``idp`` itself when the scenario has none."""
    if not scenario.idp.network_faults:
        return idp
    from harness.scenario.faulty_idp import FaultyIdp

    return FaultyIdp(idp, scenario.idp.network_faults)


def _with_ca(value: str | None, ca_bundle: str | None, field: str) -> str | None:
    """Resolve ``${idp.ca_bundle}`` in a setting read before the run starts."""
    if not value or "${idp.ca_bundle}" not in value:
        return value
    if not ca_bundle:
        raise ConfigError(f"{field}: ${{idp.ca_bundle}} has no value: it needs idp.tls.enabled: true "
                          "(the harness then generates the IdP's certificate and its CA bundle)")
    return value.replace("${idp.ca_bundle}", ca_bundle)


def has_expectation(scenario: Scenario) -> bool:
    """Does the scenario declare its expected outcome (an ``expect:`` section with
    ``fail_at``, ``evidence`` or ``outcomes``, as every file of scenarios/broken/ does)?"""
    exp = scenario.expect
    return exp.fail_at is not None or bool(exp.evidence) or bool(exp.outcomes)


def check_expectation(scenario: Scenario, result: RunResult) -> tuple[bool, str]:
    """Did the run do what the scenario's ``expect:`` says? ``(ok, one line)``.

    With ``expect.fail_at`` the run must fail exactly at that step, and (when given)
    the step's cause or fix must contain ``expect.diagnosis``. Without it every step
    must pass. ``expect.evidence`` adds per-step text checks either way."""
    exp = scenario.expect
    failed = result.failed_step
    problems: list[str] = []
    for step_id, text in exp.evidence.items():
        sr = next((s for s in result.steps if s.id == step_id), None)
        seen = "" if sr is None else (sr.evidence if sr.verdict is Verdict.PASS else f"{sr.cause or ''} {sr.error or ''}")
        if text.lower() not in seen.lower():
            problems.append(f"step {step_id} was expected to mention {text!r}")
    for step_id, verdict in exp.outcomes.items():
        sr = next((s for s in result.steps if s.id == step_id), None)
        got = "not run" if sr is None else sr.verdict.value
        if got != verdict:
            problems.append(f"step {step_id} was expected to end {verdict}, but it ended {got}")
    if exp.fail_at is None:
        if failed is not None:
            return False, f"expected every step to pass, but {failed.id} failed"
        if problems:
            return False, "; ".join(problems)
        return True, "every step passed, as expected"
    if failed is None:
        return False, f"expected a failure at {exp.fail_at}, but every step passed"
    if failed.id != exp.fail_at:
        return False, f"expected a failure at {exp.fail_at}, but the run failed at {failed.id}"
    if exp.diagnosis:
        said = f"{failed.cause or ''} {failed.fix or ''}"
        if exp.diagnosis.lower() not in said.lower():
            return False, (f"failed at {failed.id} as expected, but the diagnosis does not mention "
                           f"{exp.diagnosis!r} (it says: {failed.cause})")
    if problems:
        return False, "; ".join(problems)
    what = f" with the expected diagnosis ({exp.diagnosis!r})" if exp.diagnosis else ""
    return True, f"failed at {failed.id} as expected{what}"


def gateway_conf(scenario: Scenario, ca_bundle: str | None) -> dict[str, Any]:
    """The tyk.conf keys the scenario's ``gateway:`` section sets (Tyk's own names:
    ``jwks.cache.timeout`` is the JWKS cache TTL, config/config.go JWKSCacheConfig), plus
    the harness's ``dcr_harness.jwks_ca_bundle`` (the real gateway's launchers turn it into
    the trust store of the gateway process)."""
    tyk_conf: dict[str, Any] = {
        "jwt_ssl_insecure_skip_verify": scenario.gateway.jwt_ssl_insecure_skip_verify,
        "jwks": {"cache": {"timeout": scenario.gateway.jwks_cache_ttl}},
    }
    jwks_ca = _with_ca(scenario.gateway.jwks_ca_bundle, ca_bundle, "gateway.jwks_ca_bundle")
    if jwks_ca:
        tyk_conf["dcr_harness"] = {"jwks_ca_bundle": jwks_ca}
    return tyk_conf


def build_world(scenario: Scenario, idp: IdpLauncher, report_dir: Path, *,
                redactor: Redactor | None = None, gateway: str = DEFAULT_GATEWAY,
                gateway_options: Mapping[str, Any] | None = None) -> tuple[World, RunContext]:
    """The (not yet started) world of one scenario run and its run context: Dashboard
    and gateway settings from the scenario, a fresh portal store under ``report_dir``,
    trust in the IdP's generated CA. ``redactor``: the run's (default: a new one).
    ``gateway`` (a kind or URL, ``--gateway``) and ``gateway_options`` (``secret``,
    ``tyk_bin``) pick the gateway launcher. Shared by :func:`run_scenario` and the
    notebooks' step-by-step :class:`harness.notebook.guide.Guide`.

    The portal is throw-away and its developer's password is the scenario's, written in
    clear: it hashes with :data:`~harness.tyk.portal.passwords.THROWAWAY_COST` (the
    argument is in :mod:`harness.tyk.portal.passwords`)."""
    ca_bundle = idp.ca_bundle
    transcript = Transcript(redactor)
    dashboard = DashboardSettings(
        oauth_redirect_uri_separator=scenario.dashboard.oauth_redirect_uri_separator,
        dcr_ssl_insecure_skip_verify=scenario.dashboard.dcr_ssl_insecure_skip_verify,
        dcr_ca_bundle=_with_ca(scenario.dashboard.dcr_ca_bundle, ca_bundle, "dashboard.dcr_ca_bundle"),
    )
    import secrets

    dashboard.admin_secret = secrets.token_urlsafe(16)
    transcript.redactor.add(dashboard.admin_secret, scenario.idp.admin_password)
    tyk_conf = gateway_conf(scenario, ca_bundle)
    store = report_dir / "portal.sqlite"
    if store.exists():
        store.unlink()
    # The harness's own IdP clients (admin console, discovery, the developer's Postman)
    # are not Tyk: they trust the IdP's CA.
    world = World(idp, transcript=transcript, dashboard=dashboard, tyk_conf=tyk_conf,
                  store_path=store, manage_idp=False, idp_ca_bundle=ca_bundle, gateway=gateway,
                  gateway_options=gateway_options, report_dir=report_dir, password_cost=THROWAWAY_COST)
    move_gateway_clock(world, scenario.gateway.clock_offset_seconds)
    ctx = RunContext(scenario=scenario, world=world)
    if ca_bundle:
        ctx.facts["idp.ca_bundle"] = ca_bundle
    return world, ctx


def move_gateway_clock(world: World, offset: int) -> None:
    """``gateway.clock_offset_seconds``: the gateway's clock runs ``offset`` seconds off this
    machine's (clock skew between IdP and gateway). Only a gateway whose clock the World can
    replace takes it (World.clock); any other is a ConfigError before the run starts, never a
    run that silently keeps the machine's clock."""
    if not offset:
        return
    try:
        world.clock = lambda: time.time() + offset
    except ConfigError as exc:
        raise ConfigError(f"gateway.clock_offset_seconds: {exc.message}", hint=exc.hint) from None


def run_scenario(
    scenario: Scenario,
    *,
    report_dir: Path,
    idp_kind: str | None = None,
    scenario_file: str | None = None,
    on_step: OnStep | None = None,
    launcher: IdpLauncher | None = None,
    world_hook: Callable[[World], None] | None = None,
    redactor: Redactor | None = None,
    gateway: str = DEFAULT_GATEWAY,
    gateway_options: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> RunResult:
    """Run ``scenario``'s steps in a fresh world and return every step's result.

    ``launcher`` replaces the scenario's IdP launcher (made from the file and ``idp_kind``
    otherwise); it is stopped at the end (a suite's shared launcher ignores that:
    :class:`harness.scenario.suite.SharedLauncher`). ``redactor`` is the run's (the CLI's,
    the check run's; default: a new one), carried by the result for its reports.
    ``gateway`` (a launcher kind or a URL, ``--gateway``) and ``gateway_options``
    (``secret``, ``tyk_bin``) choose the gateway; ``names`` renames the launcher options in
    errors (:func:`make_idp`); ``world_hook`` runs once the world (gateway, portal,
    upstream) has started, before the first step."""
    report_dir.mkdir(parents=True, exist_ok=True)
    idp = with_network_faults(scenario, launcher or make_idp(scenario, idp_kind, report_dir, names=names))
    world, ctx = build_world(scenario, idp, report_dir, redactor=redactor, gateway=gateway,
                             gateway_options=gateway_options)
    result = RunResult(
        scenario=scenario.name, scenario_file=scenario_file,
        idp={"kind": idp.kind, "profile": idp.profile, "version": idp.version},
        started=_now(),
        expected_failure=scenario.expect.model_dump() if scenario.expect.fail_at else None,
        redactor=world.redactor,
    )
    idp_started = False
    try:
        world.start()
        gw = world.gateway_launcher
        result.gateway = {"kind": gw.kind, "version": gw.version, "base_url": gw.base_url}
        if world_hook:
            world_hook(world)
        failed = False
        step: Step | None = None
        try:
            for step in plan_for(ctx):
                if failed:
                    if step.id == "delete-client" and "client.id" in ctx.facts:
                        _finish(result, run_step(ctx, step), on_step)
                    else:
                        _finish(result, StepResult(step.id, step.title, Verdict.SKIP,
                                                   evidence="not run: an earlier step failed"), on_step)
                    continue
                sr = run_step(ctx, starting_idp(step) if step.id == "idp-start" else step)
                if step.id == "idp-start":
                    idp_started = sr.verdict is Verdict.PASS or idp_started
                _finish(result, sr, on_step)
                failed = sr.verdict is Verdict.FAIL
        except KeyboardInterrupt:
            # Ctrl-C: the step in progress fails, the cleanup still runs and the faces
            # still write the report (exit 130, harness.cli.main).
            result.interrupted = True
            if step is not None and all(s.id != step.id for s in result.steps):
                _finish(result, StepResult(step.id, step.title, Verdict.FAIL, error="interrupted (Ctrl-C)",
                                           cause="interrupted (Ctrl-C)",
                                           exchanges=world.transcript.for_step(step.id)), on_step)
        if idp_started:
            _reconcile(ctx, result)
        result.idp["version"] = idp.version
        result.idp["base_url"] = idp.base_url if idp_started else None
    finally:
        world.stop()
        try:
            idp.stop()
        except Exception as exc:  # never mask the run's own outcome
            log.warning("stopping the IdP failed: %s", world.redactor.error(exc))
        result.finished = _now()
    return result


def _reconcile(ctx: RunContext, result: RunResult) -> None:
    """Nothing left behind (harness.scenario.cleanup); a second Ctrl-C ends it."""
    deleted = any(s.id == "delete-client" and s.verdict is Verdict.PASS for s in result.steps)
    try:
        rec = reconcile(ctx, client_deleted=deleted)
    except KeyboardInterrupt:
        result.interrupted = True
        result.leftovers.append(Leftover(ctx.facts.get("client.id"), ctx.client_name,
                                         "the cleanup was interrupted (Ctrl-C)", "run the cleanup again by hand"))
        return
    result.cleanup.extend(rec.notes)
    result.leftovers.extend(rec.leftovers)


def starting_idp(step: Step, on_started: Callable[[], None] | None = None) -> Step:
    """The ``idp-start`` step preceded by starting the world's IdP, so that a launch
    failure is that step's failure. Used by the runner and the notebooks' Guide, which
    own the IdP's lifetime (``serve`` starts it with its World instead)."""
    def run(ctx: RunContext) -> str:
        ctx.world.idp.start()
        if on_started is not None:
            on_started()
        return step.run(ctx)

    return Step(step.id, step.title, run)


def _finish(result: RunResult, sr: StepResult, on_step: OnStep | None) -> None:
    result.steps.append(sr)
    if on_step:
        on_step(sr)


def run_step(ctx: RunContext, step: Step) -> StepResult:
    """Perform one step of a run and judge it: PASS with its evidence, or FAIL with the
    cause (the diagnosis of :mod:`harness.scenario.diagnosis` when one matches) and the
    fix; never raises for a failing step. Its HTTP exchanges are those the world's
    transcript recorded under the step's id. The runner and the notebooks' Guide run
    every step through here, so a failure reads the same in a report and in a notebook."""
    transcript = ctx.world.transcript
    transcript.current_step = step.id
    ctx.idp_stored = {}
    t0 = time.perf_counter()
    verdict, evidence, error, fix = Verdict.PASS, "", None, None
    try:
        evidence = step.run(ctx)
    except StepFailure as exc:
        verdict, error, fix = Verdict.FAIL, exc.cause, exc.fix
    except requests.RequestException as exc:
        # A network fault on a call the step made itself: the step fails with its cause.
        verdict, error = Verdict.FAIL, f"{_request_what(exc)}: {describe_transport_error(exc)}"
    except (HarnessError, RegistrarError) as exc:
        # HarnessError.message is the line without its hint: the hint becomes the fix.
        verdict, error = Verdict.FAIL, exc.message if isinstance(exc, HarnessError) else str(exc)
        fix = getattr(exc, "hint", None)
    except Exception as exc:  # a bug in the harness, not in the setup: say so
        log.error("step %s crashed: %s", step.id, ctx.redactor.traceback(exc))
        verdict, error = Verdict.FAIL, f"internal error in the harness: {type(exc).__name__}: {exc}"
    finally:
        transcript.current_step = None
    # Exceptions are redacted here, where they become the step's result (harness.core.redact).
    redactor = ctx.redactor
    sr = StepResult(step.id, step.title, verdict, evidence=redactor.text(evidence or ""),
                    duration_ms=(time.perf_counter() - t0) * 1000.0, exchanges=transcript.for_step(step.id),
                    idp_stored=redactor.value(ctx.idp_stored))
    ctx.idp_stored = {}
    if verdict is Verdict.FAIL:
        sr.error = redactor.text(error or "")
        fix = redactor.text(fix) if fix else fix
        diag = diagnose(step.id, sr.error)
        if diag:
            sr.cause = f"{diag[0]} [{sr.error}]"
            sr.fix = fix or diag[1]
        else:
            sr.cause = sr.error
            sr.fix = fix
    return sr


def _request_what(exc: requests.RequestException) -> str:
    req = exc.request
    return f"{req.method} {req.url}" if req is not None and req.url else "an HTTP call"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def default_report_dir() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("reports") / stamp


class ScenarioGuideRunner:
    """The scenario runner as the conformance guide plan's runner
    (:class:`harness.conformance.guide_runner.GuideRunner`), supplied by the faces in
    :attr:`harness.conformance.context.CheckContext.guide_runner`; the guide runs on the
    gateway the face chose (``--gateway``, ``--gateway-secret``, ``--tyk-bin``)."""

    def __init__(self, gateway: str = DEFAULT_GATEWAY, gateway_options: Mapping[str, Any] | None = None) -> None:
        self.gateway = gateway
        self.gateway_options = dict(gateway_options or {})

    def load(self, path: Path) -> Scenario:
        return load_scenario(path)

    def run(self, scenario: Scenario, *, launcher: IdpLauncher, report_dir: Path,
            scenario_file: str, redactor: Redactor) -> list[StepResult]:
        """The guide's steps; the plan is SKIP with the registry's reason when this machine
        cannot run the chosen gateway (no Tyk binary, no Docker engine): a gateway that cannot
        start says nothing about the IdP under test."""
        from harness.conformance.context import Skip
        from harness.launchers.registry import resolve, unavailable

        kind, _ = resolve(self.gateway, role="gateway", option="--gateway")
        reason = unavailable(kind, "gateway", **self.gateway_options)
        if reason is not None:
            raise Skip(reason)
        try:
            return run_scenario(scenario, report_dir=report_dir, launcher=launcher, scenario_file=scenario_file,
                                redactor=redactor, gateway=self.gateway, gateway_options=self.gateway_options).steps
        except LaunchError as exc:  # the gateway did not start (the IdP is started by the plan's owner)
            raise Skip(f"the {kind} gateway could not be started: {redactor.error(exc)}") from None
