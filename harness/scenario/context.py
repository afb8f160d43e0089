"""Run context: the scenario, the world, and facts learned so far (for placeholders)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from harness.core.errors import ConfigError
from harness.core.redact import Redactor
from harness.scenario.schema import Scenario
from harness.scenario.world import World

_PLACEHOLDER = re.compile(r"\$\{([a-z_.]+)\}")


class StepFailure(Exception):
    """A step did not do what the guide says. ``cause`` is one line; ``evidence``
    optional details for the report."""

    def __init__(self, cause: str, *, fix: str | None = None, error: BaseException | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.fix = fix
        self.error = error


@dataclass
class RunContext:
    scenario: Scenario
    world: World
    facts: dict[str, Any] = field(default_factory=dict)
    #: What the IdP stored for the client registered by the step now running, set by that
    #: step (harness.scenario.idp_view) and moved into its StepResult by the runner.
    idp_stored: dict[str, Any] = field(default_factory=dict)
    #: Names this run's OAuth client uniquely at the IdP (:attr:`client_name`).
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])

    @property
    def client_name(self) -> str:
        """The client name the wizard sends: the scenario's, tagged with the run id, so
        the cleanup can find the client through the IdP's admin API even when the
        registration answer was lost (harness.scenario.cleanup)."""
        return f"{self.scenario.client.name} [dcr-harness {self.run_id}]"

    @property
    def redactor(self) -> Redactor:
        """The run's redactor (the world's): steps register the secrets they hold with it."""
        return self.world.redactor

    def resolve(self, value: Any, where: str) -> Any:
        """Replace ``${name}`` placeholders with facts learned earlier in the run."""
        if isinstance(value, list):
            return [self.resolve(v, where) for v in value]
        if not isinstance(value, str):
            return value

        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            if key not in self.facts:
                raise ConfigError(f"{where}: placeholder ${{{key}}} has no value at this point of the run")
            return str(self.facts[key])

        return _PLACEHOLDER.sub(sub, value)
