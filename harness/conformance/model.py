"""The check model: :class:`Level`, :class:`Check` (registration), :class:`Observation`
(what a probe saw), :class:`Result` (what a condition concluded) and
:class:`CheckResult` / :class:`CheckRun` (what reports are written from).

Shape after the OpenID conformance suite (shared/STYLE.md §3): a *probe* performs HTTP
and records redacted exchanges; a *condition* is a pure function of that observation
returning a verdict, a short message and ``expected``/``actual``; the registration
sets the spec reference and the level.

Verdict rules (documented in docs/conformance.md):

* a condition returns PASS, FAIL, WARN or SKIP;
* FAIL on a SHOULD check becomes WARN (only a MUST can fail a run);
* FAIL or WARN whose ``actual`` matches a deviation declared for the IdP profile instance
  under test (:mod:`harness.products.quirk`, derived per product and version by
  ``harness/products/<product>/quirks.py``) becomes level QUIRK, verdict WARN, with the
  quirk's note and source in the message — shown, never silently passed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from harness.conformance.checks.common import body_json
from harness.core.redact import Redactor
from harness.core.transcript import Exchange

__all__ = ["Level", "Verdict", "Observation", "Result", "Check", "CheckResult", "CheckRun", "Condition"]


class Verdict(str, enum.Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    WARN = "WARN"
    SKIP = "SKIP"


class Level(str, enum.Enum):
    """How binding the requirement is."""

    #: A specification requirement (MUST / REQUIRED / SHALL): a FAIL fails the run.
    MUST = "MUST"
    #: A recommendation (SHOULD / RECOMMENDED) or a compatibility expectation: never FAIL, WARN instead.
    SHOULD = "SHOULD"
    #: A known product behaviour the harness reproduces or tolerates, declared per
    #: profile with its source: reported WARN with the note.
    QUIRK = "QUIRK"


@dataclass
class Observation:
    """What a probe saw: named HTTP exchanges (already redacted) and derived facts.

    Conditions read only this, so unit tests can hand them fake exchanges."""

    exchanges: dict[str, Exchange] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def ex(self, name: str) -> Exchange | None:
        return self.exchanges.get(name)

    def json(self, name: str) -> Any:
        """The response body of exchange ``name`` parsed as JSON, or ``None``."""
        return body_json(self.exchanges.get(name))


@dataclass
class Result:
    """A condition's conclusion. ``evidence`` names the exchanges that prove it
    (default: every exchange of the observation)."""

    verdict: Verdict
    message: str
    expected: Any = None
    actual: Any = None
    evidence: tuple[str, ...] | None = None

    @classmethod
    def ok(cls, message: str, *, expected: Any = None, actual: Any = None,
           evidence: tuple[str, ...] | None = None) -> Result:
        return cls(Verdict.PASS, message, expected, actual, evidence)

    @classmethod
    def fail(cls, message: str, *, expected: Any = None, actual: Any = None,
             evidence: tuple[str, ...] | None = None) -> Result:
        return cls(Verdict.FAIL, message, expected, actual, evidence)

    @classmethod
    def warn(cls, message: str, *, expected: Any = None, actual: Any = None,
             evidence: tuple[str, ...] | None = None) -> Result:
        return cls(Verdict.WARN, message, expected, actual, evidence)

    @classmethod
    def skip(cls, reason: str) -> Result:
        return cls(Verdict.SKIP, reason)


Condition = Callable[[Observation], Result]


@dataclass(frozen=True)
class Check:
    """One registered check: stable ``id``, ``title`` (a sentence), the ``spec``
    reference it enforces (a key of :mod:`harness.conformance.spec`), its ``level``,
    the ``plan`` it belongs to, the ``probe`` whose observation it judges, and the
    pure ``condition``. ``see`` lists further references."""

    id: str
    title: str
    spec: str
    level: Level
    plan: str
    probe: str
    condition: Condition
    see: tuple[str, ...] = ()

    @property
    def doc(self) -> str:
        """The condition's docstring, first paragraph (used by the generated catalogue)."""
        text = (self.condition.__doc__ or "").strip()
        return " ".join(text.split("\n\n")[0].split())


@dataclass
class CheckResult:
    """One check's outcome, as every report shows it."""

    id: str
    title: str
    spec: str
    spec_url: str
    spec_label: str
    level: Level
    declared_level: Level
    plan: str
    verdict: Verdict
    message: str
    expected: Any = None
    actual: Any = None
    exchanges: list[Exchange] = field(default_factory=list)
    quirk: dict[str, str] | None = None
    duration_ms: float = 0.0

    @property
    def fails_run(self) -> bool:
        """A failed MUST: the one outcome that makes ``dcr-harness check`` exit 1."""
        return self.verdict is Verdict.FAIL and self.level is Level.MUST

    def to_dict(self, redactor: Redactor) -> dict[str, Any]:
        """The result for ``report.json``, redacted with the run's ``redactor``."""
        return {
            "id": self.id,
            "title": self.title,
            "spec": self.spec,
            "spec_label": self.spec_label,
            "spec_url": self.spec_url,
            "level": self.level.value,
            "declared_level": self.declared_level.value,
            "plan": self.plan,
            "verdict": self.verdict.value,
            "message": redactor.text(self.message),
            "expected": redactor.value(self.expected),
            "actual": redactor.value(self.actual),
            "quirk": self.quirk,
            "duration_ms": round(self.duration_ms, 1),
            "exchanges": [redactor.value(e.to_dict()) for e in self.exchanges],
        }


@dataclass
class CheckRun:
    """A whole ``dcr-harness check`` run: what was checked, against what, and the results."""

    issuer: str
    profile: str
    plans: list[str]
    started: str
    finished: str = ""
    results: list[CheckResult] = field(default_factory=list)
    #: Clients created and deleted (RFC 7592 §2.3) — and any that could not be deleted.
    cleanup: dict[str, Any] = field(default_factory=dict)
    idp: dict[str, Any] = field(default_factory=dict)
    #: Exchanges of the guide plan, in order (for the sequence diagram).
    guide_exchanges: list[Exchange] = field(default_factory=list)
    #: The run's redactor (its CheckContext's): every report of this run redacts with it.
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)

    @property
    def failed_musts(self) -> list[CheckResult]:
        return [r for r in self.results if r.fails_run]

    @property
    def passed(self) -> bool:
        return not self.failed_musts

    def counts(self) -> dict[str, int]:
        out = {v.value: 0 for v in Verdict}
        out["QUIRK"] = 0
        for r in self.results:
            out[r.verdict.value] += 1
            if r.level is Level.QUIRK:
                out["QUIRK"] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "dcr-harness check",
            "issuer": self.issuer,
            "profile": self.profile,
            "plans": self.plans,
            "idp": self.idp,
            "started": self.started,
            "finished": self.finished,
            "passed": self.passed,
            "counts": self.counts(),
            "failed_musts": [r.id for r in self.failed_musts],
            "cleanup": self.redactor.value(self.cleanup),
            "results": [r.to_dict(self.redactor) for r in self.results],
        }
