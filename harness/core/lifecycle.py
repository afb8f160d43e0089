"""Context-manager lifetime for anything with ``start()`` and ``stop()`` (launchers,
worlds, labs): ``with X(...) as x:`` starts it, stops it on exit, and also stops it
when ``start()`` itself fails half-way (the testcontainers shape, shared/STYLE.md §2)."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T", bound="StartStop")


class StartStop:
    """Mixin: subclasses implement ``start() -> self`` and an idempotent ``stop()``."""

    def start(self: T) -> T:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self: T) -> T:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: Any) -> None:
        self.stop()
