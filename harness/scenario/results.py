"""What a scenario run produced: one :class:`StepResult` per step, the :class:`RunResult`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from harness.conformance.model import Verdict
from harness.core.redact import Redactor
from harness.core.transcript import Exchange


@dataclass
class StepResult:
    id: str
    title: str
    verdict: Verdict
    evidence: str = ""
    error: str | None = None
    cause: str | None = None
    fix: str | None = None
    duration_ms: float = 0.0
    exchanges: list[Exchange] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    #: What the IdP stored for the client the step registered, read through its admin API
    #: (``oauth-client-wizard``; harness.scenario.idp_view): StoredClient.to_dict(), or
    #: ``{"note": why it is not shown}``. Empty for every other step.
    idp_stored: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["verdict"] = self.verdict.value
        return d


@dataclass
class RunResult:
    scenario: str
    scenario_file: str | None
    idp: dict[str, Any]
    started: str
    finished: str = ""
    steps: list[StepResult] = field(default_factory=list)
    expected_failure: dict[str, Any] | None = None
    #: The gateway the run used: kind, version (Tyk's, from ``/hello``; None for the
    #: harness's own), base_url. Empty when the world did not start.
    gateway: dict[str, Any] = field(default_factory=dict)
    #: Ctrl-C stopped the run (the cleanup still ran; the CLI exits 130).
    interrupted: bool = False
    #: What the cleanup did after a failure (harness.scenario.cleanup).
    cleanup: list[str] = field(default_factory=list)
    #: Clients still at the IdP, each with the way to remove it
    #: (harness.scenario.cleanup.Leftover).
    leftovers: list[Any] = field(default_factory=list)
    #: The run's redactor (its world's): every report of this run redacts with it.
    redactor: Redactor = field(default_factory=Redactor, repr=False, compare=False)

    @property
    def failed_step(self) -> StepResult | None:
        return next((s for s in self.steps if s.verdict is Verdict.FAIL), None)

    @property
    def passed(self) -> bool:
        return self.failed_step is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "scenario_file": self.scenario_file,
            "idp": self.idp,
            "gateway": self.gateway,
            "started": self.started,
            "finished": self.finished,
            "passed": self.passed,
            "failed_step": self.failed_step.id if self.failed_step else None,
            "expected_failure": self.expected_failure,
            "steps": [s.to_dict() for s in self.steps],
            "interrupted": self.interrupted,
            "cleanup": list(self.cleanup),
            "leftovers": [x.to_dict() for x in self.leftovers],
        }
