"""sequence_svg: lifelines per participant, two arrows per exchange, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.core.transcript import Exchange
from harness.report.sequence import participants, sequence_svg

SVG = "{http://www.w3.org/2000/svg}"


def _ex(actor: str, target: str, method: str, url: str, status: int | None, started: float, elapsed_ms: float = 0.0,
        step: str | None = None, error: str | None = None) -> Exchange:
    return Exchange(actor=actor, target=target, method=method, url=url, request_headers={}, request_body=None,
                    status=status, error=error, started=started, elapsed_ms=elapsed_ms, step=step)


FLOW = [
    _ex("portal", "idp", "POST", "http://idp/realms/m/clients-registrations/openid-connect", 201, 10.0, 50, "wizard"),
    _ex("developer", "portal", "POST", "http://portal/portal/api/oauth-clients", 201, 10.2, 400, "wizard"),
    _ex("developer", "idp", "POST", "http://idp/realms/m/protocol/openid-connect/token", 200, 11.0, 20, "token"),
    _ex("gateway", "idp", "GET", "http://idp/realms/m/protocol/openid-connect/certs", 200, 12.0, 10, "call"),
    _ex("developer", "gateway", "GET", "http://gw/keycloak-api/get?x=<b>", 403, 12.1, 300, "call"),
    _ex("developer", "upstream", "GET", "http://up/", None, 13.0, 0, "call", error="cannot connect"),
]


def test_participants_in_display_order() -> None:
    assert participants(FLOW) == ["developer", "portal", "idp", "gateway", "upstream"]


def test_svg_is_well_formed_with_two_arrows_per_exchange() -> None:
    svg = sequence_svg(FLOW, title="Guide <flow>")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    lines = root.iter(f"{SVG}line")
    classes = [ln.get("class") for ln in lines]
    assert classes.count("req") == len(FLOW) and classes.count("ans") == len(FLOW)
    assert classes.count("life") == 5
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "POST /portal/api/oauth-clients" in texts
    assert "403" in texts and "no answer: cannot connect" in texts
    assert "Guide <flow>" in texts  # escaped in the markup, parsed back here
    assert "<b>" not in svg.replace("&lt;b&gt;", "")


def test_outer_call_is_drawn_before_the_calls_it_caused() -> None:
    root = ET.fromstring(sequence_svg(FLOW))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.startswith(("POST", "GET"))]
    # The developer's wizard POST started (10.2 - 0.4 = 9.8) before the portal's registration (9.95).
    registration = next(i for i, t in enumerate(labels) if t.startswith("POST /realms/m/clients-registrations"))
    assert labels.index("POST /portal/api/oauth-clients") < registration
    assert labels[registration].endswith("…")  # long paths are shortened


def test_status_classes_colour_the_answers() -> None:
    root = ET.fromstring(sequence_svg(FLOW))
    groups = [g.get("class") for g in root.iter(f"{SVG}g") if g.get("class") not in (None, "actor")]
    # ordered by start: wizard, registration, token, gateway call (403), its JWKS fetch, upstream error
    assert groups == ["ok", "ok", "ok", "client-error", "ok", "err"]


def test_marker_ids_are_prefixed() -> None:
    assert 'id="a1-arrow"' in sequence_svg(FLOW, uid="a1") and 'id="seq-arrow"' not in sequence_svg(FLOW, uid="a1")


def test_a_recorded_call_is_dated_from_when_its_request_left() -> None:
    """RecordingSession dates an exchange from the moment the request was sent, so the
    time spent after the answer arrived (reading and redacting the body) cannot push an
    outer call after the call it caused in the diagram's order (``started - elapsed``)."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from harness.core.redact import Redactor
    from harness.core.transcript import RecordingSession, Transcript

    class Ok(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    class SlowRedactor(Redactor):
        def body(self, body: str | bytes | None, content_type: str | None) -> str | None:
            time.sleep(0.3)  # a large body takes this long to redact
            return super().body(body, content_type)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        transcript = Transcript(SlowRedactor())
        before = time.time()
        with RecordingSession(transcript, actor="developer", target="gateway") as session:
            session.get(f"http://127.0.0.1:{server.server_port}/")
        (ex,) = list(transcript)
        assert ex.started - ex.elapsed_ms / 1000.0 < before + 0.2
    finally:
        server.shutdown()
        server.server_close()
