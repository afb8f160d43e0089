"""Sequence diagrams of HTTP exchanges as inline SVG (no external assets).

``sequence_svg(exchanges)`` draws one lifeline per participant named in
``Exchange.actor`` / ``Exchange.target`` (developer, admin, harness, portal, idp,
gateway, upstream, in that order; others after them) and, per exchange, a request
arrow labelled ``METHOD path`` and a dashed answer arrow labelled with the status.
Used by the HTML reports and by the notebooks (display it with IPython's ``SVG``).
Labels are redacted with the run's redactor when given (the exchanges themselves were
redacted when recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from urllib.parse import urlsplit

from harness.core.redact import Redactor
from harness.core.transcript import Exchange

#: Participants in display order (left to right).
ORDER: tuple[str, ...] = ("developer", "admin", "harness", "portal", "idp", "gateway", "upstream")
LABELS = {"idp": "IdP", "harness": "harness", "developer": "developer", "admin": "admin",
          "portal": "portal", "gateway": "gateway", "upstream": "upstream"}

COL_W = 170
LEFT = 90
TOP = 56
ROW_H = 46
BOX_W = 120
BOX_H = 30
MAX_LABEL = 46


def participants(exchanges: Iterable[Exchange]) -> list[str]:
    seen: list[str] = []
    for ex in exchanges:
        for p in (ex.actor, ex.target):
            if p and p not in seen:
                seen.append(p)
    known = [p for p in ORDER if p in seen]
    return known + [p for p in seen if p not in ORDER]


def _status_class(ex: Exchange) -> str:
    if ex.status is None:
        return "err"
    if ex.status < 300:
        return "ok"
    if ex.status < 400:
        return "redirect"
    if ex.status < 500:
        return "client-error"
    return "err"


def _label(ex: Exchange, red: Redactor) -> str:
    path = urlsplit(ex.url).path or "/"
    text = f"{ex.method} {path}"
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1] + "…"
    return red.text(text)


def _answer(ex: Exchange, red: Redactor) -> str:
    if ex.status is None:
        return red.text(f"no answer: {ex.error or ''}")[:MAX_LABEL]
    return str(ex.status)


STYLE = """
.seq text{font:12px -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;fill:#1f2933}
.seq .actor rect{fill:#eef2f7;stroke:#52606d;rx:4}
.seq .actor text{font-weight:600;text-anchor:middle}
.seq .life{stroke:#9aa5b1;stroke-dasharray:4 4}
.seq .req{stroke:#1f2933;fill:none;marker-end:url(#seq-arrow)}
.seq .ans{stroke-dasharray:5 3;fill:none;marker-end:url(#seq-arrow-open)}
.seq .ok .ans{stroke:#2f855a}.seq .ok .st{fill:#2f855a}
.seq .redirect .ans{stroke:#52606d}.seq .redirect .st{fill:#52606d}
.seq .client-error .ans{stroke:#c05621}.seq .client-error .st{fill:#c05621}
.seq .err .ans{stroke:#c53030}.seq .err .st{fill:#c53030}
.seq .step{fill:#7b8794;font-size:10px}
"""


def sequence_svg(exchanges: Iterable[Exchange], *, title: str | None = None, max_exchanges: int = 500,
                 uid: str = "seq", redactor: Redactor | None = None) -> str:
    """An ``<svg>`` element: lifelines for the participants, two arrows per exchange.
    ``uid`` prefixes the marker ids (give each diagram of one page its own);
    ``redactor``: the run's (without one, only the rules that need no run apply)."""
    red = redactor if redactor is not None else Redactor()
    # Order by when each request started (an exchange is recorded when its answer
    # arrives, so an outer call would otherwise follow the calls it caused).
    items = sorted(list(exchanges)[:max_exchanges], key=lambda e: e.started - (e.elapsed_ms or 0.0) / 1000.0)
    people = participants(items) or ["harness", "idp"]
    x = {p: LEFT + i * COL_W for i, p in enumerate(people)}
    width = LEFT * 2 + COL_W * (len(people) - 1) + 40
    height = TOP + BOX_H + 24 + ROW_H * len(items) + BOX_H + 24
    out: list[str] = [
        f'<svg class="seq" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title or "HTTP sequence diagram")}">',
        f"<style>{STYLE.replace('seq-arrow', uid + '-arrow')}</style>",
        f'<defs><marker id="{uid}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f2933"/></marker>'
        f'<marker id="{uid}-arrow-open" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10" fill="none" stroke="#52606d"/></marker></defs>',
    ]
    if title:
        out.append(f'<text x="10" y="20" font-weight="600">{escape(title)}</text>')
    bottom = height - BOX_H - 12
    for p in people:
        cx = x[p]
        name = escape(LABELS.get(p, p))
        out.append(f'<line class="life" x1="{cx}" y1="{TOP + BOX_H}" x2="{cx}" y2="{bottom}"/>')
        for y in (TOP, bottom):
            out.append(f'<g class="actor"><rect x="{cx - BOX_W // 2}" y="{y}" width="{BOX_W}" height="{BOX_H}"/>'
                       f'<text x="{cx}" y="{y + 20}">{name}</text></g>')
    y = TOP + BOX_H + 30
    last_step: str | None = None
    for ex in items:
        a, b = x.get(ex.actor, LEFT), x.get(ex.target, LEFT)
        tip = escape(red.text(f"{ex.step or ''} {ex.method} {ex.url} → {_answer(ex, red)}").strip())
        out.append(f'<g class="{_status_class(ex)}"><title>{tip}</title>')
        if ex.step and ex.step != last_step:
            out.append(f'<text class="step" x="4" y="{y - 12}">{escape(ex.step)}</text>')
            last_step = ex.step
        if a == b:  # a call to itself: a small loop
            out.append(f'<path class="req" d="M{a},{y} h40 v14 h-38"/>')
            out.append(f'<text x="{a + 46}" y="{y + 4}">{escape(_label(ex, red))} → '
                       f'<tspan class="st">{escape(_answer(ex, red))}</tspan></text>')
        else:
            mid = (a + b) / 2
            out.append(f'<line class="req" x1="{a}" y1="{y}" x2="{b}" y2="{y}"/>')
            out.append(f'<text x="{mid}" y="{y - 5}" text-anchor="middle">{escape(_label(ex, red))}</text>')
            out.append(f'<line class="ans" x1="{b}" y1="{y + 16}" x2="{a}" y2="{y + 16}"/>')
            out.append(f'<text class="st" x="{mid}" y="{y + 13}" text-anchor="middle">{escape(_answer(ex, red))}</text>')
        out.append("</g>")
        y += ROW_H
    out.append("</svg>")
    return "".join(out)
