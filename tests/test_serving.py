"""BackgroundServer: the loopback servers every component runs on."""


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
