"""harness.notebook.execute: the normalisation that makes committed notebook outputs
comparable with a fresh run, the stale-output check, and the command line."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from harness.notebook import execute as ex
from harness.notebook.execute import Normaliser, normalise, stale_cells

pytestmark = pytest.mark.notebook

UUID_A = "6cee102d-75df-4265-bcbb-9f19e90da270"
UUID_B = "fff5b524-a43e-4e49-a400-59e8960bd01b"


@pytest.mark.parametrize("raw,expected", [
    ("GET http://127.0.0.1:45283/realms/master", "GET http://127.0.0.1:⟨port⟩/realms/master"),
    ("http://localhost:8080/x", "http://localhost:⟨port⟩/x"),
    ('"client_id": "' + UUID_A + '"', '"client_id": "⟨uuid-1⟩"'),
    ("service-account-" + UUID_A, "service-account-⟨uuid-1⟩"),
    (UUID_A + "_sig_rs256", "⟨uuid-1⟩_sig_rs256"),
    ("Authorization: Bearer ***redacted:f41aef5f***", "Authorization: Bearer ***redacted:⟨secret-1⟩***"),
    ("password=%2A%2A%2Aredacted%3A12345678%2A%2A%2A", "password=%2A%2A%2Aredacted%3A⟨secret-1⟩%2A%2A%2A"),
    ("Keycloak Client [dcr-harness 73376035]", "Keycloak Client [dcr-harness ⟨id-1⟩]"),
    ('&quot;iat&quot;: 1796400924,', '&quot;iat&quot;: ⟨epoch⟩,'),
    ("'exp': 1796573727487,", "'exp': ⟨epoch⟩,"),
    ("now 1796400921.0", "now ⟨epoch⟩"),
    ("<span>185 ms</span>", "<span>⟨ms⟩</span>"),
    ("Date: Fri, 04 Dec 2026 16:15:23 GMT", "Date: ⟨date⟩"),
    ("at 2026-12-04T16:15:23Z", "at ⟨date⟩"),
    ("'Keycloak API' id 2b4399e03c77", "'Keycloak API' id ⟨id-1⟩"),
    ("developer id 680917499123", "developer id ⟨id-1⟩"),
    ('"kid": "40kMWC6x3tL334ewxxZu4KHFK_feEOvb_Gl1bKxfCtg"', '"kid": "⟨random-1⟩"'),
    ('"session_state": "yS6vWgJQbgzmGRJRsakVwXyz"', '"session_state": "⟨random-1⟩"'),
    ('"jwt_source": "aHR0cDovLzEyNy4wLjAuMTo0NTI4My9yZWFsbXMv"', '"jwt_source": "⟨random-1⟩"'),
    ("<object at 0x7f3a2b1c4d50>", "<object at 0x⟨addr⟩>"),
    ("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "token ⟨jwt⟩"),
    ("Tyk v5.15.0-dev+381c1935.3cf01ad24 at http://127.0.0.1:41895, API 66bab93006144e2eb2fa4f55fb753bfd",
     "Tyk v5.15.0-dev+381c1935.3cf01ad24 at http://127.0.0.1:⟨port⟩, API ⟨id-1⟩"),
])
def test_each_volatile_value_becomes_a_placeholder(raw: str, expected: str) -> None:
    assert Normaliser().text(raw) == expected


@pytest.mark.parametrize("stable", [
    "403 Key not authorized: Unexpected signing method",
    "POST http://127.0.0.1:⟨port⟩/oxauth/restv1/register",
    "jwksAlgorithmsSupported: RS256/RS384/RS512",
    "token_endpoint_auth_methods_supported",
    "Key_not_authorized_by_the_gateway",
    "expiration 86400s, count 5",
    "has x of 33 bytes, expected 32 for P-256",
    "grant_types ['implicit', 'client_credentials']",
    "RFC 7591 §3.2.1, status 201",
    "/realms/master/protocol/openid-connect/certs",
    "Tyk v5.15.0-dev+381c1935.3cf01ad24 (tyk-oss)",
    "(gateway: Tyk v5.14.1).",
])
def test_what_a_run_cannot_change_is_left_alone(stable: str) -> None:
    assert Normaliser().text(stable) == stable


def test_numbering_follows_one_value_through_the_notebook() -> None:
    """The same id keeps its number, a second id gets the next one, and a display-cut
    UUID gets the number of the full UUID it was cut from."""
    n = Normaliser()
    assert n.text(f"{UUID_A} {UUID_B} {UUID_A}") == "⟨uuid-1⟩ ⟨uuid-2⟩ ⟨uuid-1⟩"
    assert n.text(f"DELETE /oauth-clients/{UUID_B[:12]}…") == "DELETE /oauth-clients/⟨uuid-2⟩…"
    assert n.text("***redacted:aaaaaaaa*** ***redacted:bbbbbbbb*** ***redacted:aaaaaaaa***") == \
        "***redacted:⟨secret-1⟩*** ***redacted:⟨secret-2⟩*** ***redacted:⟨secret-1⟩***"


def test_normalising_twice_changes_nothing() -> None:
    raw = (f"http://127.0.0.1:1234/a {UUID_A} 2b4399e03c77 ***redacted:f41aef5f*** 1796400924 12 ms "
           "40kMWC6x3tL334ewxxZu4KHFK_feEOvb_Gl1bKxfCtg [dcr-harness 1fc42347]")
    once = Normaliser().text(raw)
    assert Normaliser().text(once) == once


def _notebook(*outputs: str) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_code_cell(f"x{i}", id=f"c{i}") for i in range(len(outputs))]
    for i, (cell, text) in enumerate(zip(cells, outputs, strict=True)):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": text, "text/html": f"<b>{text}</b>"},
                                               execution_count=i + 1)]
    return nbformat.v4.new_notebook(cells=cells)


def test_two_runs_that_differ_only_in_volatile_values_compare_equal() -> None:
    one = normalise(_notebook(f"client {UUID_A} at http://127.0.0.1:40001 in 12 ms", "iat 1796400924"))
    two = normalise(_notebook(f"client {UUID_B} at http://127.0.0.1:51234 in 130 ms", "iat 1796400999"))
    assert stale_cells(one, two) == []


@pytest.mark.parametrize("change", ["status", "cell added", "output dropped"])
def test_a_real_change_is_stale(change: str) -> None:
    committed = normalise(_notebook("PASS 201 Created", "gateway allowed"))
    fresh = copy.deepcopy(committed)
    if change == "status":
        fresh.cells[0].outputs[0]["data"]["text/plain"] = "PASS 200 OK"
    elif change == "cell added":
        fresh.cells.append(nbformat.v4.new_code_cell("y", id="c9"))
    else:
        fresh.cells[1].outputs = []
    problems = stale_cells(committed, fresh)
    assert problems and (change != "status" or "cell c0" in problems[0])


def test_check_exits_1_on_stale_outputs_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """``--check`` compares, never writes; a notebook whose committed output differs
    from the fresh run is named and the exit status is 1 (execution itself stubbed)."""
    path = tmp_path / "01-x.ipynb"
    nbformat.write(normalise(_notebook("committed answer")), path)
    before = path.read_bytes()
    monkeypatch.setattr(ex, "notebook_paths", lambda names: [path])
    monkeypatch.setattr(ex, "ensure_kernel", lambda name=ex.KERNEL: name)
    monkeypatch.setattr(ex, "execute", lambda p, params=None, **kw: _notebook("a different answer"))
    assert ex.main(["--check"]) == 1
    assert path.read_bytes() == before
    assert "01-x.ipynb: stale" in capsys.readouterr().out
    monkeypatch.setattr(ex, "execute", lambda p, params=None, **kw: _notebook("committed answer"))
    assert ex.main(["--check"]) == 0
    assert ex.main([]) == 0  # writing: the same normalised outputs
    assert stale_cells(nbformat.read(path, as_version=4), normalise(_notebook("committed answer"))) == []


def test_a_notebook_is_named_by_its_number() -> None:
    assert [p.name for p in ex.notebook_paths(["05"])] == ["05-our-gateway-and-real-tyk.ipynb"]
    with pytest.raises(FileNotFoundError):
        ex.notebook_paths(["99"])


def _hide_tyk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No Tyk binary anywhere harness.tyk.gateway.tyk_oss.find_binary looks."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    monkeypatch.delenv("DCR_HARNESS_TYK_BIN", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("DCR_HARNESS_CACHE", str(tmp_path / "cache"))


def test_without_a_tyk_binary_notebook_05_is_skipped_with_the_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Never executed (so never failed), never reported as up to date: SKIPPED, naming the
    missing binary and how to provide it; the committed outputs are not touched."""
    _hide_tyk(tmp_path, monkeypatch)
    path = ex.notebook_paths(["05"])[0]
    before = path.read_bytes()
    monkeypatch.setattr(ex, "ensure_kernel", lambda name=ex.KERNEL: name)

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("notebook 05 was executed without a Tyk binary")

    monkeypatch.setattr(ex, "execute", must_not_run)
    for argv in (["--check", "05"], ["05"]):
        assert ex.main(argv) == 0
        out = capsys.readouterr().out
        assert out.startswith("05-our-gateway-and-real-tyk.ipynb: SKIPPED, committed outputs kept (--gateway tyk-oss "
                              "needs a Tyk gateway binary and redis-server: no Tyk gateway binary"), out
        assert "To run it: give a Tyk gateway binary with --tyk-bin PATH or $DCR_HARNESS_TYK_BIN" in out
        assert "up to date" not in out and "written" not in out
    assert path.read_bytes() == before


def test_the_other_notebooks_need_nothing_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _hide_tyk(tmp_path, monkeypatch)
    assert {p.name: ex.missing(p) is None for p in ex.notebook_paths()} == {
        "01-keycloak-dcr.ipynb": True, "02-gluu-dcr.ipynb": True, "03-jwt-edge-cases.ipynb": True,
        "04-reproduce-a-customer-setup.ipynb": True, "05-our-gateway-and-real-tyk.ipynb": False}


def test_stream_outputs_cut_differently_by_the_kernel_compare_equal() -> None:
    """One print cut in two stream messages under load (its text, then its newline with the
    next print) is the same output as one message; a different stream, or other text, is not."""
    def printed(*chunks: tuple[str, str]) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell("print()", id="c0")
        cell.execution_count = 1
        cell.outputs = [nbformat.v4.new_output("stream", name=name, text=text) for name, text in chunks]
        return nbformat.v4.new_notebook(cells=[cell])

    whole = normalise(printed(("stdout", "first line\nsecond: 1\n")))
    cut = normalise(printed(("stdout", "first line"), ("stdout", "\nsecond: 1\n")))
    assert stale_cells(whole, cut) == []
    assert cut.cells[0].outputs[0]["text"] == "first line\nsecond: 1\n" and len(cut.cells[0].outputs) == 1
    assert stale_cells(whole, normalise(printed(("stdout", "first line"), ("stderr", "\nsecond: 1\n")))) != []
    assert stale_cells(whole, normalise(printed(("stdout", "first line"), ("stdout", "\nsecond: 2\n")))) != []
