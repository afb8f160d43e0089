"""Verdict shapes several conditions share: a needed exchange or SKIP, an error answer
with an exact ``"<status> <error>"`` (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2),
and response headers that must carry a directive or an authentication scheme."""

from __future__ import annotations

from harness.conformance.checks.common import ABSENT, error_description, header, no_answer, outcome
from harness.conformance.context import Skip
from harness.conformance.model import Observation, Result
from harness.core.transcript import Exchange

Evidence = tuple[str, ...] | None


def answered_or_skip(obs: Observation, name: str, what: str) -> Exchange:
    """Exchange ``name`` when it got an HTTP answer; else SKIP (another check judges that)."""
    ex = obs.ex(name)
    msg = no_answer(ex, what)
    if msg:
        raise Skip(msg)
    assert ex is not None
    return ex


def refused_with(ex: Exchange, expected: str, *, also: tuple[str, ...] = (), evidence: Evidence = None) -> Result:
    """PASS when the answer is ``expected`` (or one of ``also``), e.g. ``"401 invalid_token"``."""
    got = outcome(ex)
    if got == expected or got in also:
        return Result.ok(f"{got}{error_description(ex)}", expected=expected, actual=got, evidence=evidence)
    return Result.fail(f"answered {got}{error_description(ex)}", expected=expected, actual=got, evidence=evidence)


def answered_refused_with(
    obs: Observation, name: str, what: str, expected: str, *, also: tuple[str, ...] = (), evidence: Evidence = None
) -> Result:
    """:func:`refused_with` for exchange ``name``; FAIL when it was not sent or got no answer."""
    ex = obs.ex(name)
    msg = no_answer(ex, what)
    if msg:
        return Result.fail(msg, expected=expected, actual=None, evidence=evidence)
    assert ex is not None
    return refused_with(ex, expected, also=also, evidence=evidence)


def header_has(ex: Exchange, name: str, directive: str, *, evidence: Evidence = None) -> Result:
    """PASS when response header ``name`` contains ``directive`` (case-insensitive), e.g.
    ``Cache-Control: no-store`` / ``Pragma: no-cache`` (RFC 6749 §5.1)."""
    value = header(ex, name)
    if value and directive in value.lower():
        return Result.ok(f"{name}: {value}", expected=directive, actual=value, evidence=evidence)
    return Result.fail(f"{name} is {value or 'absent'}", expected=directive, actual=value or ABSENT, evidence=evidence)


def auth_challenge(ex: Exchange, scheme: str, *, evidence: Evidence = None) -> Result:
    """PASS when ``WWW-Authenticate`` names ``scheme`` (RFC 6749 §5.2 Basic, RFC 6750 §3 Bearer)."""
    value = header(ex, "www-authenticate")
    if value and value.lower().startswith(scheme.lower()):
        return Result.ok(f"WWW-Authenticate: {value}", expected=f"{scheme} ...", actual=value, evidence=evidence)
    return Result.fail(f"WWW-Authenticate is {value or 'absent'}", expected=f"{scheme} ...", actual=value or ABSENT,
                       evidence=evidence)
