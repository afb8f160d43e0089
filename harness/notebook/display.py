"""Readable views of what a guide did, for notebooks (and plain text elsewhere).

Every helper returns a :class:`View`: an object with ``_repr_html_`` (Jupyter renders
it) and a plain-text ``str()``. :func:`show` displays one through IPython when it is
available. Nothing here unmasks a secret: exchanges are redacted when recorded
(harness.core.transcript), facts come from ``Guide.facts`` (masked), and a JWT is shown as
its header and claims only — never the compact token, never the signature.

The helpers that redact (:func:`view_of`, :func:`jwt_view`, :func:`decision_view`,
:func:`json_view`, :func:`sequence_view`) take the run's redactor (``guide.redactor``,
harness.core.redact) to scrub the run's known secrets too; without one they apply the
rules that need no run (secret field names, JWT-shaped strings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from harness.conformance.model import Verdict
from harness.core.redact import Redactor
from harness.core.transcript import Exchange
from harness.scenario.results import RunResult, StepResult

_COLOURS = {Verdict.PASS: "#2f855a", Verdict.FAIL: "#c53030", Verdict.WARN: "#b7791f", Verdict.SKIP: "#718096"}
_CSS = ("font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:13px;"
        "border:1px solid #cbd2d9;border-radius:6px;padding:8px 12px;margin:6px 0")
_PRE = ("background:#f5f7fa;border:1px solid #e4e7eb;border-radius:4px;padding:6px 8px;margin:4px 0;"
        "white-space:pre-wrap;word-break:break-all;font-size:12px")
_FORM = re.compile(r"[A-Za-z0-9_.~%+-]+=[A-Za-z0-9_.~%+-]*(&[A-Za-z0-9_.~%+-]+=[A-Za-z0-9_.~%+-]*)*")


@dataclass(frozen=True)
class View:
    """Something to display: HTML for Jupyter, text for a terminal."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def show(*objs: Any, redactor: Redactor | None = None) -> None:
    """Display each object (an Exchange, a list of them, a StepResult, a Decision, a
    DecodedJwt, a RunResult, a mapping, or a View) with IPython; without IPython,
    log its text form. ``redactor``: the run's (``guide.redactor``)."""
    for obj in objs:
        view = obj if isinstance(obj, View) else view_of(obj, redactor=redactor)
        try:
            from IPython.display import display
        except ImportError:  # not in a notebook: the text form goes to the log
            import logging

            logging.getLogger(__name__).info("%s", view.text)
            continue
        display(view)


def view_of(obj: Any, *, redactor: Redactor | None = None) -> View:
    """Pick the view for ``obj``."""
    from harness.notebook.guide import DecodedJwt

    if isinstance(obj, View):
        return obj
    if isinstance(obj, Exchange):
        return exchange_view(obj)
    if isinstance(obj, StepResult):
        return step_card(obj)
    if isinstance(obj, RunResult):
        return run_summary(obj)
    if isinstance(obj, DecodedJwt):
        return jwt_view(obj.header, obj.claims, title=obj.name, redactor=redactor)
    if hasattr(obj, "stage") and hasattr(obj, "reason") and hasattr(obj, "status"):
        return decision_view(obj, redactor=redactor)
    if isinstance(obj, Mapping):
        return json_view(dict(obj), redactor=redactor)
    if isinstance(obj, (list, tuple)) and all(isinstance(e, Exchange) for e in obj):
        return exchanges_view(obj)
    text = _redactor(redactor).text(str(obj))
    return View(f"<pre style='{_PRE}'>{escape(text)}</pre>", text)


def _redactor(redactor: Redactor | None) -> Redactor:
    """The run's redactor, or a fresh one (the rules that need no run)."""
    return redactor if redactor is not None else Redactor()


# ---- bodies --------------------------------------------------------------------------------

def pretty_body(body: str | None) -> str:
    """A JSON body indented; any other body as it is (both already redacted)."""
    if body is None or body == "":
        return ""
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        pass
    if _FORM.fullmatch(body):  # application/x-www-form-urlencoded: one field per line
        return "\n".join(f"{k}={v}" for k, v in parse_qsl(body, keep_blank_values=True))
    return body


def _headers_text(headers: Mapping[str, str]) -> str:
    return "\n".join(f"{k}: {v}" for k, v in headers.items())


# ---- exchanges -----------------------------------------------------------------------------

def _status_colour(status: int | None) -> str:
    if status is None or status >= 500:
        return "#c53030"
    if status >= 400:
        return "#c05621"
    return "#2f855a"


def exchange_text(ex: Exchange) -> str:
    lines = [f"[{ex.step or '-'}] {ex.actor} -> {ex.target}: {ex.method} {ex.url}"]
    if ex.request_headers:
        lines.append(_headers_text(ex.request_headers))
    if ex.request_body:
        lines.append(pretty_body(ex.request_body))
    outcome = str(ex.status) if ex.status is not None else f"no answer: {ex.error}"
    lines.append(f"<- {outcome}")
    if ex.response_headers:
        lines.append(_headers_text(ex.response_headers))
    if ex.response_body:
        lines.append(pretty_body(ex.response_body))
    return "\n".join(lines)


def exchange_view(ex: Exchange) -> View:
    """One request and its answer: who called whom, method, URL, status, the notable
    headers and the bodies (JSON indented). All of it was redacted when recorded."""
    outcome = str(ex.status) if ex.status is not None else f"no answer: {ex.error}"
    parts = [
        f"<div style='{_CSS}'>",
        f"<div><span style='color:#52606d'>{escape(ex.actor)} → {escape(ex.target)}</span> "
        f"<b>{escape(ex.method)}</b> <code>{escape(ex.url)}</code> "
        f"<b style='color:{_status_colour(ex.status)}'>{escape(outcome)}</b> "
        f"<span style='color:#9aa5b1'>{ex.elapsed_ms:.0f} ms</span></div>",
    ]
    if ex.request_headers or ex.request_body:
        req = "\n".join(p for p in (_headers_text(ex.request_headers), pretty_body(ex.request_body)) if p)
        parts.append(f"<div style='color:#52606d;margin-top:4px'>request</div><pre style='{_PRE}'>{escape(req)}</pre>")
    if ex.response_headers or ex.response_body:
        resp = "\n".join(p for p in (_headers_text(ex.response_headers), pretty_body(ex.response_body)) if p)
        parts.append(f"<div style='color:#52606d'>response</div><pre style='{_PRE}'>{escape(resp)}</pre>")
    parts.append("</div>")
    return View("".join(parts), exchange_text(ex))


def exchanges_view(exchanges: Iterable[Exchange], *, open_: bool = True) -> View:
    items = list(exchanges)
    if not items:
        return View("<p><i>no HTTP exchange in this step</i></p>", "(no HTTP exchange)")
    inner = "".join(
        f"<details{' open' if open_ else ''}><summary>{escape(e.summary())}</summary>{exchange_view(e).html}</details>"
        for e in items
    )
    return View(inner, "\n\n".join(exchange_text(e) for e in items))


# ---- tokens --------------------------------------------------------------------------------

def jwt_view(header: Mapping[str, Any], claims: Mapping[str, Any], *, title: str = "JWT",
             redactor: Redactor | None = None) -> View:
    """A decoded JWT: header and claims (redacted), signature omitted."""
    r = _redactor(redactor)
    h = json.dumps(r.value(dict(header)), indent=2, ensure_ascii=False)
    c = json.dumps(r.value(dict(claims)), indent=2, ensure_ascii=False)
    html = (f"<div style='{_CSS}'><b>{escape(title)}</b> <span style='color:#9aa5b1'>(decoded without "
            f"verification; signature omitted)</span><div style='display:flex;gap:12px;flex-wrap:wrap'>"
            f"<div><div style='color:#52606d'>header</div><pre style='{_PRE}'>{escape(h)}</pre></div>"
            f"<div><div style='color:#52606d'>claims</div><pre style='{_PRE}'>{escape(c)}</pre></div></div></div>")
    return View(html, f"{title}\nheader: {h}\nclaims: {c}")


def token_view(token: str, *, title: str = "JWT") -> View:
    """Decode a compact JWT (never displayed itself) and show its header and claims."""
    from harness.jose.tokens import NotAJwt, decode_unverified

    try:
        header, claims = decode_unverified(token)
    except NotAJwt as exc:
        return View(f"<p>{escape(title)}: not a JWT ({escape(str(exc))})</p>", f"{title}: not a JWT ({exc})")
    return jwt_view(header, claims, title=title)


# ---- gateway decisions --------------------------------------------------------------------

def decision_view(decision: Any, *, redactor: Redactor | None = None) -> View:
    """The gateway's answer and why: status and message as Tyk sends them, the stage
    of the decision order where it was taken, and the reason Tyk only logs."""
    if decision is None:
        return View("<p><i>the gateway has not decided anything yet</i></p>", "(no gateway decision)")
    allowed = bool(getattr(decision, "allowed", False))
    colour = "#2f855a" if allowed else "#c53030"
    verdict = "allowed" if allowed else "refused"
    rows = [
        ("answer", f"{decision.status} {decision.message}".strip() if not allowed
         else f"{decision.status} (proxied to the upstream)"),
        ("stage", decision.stage),
        ("reason", _redactor(redactor).text(str(decision.reason))),
    ]
    for name in ("identity", "policies", "oauth_client_id"):
        value = getattr(decision, name, None)
        if value:
            rows.append((name, ", ".join(value) if isinstance(value, tuple) else str(value)))
    body = "".join(f"<tr><td style='color:#52606d;padding-right:10px'>{escape(k)}</td>"
                   f"<td><code>{escape(str(v))}</code></td></tr>" for k, v in rows)
    html = (f"<div style='{_CSS};border-left:5px solid {colour}'><b style='color:{colour}'>gateway: {verdict}</b>"
            f"<table style='margin-top:4px'>{body}</table></div>")
    return View(html, f"gateway {verdict}: " + "; ".join(f"{k}={v}" for k, v in rows))


# ---- steps and runs -----------------------------------------------------------------------

def step_card(sr: StepResult, *, show_exchanges: bool = True) -> View:
    """A step's verdict, evidence (or cause and fix) and its HTTP exchanges."""
    colour = _COLOURS.get(sr.verdict, "#52606d")
    lines = [f"<div style='{_CSS};border-left:5px solid {colour}'>",
             f"<div><b style='color:{colour}'>{sr.verdict.value}</b> <b>{escape(sr.id)}</b> — {escape(sr.title)} "
             f"<span style='color:#9aa5b1'>{sr.duration_ms:.0f} ms</span></div>"]
    text = [f"{sr.verdict.value} {sr.id} — {sr.title}"]
    if sr.evidence:
        lines.append(f"<div>{escape(sr.evidence)}</div>")
        text.append(sr.evidence)
    if sr.verdict is Verdict.FAIL:
        lines.append(f"<div><b>cause:</b> {escape(sr.cause or sr.error or '')}</div>")
        text.append(f"cause: {sr.cause or sr.error}")
        if sr.fix:
            lines.append(f"<div><b>fix:</b> {escape(sr.fix)}</div>")
            text.append(f"fix: {sr.fix}")
    if show_exchanges and sr.exchanges:
        ex = exchanges_view(sr.exchanges, open_=False)
        lines.append(f"<details><summary>{len(sr.exchanges)} HTTP exchange(s)</summary>{ex.html}</details>")
        text.append(ex.text)
    lines.append("</div>")
    return View("".join(lines), "\n".join(text))


def run_summary(result: RunResult) -> View:
    """One line per step of a finished run, the failed step's cause and fix first."""
    failed = result.failed_step
    head = (f"{result.scenario}: every step passed" if failed is None
            else f"{result.scenario}: FAILED at {failed.id}")
    rows = "".join(
        f"<tr><td style='color:{_COLOURS.get(s.verdict, '#52606d')}'><b>{s.verdict.value}</b></td>"
        f"<td>{escape(s.id)}</td><td>{escape(s.cause or s.evidence or '')}</td></tr>"
        for s in result.steps
    )
    extra = ""
    if failed is not None:
        extra = (f"<div><b>cause:</b> {escape(failed.cause or '')}</div>"
                 + (f"<div><b>fix:</b> {escape(failed.fix)}</div>" if failed.fix else ""))
    html = f"<div style='{_CSS}'><b>{escape(head)}</b>{extra}<table>{rows}</table></div>"
    text = head + "\n" + "\n".join(f"{s.verdict.value:5} {s.id}: {s.cause or s.evidence}" for s in result.steps)
    return View(html, text)


def json_view(data: Any, *, title: str | None = None, redactor: Redactor | None = None) -> View:
    """Any JSON-like value, redacted and indented."""
    text = json.dumps(_redactor(redactor).value(data), indent=2, ensure_ascii=False, default=str)
    head = f"<b>{escape(title)}</b>" if title else ""
    return View(f"<div>{head}<pre style='{_PRE}'>{escape(text)}</pre></div>", (title + "\n" if title else "") + text)


def table_view(rows: Iterable[Mapping[str, Any]], *, title: str | None = None,
               redactor: Redactor | None = None) -> View:
    """Rows of the same keys as a table (the first row's keys are the columns), each cell
    redacted: e.g. one gateway's answer beside another's."""
    items = [dict(r) for r in rows]
    columns = list(items[0]) if items else []
    red = _redactor(redactor)
    cells = [[str(red.value(r.get(c, ""))) for c in columns] for r in items]
    th = "".join(f"<th style='text-align:left;padding:2px 8px'>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px;vertical-align:top'>{escape(v)}</td>" for v in row)
                   + "</tr>" for row in cells)
    head = f"<b>{escape(title)}</b>" if title else ""
    html = f"<div style='{_CSS}'>{head}<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></div>"
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return View(html, (title + "\n" if title else "") + "\n".join(line.rstrip() for line in lines))


# ---- the whole flow -----------------------------------------------------------------------

def sequence_view(exchanges: Iterable[Exchange], *, title: str | None = None, uid: str = "seq",
                  redactor: Redactor | None = None) -> View:
    """A sequence diagram of the exchanges (inline SVG, harness.report.sequence)."""
    from harness.report.sequence import sequence_svg

    items = list(exchanges)
    svg = sequence_svg(items, title=title, uid=uid, redactor=redactor)
    text = "\n".join(f"{e.step or '-':24} {e.actor:>9} -> {e.target:<9} {e.summary()}" for e in items)
    return View(f"<div style='overflow-x:auto'>{svg}</div>", text)


# ---- JWK Sets -----------------------------------------------------------------------------

def jwk_coordinate_lengths(key: Mapping[str, Any]) -> dict[str, int]:
    """Byte lengths of an EC JWK's ``x`` and ``y`` as published (RFC 7518 §6.2.1.2 wants
    exactly the curve size: 32 for P-256, 48 for P-384, 66 for P-521)."""
    from jwcrypto.common import base64url_decode

    return {c: len(base64url_decode(str(key[c]))) for c in ("x", "y") if isinstance(key.get(c), str)}


def jwks_view(doc: Mapping[str, Any], *, title: str = "JWKS") -> View:
    """One row per key: kid, kty, alg, curve, and for EC keys the coordinate lengths
    next to the length the curve needs (a wrong one is what breaks Tyk)."""
    from harness.tyk.gateway.golang.gocompat import ec_curve_size

    rows, text = [], [title]
    for i, key in enumerate(doc.get("keys") or []):
        crv = str(key.get("crv") or "")
        lengths = jwk_coordinate_lengths(key) if key.get("kty") == "EC" else {}
        need = ec_curve_size(crv) if lengths else None
        coords = ", ".join(f"{c}: {n} bytes" for c, n in lengths.items())
        bad = bool(need) and any(n != need for n in lengths.values())
        note = (f"expected {need} — WRONG LENGTH" if bad else f"expected {need}") if need else ""
        style = " style='color:#c53030;font-weight:600'" if bad else ""
        rows.append(f"<tr{style}><td>{i}</td><td><code>{escape(str(key.get('kid', '')))}</code></td>"
                    f"<td>{escape(str(key.get('kty', '')))}</td><td>{escape(str(key.get('alg', '')))}</td>"
                    f"<td>{escape(crv)}</td><td>{escape(coords)}</td><td>{escape(note)}</td></tr>")
        text.append(f"{i} kid={key.get('kid')} kty={key.get('kty')} alg={key.get('alg')} crv={crv} {coords} {note}".rstrip())
    head = "".join(f"<th style='text-align:left;padding-right:10px'>{h}</th>"
                   for h in ("#", "kid", "kty", "alg", "crv", "coordinates", "RFC 7518 §6.2.1.2"))
    html = f"<div style='{_CSS}'><b>{escape(title)}</b><table><tr>{head}</tr>{''.join(rows)}</table></div>"
    return View(html, "\n".join(text))
