"""The conformance engine: a catalogue of checks, one id, one spec reference, one level
(MUST / SHOULD / QUIRK) and one verdict (PASS / FAIL / WARN / SKIP) with the HTTP
exchanges as evidence; plans that group them; and the known deviations of each IdP
profile (shared/reference/checks.md, shared/STYLE.md §3).

Entry points: :func:`harness.conformance.engine.run_checks` (and
:class:`~harness.conformance.context.CheckContext`), :mod:`harness.conformance.plans`
for plan names, :mod:`harness.conformance.registry` for the catalogue.
"""

from harness.conformance.model import Check, CheckResult, CheckRun, Level, Observation, Result, Verdict

__all__ = ["Check", "CheckResult", "CheckRun", "Level", "Observation", "Result", "Verdict"]
