"""One overall deadline per call (harness.core.deadline): a server that sends one byte
at a time — in the headers or in the body — is cut off at the deadline, not per read."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from harness.core.deadline import DeadlineExceeded
from harness.core.transcript import RecordingSession, Transcript

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n" + b"{" + b" " * 38 + b"}"


def _drip_server(start_at: int, interval: float) -> Iterator[str]:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            conn.recv(65536)
            try:
                conn.sendall(ANSWER[:start_at])
                for i in range(start_at, len(ANSWER)):
                    if stop.wait(interval):
                        break
                    conn.sendall(ANSWER[i:i + 1])
            except OSError:
                pass
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    srv.close()


@pytest.fixture(params=[0, len(ANSWER) - 30], ids=["headers", "body"])
def drip(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from _drip_server(request.param, 0.2)


def test_slow_drip_ends_at_the_overall_deadline(drip: str) -> None:
    s = RecordingSession(Transcript(), actor="harness", timeout=1.0)
    t0 = time.monotonic()
    with pytest.raises(DeadlineExceeded, match=r"within 1 s"):
        s.get(drip)
    assert time.monotonic() - t0 < 3.0  # each byte arrives within requests' per-read timeout
    ex = list(s.transcript)[-1]
    assert ex.error and "connect, headers and body" in ex.error


def test_a_fast_answer_is_untouched() -> None:
    gen = _drip_server(len(ANSWER), 0.0)
    url = next(gen)
    s = RecordingSession(Transcript(), actor="harness", timeout=1.0)
    assert s.get(url).status_code == 200
    assert isinstance(DeadlineExceeded(), requests.Timeout)
