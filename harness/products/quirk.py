"""The value a product declares for each known deviation the conformance checks will see.

A quirk names a check (by id), the behaviour the product is known to show instead of
the specified one (``observed``: a value equal to the check's ``actual``, or a predicate
on it), a one-line note and where the fact comes from. Each product derives its quirks
from the profile *instance* under test (``harness/products/<product>/quirks.py``), so a
Gluu 4.4 or a Keycloak 26.4 gets its own list; the conformance engine only looks them up
(:mod:`harness.conformance.engine`). Products never import conformance: check ids are
plain strings here, and a test asserts every one names a registered check.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

#: How a check reports a header or claim that is not there (``conformance.checks.common.ABSENT``).
ABSENT = "(absent)"


@dataclass(frozen=True)
class Quirk:
    """A known deviation: check ``check_id`` shows ``observed`` on this product."""

    check_id: str
    observed: Any  # a value compared with Result.actual, or a predicate on it
    note: str
    source: str
    #: Human text for the catalogue when ``observed`` is a predicate.
    shows: str = ""

    def matches(self, actual: Any) -> bool:
        if callable(self.observed):
            try:
                return bool(self.observed(actual))
            except (TypeError, ValueError, KeyError, AttributeError):
                return False
        return bool(actual == self.observed)

    def describe_observed(self) -> str:
        return self.shows or repr(self.observed)


def status_is(status: int) -> Callable[[Any], bool]:
    """Predicate: ``actual`` is an ``"<status> ..."`` string (status + error code)."""
    return lambda actual: isinstance(actual, str) and actual.split(" ", 1)[0] == str(status)


def changed_only(members: Collection[str]) -> Callable[[Any], bool]:
    """Predicate for REG-METADATA-ECHOED: only these metadata members were changed."""
    allowed = set(members)
    return lambda actual: isinstance(actual, dict) and bool(actual) and set(actual) <= allowed


def missing_only(claims: Collection[str]) -> Callable[[Any], bool]:
    """Predicate: ``actual`` lists missing claims, each one of ``claims``."""
    allowed = set(claims)
    return lambda actual: isinstance(actual, list) and bool(actual) and set(actual) <= allowed


def missing_none_of(present: Collection[str]) -> Callable[[Any], bool]:
    """Predicate: ``actual`` lists missing claims, none of which is in ``present`` (the
    claims the product is known to write)."""
    written = set(present)
    return lambda actual: isinstance(actual, list) and bool(actual) and not (set(actual) & written)


def find(quirks: Iterable[Quirk], check_id: str) -> list[Quirk]:
    """The quirks of ``quirks`` declared for ``check_id``."""
    return [q for q in quirks if q.check_id == check_id]


def match(quirks: Iterable[Quirk], check_id: str, actual: Any) -> Quirk | None:
    """The quirk among ``quirks`` that explains ``actual`` for ``check_id``, if any."""
    for q in find(quirks, check_id):
        if q.matches(actual):
            return q
    return None
