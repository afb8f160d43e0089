"""Jinja2 rendering for the portal pages, with the security headers every page carries.

Templates are package data under ``templates/`` (autoescaped). No external assets:
the stylesheet and the copy-button script are served by the portal itself, so the
Content-Security-Policy can forbid everything else (no inline script, no CDN).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse, PlainTextResponse, Response

#: Sent with every page. ``no-store`` matters most on the page that shows a client
#: secret: the browser must not keep it in its cache or show it again on "Back".
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# Lenient undefined (renders empty): API definitions and policies may come from a
# customer's export and lack fields the pages show.
_env = Environment(
    loader=PackageLoader("harness.tyk.portal.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["pathquote"] = lambda v: quote(str(v), safe="")


def render(template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    html = _env.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def asset(name: str, media_type: str) -> Response:
    """A stylesheet or script from ``templates/assets/`` (``.j2`` files are rendered)."""
    text = _env.get_template(f"assets/{name}").render() if name.endswith(".j2") else \
        _env.loader.get_source(_env, f"assets/{name}")[0]  # type: ignore[union-attr]  # _env is built with a loader
    return Response(text, media_type=media_type, headers={"Cache-Control": "no-cache",
                                                          "X-Content-Type-Options": "nosniff"})


def plain(message: str, status: int) -> PlainTextResponse:
    return PlainTextResponse(message, status_code=status, headers=SECURITY_HEADERS)
