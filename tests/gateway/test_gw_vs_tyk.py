"""The gateway differential (harness.tyk.gateway.differential): every case of the Tyk JWT
case table answered by our gateway and by the real Tyk gateway, compared on status and
error message.

(a) offline, always: our gateway against the recorded answers of the real gateway
    (fixtures/tyk/differential/jwt-cases.json), case by case;
(b) live, when a Tyk binary is available (marker ``real_tyk``): our gateway against the
    live Tyk, and the live Tyk against the snapshot (a stale snapshot shows).

A difference that stays is listed in ``KNOWN_DIFFERENCES`` (with docs/gateway-vs-tyk.md)
and expected to differ (strict xfail: closing it makes the test fail until the list is
updated); a case the real gateway cannot answer here (it needs the gateway's clock moved)
is skipped naming why."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from harness.tyk.gateway.differential import KNOWN_DIFFERENCES, Answer, harness_gateway, load_snapshot, run_differential
from harness.tyk.gateway.jwt_cases import CASES, JwtCase
from harness.tyk.gateway.testing import TykProcessGateway, find_tyk_binary

SNAP = load_snapshot()
IDS = [c.id for c in CASES]


def _recorded(case_id: str) -> Answer | None:
    rec = SNAP["cases"].get(case_id)
    return None if rec is None else Answer(int(rec["status"]), str(rec["message"]))


def _compare(case: JwtCase, ours: Answer | None, theirs: Answer | None, what: str) -> None:
    if theirs is None or ours is None:
        pytest.skip(f"{case.id}: not measurable on the real gateway here (it needs the gateway's clock moved)")
    if case.id in KNOWN_DIFFERENCES:
        assert ours != theirs, f"{case.id} now agrees with {what}: remove it from KNOWN_DIFFERENCES"
        pytest.xfail(f"known difference: {KNOWN_DIFFERENCES[case.id]}")
    assert ours == theirs, f"{case.id}: ours {ours}, {what} {theirs}"


@pytest.fixture(scope="module")
def ours() -> Iterator[dict[str, Answer | None]]:
    logging.disable(logging.WARNING)  # the table's deliberately odd API definitions warn
    try:
        yield run_differential(harness_gateway())
    finally:
        logging.disable(logging.NOTSET)


def test_snapshot_covers_the_table() -> None:
    assert list(SNAP["cases"]) == IDS, "fixtures/tyk/differential/jwt-cases.json is stale: re-record it"
    assert len(IDS) >= 300


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ours_vs_snapshot(case: JwtCase, ours: dict[str, Answer | None]) -> None:
    _compare(case, ours[case.id], _recorded(case.id), "the real Tyk (snapshot)")


def test_compare_can_fail() -> None:
    with pytest.raises(AssertionError):
        _compare(CASES[0], Answer(200, ""), Answer(403, "Key not authorized"), "x")


BINARY, WHY_NOT = find_tyk_binary()


@pytest.fixture(scope="module")
def live() -> dict[str, Answer | None]:
    if BINARY is None:
        pytest.skip(f"no real Tyk gateway: {WHY_NOT}")
    logging.disable(logging.WARNING)
    try:
        return run_differential(TykProcessGateway(BINARY))
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.real_tyk
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_ours_vs_live_tyk(case: JwtCase, ours: dict[str, Answer | None], live: dict[str, Answer | None]) -> None:
    _compare(case, ours[case.id], live[case.id], "the live Tyk")


@pytest.mark.real_tyk
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_live_tyk_vs_snapshot(case: JwtCase, live: dict[str, Answer | None]) -> None:
    assert live[case.id] == _recorded(case.id), f"{case.id}: the snapshot is stale (re-record it)"
