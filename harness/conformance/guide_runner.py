"""What the guide plan (:mod:`harness.conformance.checks.guide`) needs from whoever runs a
Tyk guide scenario end to end.

The scenario runner sits above conformance (shared/DESIGN.md: faces → report → scenario →
conformance), so the plan does not import it: a face (``dcr-harness check``, the pytest
plugin) puts a :class:`GuideRunner` into the :class:`~harness.conformance.context.CheckContext`
(``guide_runner``), and without one the guide plan is SKIP with the reason. The scenario
package's :class:`harness.scenario.runner.ScenarioGuideRunner` is the implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from harness.conformance.model import Verdict
from harness.core.redact import Redactor
from harness.core.transcript import Exchange
from harness.products.base import IdpLauncher


class GuideStep(Protocol):
    """One performed guide step, as the guide plan's checks judge it
    (:class:`harness.scenario.results.StepResult` has this shape)."""

    id: str
    verdict: Verdict
    evidence: str
    cause: str | None
    error: str | None
    fix: str | None
    exchanges: list[Exchange]


class GuideRunner(Protocol):
    """Loads a guide scenario and runs it against an IdP someone else started."""

    def load(self, path: Path) -> Any:
        """The scenario in ``path`` (a YAML file under ``scenarios/``); the plan adjusts
        ``idp.realm``, ``idp.initial_access_token`` and reads ``idp``'s Gluu settings."""
        ...

    def run(self, scenario: Any, *, launcher: IdpLauncher, report_dir: Path, scenario_file: str,
            redactor: Redactor) -> Sequence[GuideStep]:
        """Every step of ``scenario`` in order against ``launcher`` (already running: its
        ``start``/``stop`` are the owner's), deleting the client it registered
        (RFC 7592 §2.3) even when a step fails; ``redactor`` is the check run's."""
        ...
