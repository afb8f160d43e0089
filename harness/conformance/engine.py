"""Run checks: observe (probe, memoised), judge (condition), apply the level rules and
the quirks declared by the profile instance under test (``CheckContext.idp_profile``;
each product derives them in ``harness/products/<product>/quirks.py``), and always clean
up (RFC 7592 §2.3 delete of every client created) — also when a check fails or raises
midway."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable

from harness.conformance.context import CheckContext, Skip
from harness.conformance.model import Check, CheckResult, CheckRun, Level, Result, Verdict
from harness.conformance.spec import spec_label, spec_url
from harness.core.transcript import Exchange
from harness.products import quirk
from harness.products.detect import ProductProfile, quirks_for
from harness.registrar.errors import RegistrarError

log = logging.getLogger(__name__)

OnResult = Callable[[CheckResult], None]


def judge(check: Check, ctx: CheckContext) -> tuple[Result, list[Exchange]]:
    """The raw condition result for ``check`` (before level and quirk rules) and the
    exchanges that are its evidence."""
    try:
        obs = ctx.observe(check.probe)
    except Skip as exc:
        return Result.skip(str(exc)), []
    except RegistrarError as exc:
        return Result.fail(f"the IdP did not answer as needed: {exc}"), []
    except Exception as exc:  # a bug in the harness, not a verdict on the IdP: say so (logged once by observe)
        return Result.fail(f"internal error in the harness (probe {check.probe}): {type(exc).__name__}: {exc}"), []
    try:
        res = check.condition(obs)
    except Skip as exc:
        return Result.skip(str(exc)), []
    except Exception as exc:
        log.error("check %s crashed: %s", check.id, ctx.redactor.traceback(exc))
        return Result.fail(f"internal error in the harness (check {check.id}): {type(exc).__name__}: {exc}"), []
    names = res.evidence if res.evidence is not None else tuple(obs.exchanges)
    return res, [obs.exchanges[n] for n in names if n in obs.exchanges]


def finalize(check: Check, res: Result, profile: ProductProfile | None, duration_ms: float = 0.0,
             exchanges: list[Exchange] | None = None) -> CheckResult:
    """Apply the verdict rules (model.py docstring) and build the reported result;
    ``profile`` is the profile instance under test (``None``: generic, no quirks)."""
    level, verdict, message, quirk_info = check.level, res.verdict, res.message, None
    declared = quirk.find(quirks_for(profile), check.id)
    name = profile.product if profile is not None else ""
    if verdict in (Verdict.FAIL, Verdict.WARN):
        q = quirk.match(declared, check.id, res.actual)
        if q is not None:
            level, verdict = Level.QUIRK, Verdict.WARN
            message = f"{message} — known {name} deviation: {q.note} (source: {q.source})"
            quirk_info = {"note": q.note, "source": q.source}
        elif verdict is Verdict.FAIL and check.level is not Level.MUST:
            verdict = Verdict.WARN
    elif verdict is Verdict.PASS:
        if declared:
            message = (f"{message} (a {name} deviation is declared for this check — "
                       f"{declared[0].note} — but was not observed)")
    return CheckResult(
        id=check.id, title=check.title, spec=check.spec, spec_url=spec_url(check.spec),
        spec_label=spec_label(check.spec), level=level, declared_level=check.level, plan=check.plan,
        verdict=verdict, message=message, expected=res.expected, actual=res.actual,
        exchanges=list(exchanges or []), quirk=quirk_info, duration_ms=duration_ms,
    )


def run_check(check: Check, ctx: CheckContext) -> CheckResult:
    t0 = time.perf_counter()
    res, exchanges = judge(check, ctx)
    result = finalize(check, res, ctx.idp_profile, (time.perf_counter() - t0) * 1000.0, exchanges)
    # The message may quote an IdP's answer or an exception: redacted here, with the
    # run's redactor, before any face shows it (reports redact once more).
    return dataclasses.replace(result, message=ctx.redactor.text(result.message))


def run_checks(ctx: CheckContext, checks: Iterable[Check], *, plans: list[str] | None = None,
               on_result: OnResult | None = None, on_start: Callable[[Check], None] | None = None) -> CheckRun:
    """Run ``checks`` in order against ``ctx`` and clean up afterwards, whatever happens."""
    checks = list(checks)
    run = CheckRun(issuer=ctx.issuer, profile=ctx.profile,
                   plans=plans or list(dict.fromkeys(c.plan for c in checks)), started=_now(),
                   redactor=ctx.redactor)
    try:
        for check in checks:
            if on_start:
                on_start(check)
            r = run_check(check, ctx)
            run.results.append(r)
            if on_result:
                on_result(r)
    finally:
        run.cleanup = ctx.cleanup()
        run.finished = _now()
        run.guide_exchanges = guide_exchanges(ctx)
    return run


def guide_exchanges(ctx: CheckContext) -> list[Exchange]:
    """The guide flow's exchanges when the guide plan ran (for the sequence diagram)."""
    try:
        obs = ctx._observations.get("guide")  # noqa: SLF001 - the engine owns the memo
    except AttributeError:
        return []
    if obs is None or isinstance(obs, BaseException):
        return []
    return list(obs.facts.get("all_exchanges", []))


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
