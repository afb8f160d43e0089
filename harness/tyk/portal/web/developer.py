"""Developer Portal pages: sign-up, sign-in, sign-out, and "OAuth Clients" with the
wizard the guides walk through (Developer Portal → OAuth Clients → Create first OAuth
Client → select an API → Save and continue → client name, redirect URLs → Create).

Registration is RFC 7591 §3.1 through :meth:`PortalService.create_oauth_client`;
deletion is RFC 7592 §2.3 through :meth:`PortalService.delete_client` (the IdP first).
A developer sees and deletes only their own clients: the service answers 404 for
anyone else's.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from harness.core.errors import HarnessError
from harness.tyk.portal.models import CatalogueEntry, Developer, OAuthClient
from harness.tyk.portal.service import NotFound, PortalError, PortalService, RegistrationFailed
from harness.tyk.portal.web.forms import error_text, idp_error_in_words
from harness.tyk.portal.web.render import render
from harness.tyk.portal.web.session import (
    RevealGrants,
    csrf_token,
    current_developer,
    flash,
    is_admin,
    login_redirect,
    pop_flashes,
    read_form,
    safe_next,
    start_session,
)

log = logging.getLogger(__name__)

LOGIN = "/portal/login"
CLIENTS = "/portal/oauth-clients"


def developer_pages(svc: PortalService, reveals: RevealGrants) -> list[Route]:
    def ctx(request: Request, **kw: Any) -> dict[str, Any]:
        return {
            "section": "portal", "path": request.url.path, "csrf": csrf_token(request),
            "developer": current_developer(svc, request), "is_admin": is_admin(svc, request),
            "flashes": pop_flashes(request), **kw,
        }

    async def signed_in(request: Request) -> Developer | Response:
        dev = await run_in_threadpool(current_developer, svc, request)
        return dev if dev is not None else login_redirect(LOGIN, request)

    # ---- home: the catalogue ------------------------------------------------------------
    async def home(request: Request) -> Response:
        entries = [e for e in await run_in_threadpool(svc.list_catalogue) if e.show]
        dcr = {e.id for e in await run_in_threadpool(svc.dcr_catalogue)}
        return render("portal/home.html", ctx(request, entries=entries, dcr_ids=dcr))

    # ---- sign-up / sign-in / sign-out ------------------------------------------------------
    async def register(request: Request) -> Response:
        values = {"email": "", "first_name": "", "last_name": ""}
        if request.method == "GET":
            return render("portal/register.html", ctx(request, values=values, error=None,
                                                      next=request.query_params.get("next", "")))
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        values = {k: str(form.get(k) or "").strip() for k in values}
        password = str(form.get("password") or "")
        nxt = str(form.get("next") or "")
        error = None
        if password != str(form.get("password_confirm") or ""):
            error = "The two passwords do not match."
        else:
            fields = {k: values[k] for k in ("first_name", "last_name") if values[k]}
            try:
                dev = await run_in_threadpool(svc.create_developer, values["email"], password, fields)
            except PortalError as exc:
                error = error_text(exc, svc.redactor)
        if error:
            return render("portal/register.html", ctx(request, values=values, error=error, next=nxt), status=400)
        start_session(request, developer=dev.id, **_keep_admin(request))
        flash(request, f"Welcome, {dev.email}. Your developer account is ready.")
        return RedirectResponse(safe_next(nxt, CLIENTS), status_code=303)

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return render("portal/login.html", ctx(request, email="", error=None,
                                                   next=request.query_params.get("next", "")))
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        email = str(form.get("email") or "").strip()
        nxt = str(form.get("next") or "")
        dev = await run_in_threadpool(svc.authenticate_developer, email, str(form.get("password") or ""))
        if dev is None:
            return render("portal/login.html", ctx(request, email=email, next=nxt,
                                                   error="Wrong email or password."), status=400)
        start_session(request, developer=dev.id, **_keep_admin(request))
        return RedirectResponse(safe_next(nxt, CLIENTS), status_code=303)

    async def logout(request: Request) -> Response:
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        request.session.pop("developer", None)
        request.session.pop("reveal", None)
        flash(request, "You are signed out.")
        return RedirectResponse("/portal/", status_code=303)

    # ---- OAuth Clients -------------------------------------------------------------------
    def _names() -> dict[str, str]:
        return {e.id: e.name for e in svc.list_catalogue()}

    async def clients(request: Request) -> Response:
        dev = await signed_in(request)
        if isinstance(dev, Response):
            return dev
        items = await run_in_threadpool(svc.list_clients, dev.id)
        names = await run_in_threadpool(_names)
        return render("portal/clients.html", ctx(request, clients=items, api_names=names))

    async def wizard_select(request: Request) -> Response:
        """Wizard step 1: the catalogue APIs with DCR enabled → "Save and continue"."""
        dev = await signed_in(request)
        if isinstance(dev, Response):
            return dev
        apis = await run_in_threadpool(svc.dcr_catalogue)
        if request.method == "GET":
            return render("portal/wizard_select.html", ctx(request, apis=apis, error=None))
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        cid = str(form.get("catalogue_id") or "")
        if cid not in {a.id for a in apis}:
            return render("portal/wizard_select.html",
                          ctx(request, apis=apis, error="Select one of the APIs to continue."), status=400)
        return RedirectResponse(f"{CLIENTS}/new/{cid}", status_code=303)

    async def _dcr_entry(cid: str) -> CatalogueEntry | None:
        return next((a for a in await run_in_threadpool(svc.dcr_catalogue) if a.id == cid), None)

    async def wizard_details(request: Request) -> Response:
        """Wizard step 2: client name and optional redirect URLs → "Create"."""
        dev = await signed_in(request)
        if isinstance(dev, Response):
            return dev
        entry = await _dcr_entry(request.path_params["cid"])
        if entry is None:
            return render("portal/not_found.html", ctx(request, what="This API is not available for OAuth clients"),
                          status=404)
        sep = svc.settings.oauth_redirect_uri_separator
        if request.method == "GET":
            return render("portal/wizard_details.html", ctx(request, api=entry, separator=sep, client_name="",
                                                            redirect_uris="", error=None, advice=None))
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        name = str(form.get("client_name") or "").strip()
        uris = str(form.get("redirect_uris") or "").strip()
        try:
            client = await run_in_threadpool(svc.create_oauth_client, dev.id, entry.id, name, uris)
        except PortalError as exc:  # RegistrationFailed included: the IdP's refusal, in plain words
            error, advice = idp_error_in_words(exc, svc.redactor, svc.explain)
            if isinstance(exc, RegistrationFailed):
                log.info("registration for developer %s failed: %s", dev.id, svc.redactor.error(exc))
            return render("portal/wizard_details.html", ctx(request, api=entry, separator=sep, client_name=name,
                                                            redirect_uris=uris, error=error, advice=advice),
                          status=exc.status)
        reveals.grant(request, dev.id, client.client_id)
        flash(request, f"OAuth client \u201c{client.client_name}\u201d created.")
        return RedirectResponse(f"{CLIENTS}/{_q(client.client_id)}", status_code=303)

    async def client_detail(request: Request) -> Response:
        dev = await signed_in(request)
        if isinstance(dev, Response):
            return dev
        client_id = request.path_params["client_id"]
        try:
            client: OAuthClient = await run_in_threadpool(svc.get_client, dev.id, client_id)
        except NotFound:
            return render("portal/not_found.html", ctx(request, what="OAuth client not found"), status=404)
        reveal = reveals.consume(request, dev.id, client.client_id)
        names = await run_in_threadpool(_names)
        return render("portal/client.html", ctx(request, client=client, reveal=reveal,
                                                api_name=names.get(client.catalogue_id, client.catalogue_id)))

    async def client_delete(request: Request) -> Response:
        dev = await signed_in(request)
        if isinstance(dev, Response):
            return dev
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        client_id = str(form.get("client_id") or "")
        try:
            client = await run_in_threadpool(svc.get_client, dev.id, client_id)
            await run_in_threadpool(svc.delete_client, dev.id, client_id)
        except NotFound:
            return render("portal/not_found.html", ctx(request, what="OAuth client not found"), status=404)
        except (PortalError, HarnessError) as exc:
            flash(request, error_text(exc, svc.redactor) if isinstance(exc, PortalError) else svc.redactor.error(exc),
                  "error")
            return RedirectResponse(f"{CLIENTS}/{_q(client_id)}", status_code=303)
        flash(request, f"OAuth client \u201c{client.client_name}\u201d deleted here and at the identity provider.")
        return RedirectResponse(CLIENTS, status_code=303)

    return [
        Route("/portal", lambda r: RedirectResponse("/portal/", status_code=307)),
        Route("/portal/", home),
        Route("/portal/register", register, methods=["GET", "POST"]),
        Route(LOGIN, login, methods=["GET", "POST"]),
        Route("/portal/logout", logout, methods=["POST"]),
        Route(CLIENTS, clients),
        Route(f"{CLIENTS}/new", wizard_select, methods=["GET", "POST"]),
        Route(f"{CLIENTS}/new/{{cid}}", wizard_details, methods=["GET", "POST"]),
        Route(f"{CLIENTS}/delete", client_delete, methods=["POST"]),
        Route(f"{CLIENTS}/{{client_id:path}}", client_detail),
    ]


def _keep_admin(request: Request) -> dict[str, Any]:
    """A developer sign-in in the same browser keeps a Dashboard sign-in (and vice versa)."""
    return {k: request.session[k] for k in ("admin",) if k in request.session}


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
