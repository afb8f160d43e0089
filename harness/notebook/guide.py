"""Run a guide one step at a time — the API the learner notebooks use.

``Guide.open("scenarios/keycloak.yaml", idp="emulator")`` builds the same world as
``dcr-harness run`` (IdP launcher, portal, gateway, upstream: via
:func:`harness.scenario.runner.build_world`) and the same plan of steps
(:func:`harness.scenario.steps.plan_for`), and then lets the caller perform the
steps in order with :meth:`Guide.run`, looking at the facts learned, the HTTP
exchanges of each step (already redacted), the tokens, and the gateway's decisions
between steps. Every step runs through the runner's own
:func:`~harness.scenario.runner.run_step`, so a failure gets the same cause and fix as
in a CLI report. A guide is one run with one redactor (:attr:`Guide.redactor`,
harness.core.redact); pass it to the display helpers to scrub the run's secrets from
anything else shown.

Rules: steps run in the plan's order; a later step asked for first is an error
naming the step to run next; a failed step may be re-run (after fixing something,
e.g. Gluu's ``jwksAlgorithmsSupported``) and blocks the steps after it, except the
clean-up step. ``close()`` (or leaving a ``with`` block) deletes the OAuth client if
one was registered and stops every server the guide started.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError, HarnessError
from harness.core.redact import Redactor
from harness.core.transcript import Exchange
from harness.launchers.registry import DEFAULT_GATEWAY, resolve, spec, url_kind
from harness.products.base import IdpLauncher
from harness.scenario.loader import load_scenario
from harness.scenario.results import StepResult
from harness.scenario.runner import build_world, make_idp, run_step, starting_idp, with_network_faults
from harness.scenario.schema import Scenario
from harness.scenario.steps import Step, plan_for

log = logging.getLogger(__name__)

Expect = Literal["pass", "fail", "any"]

#: Facts holding secrets: ``Guide.facts`` shows them masked.
SECRET_FACTS = frozenset({"initial_access_token", "client.secret", "access_token"})


class GuideError(HarnessError):
    """The guide was used the wrong way (a step out of order, an unknown step, closed)."""


class StepOutcomeError(HarnessError):
    """A step did not end as the caller expected; ``result`` is its :class:`StepResult`."""

    def __init__(self, message: str, result: StepResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class StepInfo:
    id: str
    title: str


@dataclass(frozen=True)
class DecodedJwt:
    """A JWT's header and claims, decoded *without* verification (display only,
    RFC 7519 §7.2 minus the signature check); the signature is never kept."""

    name: str
    header: dict[str, Any]
    claims: dict[str, Any]


def project_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above ``start`` (default: the working directory)
    holding this project's ``pyproject.toml`` and ``scenarios/``."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "pyproject.toml").is_file() and (d / "scenarios").is_dir():
            return d
    return None


def resolve_scenario_path(path: str | Path) -> Path:
    """``path`` as given if it exists, else relative to the project root (notebooks
    run with ``notebooks/`` as their working directory)."""
    p = Path(path)
    if p.exists() or p.is_absolute():
        return p
    root = project_root()
    if root is not None and (root / p).exists():
        return root / p
    return p


def _default_report_dir(stem: str) -> Path:
    root = project_root()
    base = (root / "reports" / "guide") if root is not None else Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix=f"{stem}-{stamp}-", dir=base))


_OPEN: weakref.WeakSet[Guide] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:  # a notebook kernel that exits leaves no server behind
    for g in list(_OPEN):
        g.close()


class Guide:
    """One scenario, run step by step. Build it with :meth:`Guide.open`."""

    def __init__(self, scenario: Scenario, launcher: IdpLauncher, report_dir: Path,
                 scenario_file: str | None = None, *, redactor: Redactor | None = None,
                 gateway: str = DEFAULT_GATEWAY, gateway_options: dict[str, Any] | None = None) -> None:
        self.scenario = scenario
        self.scenario_file = scenario_file
        self.report_dir = report_dir
        self.idp = launcher
        self.world, self.ctx = build_world(scenario, launcher, report_dir, redactor=redactor, gateway=gateway,
                                           gateway_options=gateway_options)
        self._plan: list[Step] = plan_for(self.ctx)
        self._results: dict[str, StepResult] = {}
        self._done = 0  # index of the next step in the plan
        self._closed = False
        self._idp_started = False
        try:
            self.world.start()
        except BaseException:
            self.world.stop()
            raise
        _OPEN.add(self)

    # ---- building -------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        scenario: str | Path | Scenario,
        *,
        idp: str | None = None,
        idp_url: str | None = None,
        launcher: IdpLauncher | None = None,
        report_dir: str | Path | None = None,
        gateway: str = DEFAULT_GATEWAY,
        gateway_secret: str | None = None,
        tyk_bin: str | Path | None = None,
    ) -> Guide:
        """Open ``scenario`` (a YAML path, or a loaded :class:`Scenario`).

        ``gateway`` picks the gateway as ``--gateway`` does: ``"harness"`` (default, the
        harness's own), ``"tyk-oss"`` (the real Tyk gateway; ``tyk_bin`` as ``--tyk-bin``),
        ``"container"``, or a URL of a running Tyk gateway with ``gateway_secret``.

        ``idp`` picks the launcher as ``--idp`` does: a kind of the launcher registry
        (:data:`harness.launchers.registry.KINDS`; ``external`` with ``idp_url``) or a URL
        (then ``external``, as ``idp_url`` alone); ``None`` keeps the scenario's. ``launcher`` gives a ready-made (unstarted, or
        externally run) launcher instead, e.g. a Gluu emulator with a chosen key seed.
        Nothing is registered anywhere until the first steps run."""
        source: str | None = None
        if isinstance(scenario, Scenario):
            sc = scenario
        else:
            path = resolve_scenario_path(scenario)
            sc = load_scenario(path)
            source = str(scenario)
        kind, url = resolve(idp, option="idp") if idp is not None else (url_kind() if idp_url else None, None)
        if kind is not None and spec(kind).url:
            url = url or idp_url
            if not url:
                raise ConfigError(f"idp={kind!r} needs idp_url (the base URL of a running Keycloak)")
            sc = sc.model_copy(update={"idp": sc.idp.model_copy(update={"launcher": kind, "url": url})})
        stem = Path(source).stem if source else "scenario"
        out = Path(report_dir) if report_dir is not None else _default_report_dir(stem)
        out.mkdir(parents=True, exist_ok=True)
        resolve(gateway, role="gateway", option="gateway")
        chosen = with_network_faults(sc, launcher or make_idp(sc, kind, out))
        return cls(sc, chosen, out, scenario_file=source, gateway=gateway,
                   gateway_options={"secret": gateway_secret, "tyk_bin": str(tyk_bin) if tyk_bin else None})

    # ---- the plan ---------------------------------------------------------------------
    @property
    def redactor(self) -> Redactor:
        """This guide's run redactor: it knows every secret the guide has seen."""
        return self.world.redactor

    @property
    def steps(self) -> list[StepInfo]:
        """The steps of this guide, in the order they run."""
        return [StepInfo(s.id, s.title) for s in self._plan]

    @property
    def next_step(self) -> str | None:
        """The id of the step :meth:`run` performs when called without one."""
        return self._plan[self._done].id if self._done < len(self._plan) else None

    @property
    def results(self) -> list[StepResult]:
        """The latest result of every step run so far, in plan order."""
        return [self._results[s.id] for s in self._plan if s.id in self._results]

    def result(self, step_id: str) -> StepResult:
        self._index(step_id)
        if step_id not in self._results:
            raise GuideError(f"step {step_id!r} has not run yet")
        return self._results[step_id]

    def _index(self, step_id: str) -> int:
        for i, s in enumerate(self._plan):
            if s.id == step_id:
                return i
        raise GuideError(f"this guide has no step {step_id!r}; its steps are: "
                         + ", ".join(s.id for s in self._plan))

    # ---- running ------------------------------------------------------------------------
    def run(self, step_id: str | None = None, *, expect: Expect = "pass") -> StepResult:
        """Perform ``step_id`` (default: the next step) and return its result.

        ``expect`` is how the step should end: ``"pass"`` (default) or ``"fail"``
        raise :class:`StepOutcomeError` (with the cause and the fix) when it ends
        otherwise; ``"any"`` never raises."""
        if self._closed:
            raise GuideError("this guide is closed; open a new one to start again")
        if step_id is None:
            step_id = self.next_step
            if step_id is None:
                raise GuideError("every step of this guide has run")
        i = self._index(step_id)
        previous = self._plan[self._done - 1] if self._done else None
        retry = (previous is not None and previous.id == step_id
                 and self._results[step_id].verdict is Verdict.FAIL)
        failed_before = previous is not None and self._results[previous.id].verdict is Verdict.FAIL
        if not retry:
            if i < self._done:
                raise GuideError(f"step {step_id!r} has already run; steps run once, in order "
                                 "(open a new guide to start again)")
            if i > self._done and failed_before and step_id == "delete-client":
                # Clean-up may follow a failure at once, as in run_scenario; the steps in
                # between are skipped.
                for skipped in self._plan[self._done:i]:
                    self._results[skipped.id] = StepResult(skipped.id, skipped.title, Verdict.SKIP,
                                                           evidence="not run: an earlier step failed")
                self._done = i
                previous = None
            elif i > self._done:
                raise GuideError(f"step {step_id!r} cannot run yet: run {self._plan[self._done].id!r} "
                                 f"first (steps run in order: {', '.join(s.id for s in self._plan)})")
            if previous is not None and failed_before and step_id != "delete-client":
                raise GuideError(f"step {previous.id!r} failed: fix the cause and re-run it before "
                                 f"{step_id!r} (cause: {self._results[previous.id].cause})")
        sr = self._perform(self._plan[i])
        self._results[step_id] = sr
        if not retry:
            self._done = i + 1
        self._check(sr, expect)
        return sr

    def run_through(self, step_id: str) -> list[StepResult]:
        """Run every step up to and including ``step_id``; each must pass."""
        last = self._index(step_id)
        return [self.run(self._plan[self._done].id) for _ in range(self._done, last + 1)]

    def run_all(self) -> list[StepResult]:
        """Run the remaining steps; each must pass."""
        return [self.run() for _ in range(self._done, len(self._plan))]

    def _perform(self, step: Step) -> StepResult:
        transcript = self.world.transcript
        before = len(transcript)
        if step.id == "delete-client" and "client.id" not in self.ctx.facts:
            return StepResult(step.id, step.title, Verdict.SKIP, evidence="no OAuth client was registered")
        if step.id == "idp-start":
            step = starting_idp(step, on_started=self._mark_idp_started)
        sr = run_step(self.ctx, step)
        # A re-run step shows only its own attempt's traffic.
        sr.exchanges = [e for e in list(transcript)[before:] if e.step == step.id]
        return sr

    def _mark_idp_started(self) -> None:
        self._idp_started = True

    @staticmethod
    def _check(sr: StepResult, expect: Expect) -> None:
        if expect == "any":
            return
        if expect == "pass" and sr.verdict is Verdict.FAIL:
            fix = f" Fix: {sr.fix}" if sr.fix else ""
            raise StepOutcomeError(f"step {sr.id} failed: {sr.cause}.{fix}", sr)
        if expect == "fail" and sr.verdict is not Verdict.FAIL:
            raise StepOutcomeError(f"step {sr.id} was expected to fail, but it passed: {sr.evidence}", sr)

    # ---- what the run learned ------------------------------------------------------------
    @property
    def facts(self) -> dict[str, Any]:
        """Facts learned so far (URLs, ids, discovery document, token claims, ...) with
        every secret masked — safe to display."""
        out: dict[str, Any] = {}
        for k, v in self.ctx.facts.items():
            if k in SECRET_FACTS and isinstance(v, str) and v:
                self.redactor.add(v)
            out[k] = self.redactor.value(v, k)
        return out

    def secret(self, name: str) -> str:
        """The raw value of a secret fact (``access_token``, ``client.secret``,
        ``initial_access_token``) — to use, never to display."""
        if name not in SECRET_FACTS:
            raise GuideError(f"{name!r} is not a secret fact; read it from guide.facts")
        value = self.ctx.facts.get(name)
        if not value:
            raise GuideError(f"{name!r} is not known yet (run the step that creates it first)")
        return str(value)

    def exchanges(self, step_id: str | None = None) -> list[Exchange]:
        """The redacted HTTP exchanges of one step's latest run, or of the whole guide."""
        if step_id is None:
            return list(self.world.transcript)
        return list(self.result(step_id).exchanges)

    def tokens(self) -> dict[str, DecodedJwt]:
        """The JWTs seen so far, decoded without verification: the access token, and
        the initial and registration access tokens when they are JWTs (Keycloak)."""
        from harness.jose.tokens import NotAJwt, decode_unverified

        raw = {
            "access_token": self.ctx.facts.get("access_token"),
            "initial_access_token": self.ctx.facts.get("initial_access_token"),
            "registration_access_token": (self.ctx.facts.get("client") or {}).get("registration_access_token"),
        }
        out: dict[str, DecodedJwt] = {}
        for name, value in raw.items():
            if not value:
                continue
            try:
                header, claims = decode_unverified(str(value))
            except NotAJwt:
                continue
            out[name] = DecodedJwt(name, header, claims)
        return out

    @property
    def gateway(self) -> Any:
        """The running :class:`harness.tyk.gateway.Gateway` (the harness's own gateway;
        ``None`` for a real one, which decides in another process)."""
        return self.world.gateway

    @property
    def last_decision(self) -> Any:
        """The gateway's last :class:`harness.tyk.gateway.Decision` (status, message, stage
        and the reason Tyk would only log), or None. Only the harness's own gateway keeps
        decisions: with another gateway this is a GuideError, not a silent None."""
        if self.world.gateway is None and self.world.gateway_launcher.kind != DEFAULT_GATEWAY:
            raise GuideError(f"the {self.world.gateway_launcher.kind} gateway keeps no decision log; read "
                             "guide.result('gateway-call') (its cause quotes what Tyk logged)")
        return self.world.gateway.last_decision if self.world.gateway is not None else None

    def sequence_svg(self, step_ids: list[str] | None = None, *, title: str | None = None) -> str:
        """An inline SVG sequence diagram of the guide's exchanges (or of some steps)."""
        from harness.report.sequence import sequence_svg

        items = self.exchanges() if step_ids is None else [e for s in step_ids for e in self.exchanges(s)]
        return sequence_svg(items, title=title or self.scenario.name, uid=f"seq{id(self) % 100000}",
                            redactor=self.redactor)

    # ---- lifetime -------------------------------------------------------------------------
    def close(self) -> None:
        """Delete the OAuth client (portal and IdP, RFC 7592 §2.3) if one is still
        registered, then stop the portal, gateway, upstream and the IdP. Idempotent."""
        if self._closed:
            return
        self._closed = True
        _OPEN.discard(self)
        try:
            done = self._results.get("delete-client")
            if "client.id" in self.ctx.facts and self._idp_started and (done is None or done.verdict is Verdict.FAIL):
                from harness.scenario.steps import delete_client

                sr = run_step(self.ctx, Step("delete-client", "Clean up", delete_client))
                if sr.verdict is Verdict.FAIL:
                    log.warning("closing the guide: %s", sr.cause)  # redacted by run_step
        finally:
            self.world.stop()
            try:
                self.idp.stop()
            except Exception as exc:  # closing must not hide what the guide showed
                log.warning("stopping the IdP failed: %s", self.redactor.error(exc))

    def __enter__(self) -> Guide:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"next step {self.next_step!r}"
        return f"<Guide {self.scenario.name!r} on {self.idp.kind} ({self.idp.profile}), {state}>"
