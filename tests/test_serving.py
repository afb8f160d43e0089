"""BackgroundServer: the loopback servers every component runs on."""

import time

import pytest


def test_servers_accept_request_heads_up_to_go_s_limit() -> None:
    """Tyk (Go net/http) accepts request heads up to 1 MB; so must our servers, or large
    tokens would be refused before the gateway could judge them."""
    import requests

    from harness.core.serving import MAX_HEADER_BYTES, BackgroundServer
    from harness.tyk.gateway.upstream import create_echo_app

    with BackgroundServer(create_echo_app(), name="echo") as srv:
        big = "Bearer " + "a" * 300_000
        assert requests.get(srv.url + "/x", headers={"Authorization": big}, timeout=10).status_code == 200
    assert MAX_HEADER_BYTES == 1 << 20


def test_stop_lets_a_request_in_flight_finish_then_closes_the_port() -> None:
    """The event-based stop keeps uvicorn's graceful shutdown: a request being served when
    stop() is called still gets its whole answer; afterwards nothing listens."""
    import asyncio
    import socket
    import threading

    import requests
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from harness.core.serving import BackgroundServer

    entered = threading.Event()

    async def slow(request: object) -> PlainTextResponse:
        entered.set()
        await asyncio.sleep(0.3)
        return PlainTextResponse("finished")

    server = BackgroundServer(Starlette(routes=[Route("/slow", slow)]), name="graceful").start()
    answers: list[str] = []
    client = threading.Thread(target=lambda: answers.append(requests.get(server.url + "/slow", timeout=5).text))
    client.start()
    assert entered.wait(5)
    server.stop()
    client.join(5)
    assert answers == ["finished"]
    with socket.socket() as s, pytest.raises(OSError):
        s.settimeout(1)
        s.connect((server.host, server.port))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # the server thread's own error
def test_a_server_whose_startup_fails_is_a_launch_error_not_a_hang() -> None:
    from harness.core.errors import LaunchError
    from harness.core.serving import BackgroundServer

    server = BackgroundServer(object(), name="broken", ssl_certfile="/nonexistent.pem", ssl_keyfile="/nonexistent.key",
                              ready_timeout=30)
    t0 = time.monotonic()
    with pytest.raises(LaunchError, match="did not start listening"):
        server.start()
    assert time.monotonic() - t0 < 20  # the dead thread woke the wait; it did not sit out the 30 s
    server.stop()
