"""Dashboard (admin) pages, named and laid out as in the guides' screenshots:
System Management → APIs, Policies; Portal Management → Catalog, Developers, Settings.

Every page needs the admin key (``DashboardSettings.admin_secret``, the same key as the
Dashboard API's ``Authorization`` header). The initial registration access token of the
DCR settings is write-only: pages say "set" or "not set" and offer to replace it.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from harness.core.errors import HarnessError
from harness.core.redact import Redactor
from harness.tyk.portal.models import CatalogueConfig, CatalogueEntry, PortalConfig
from harness.tyk.portal.service import NotFound, PortalError, PortalService
from harness.tyk.portal.web.forms import (
    AUTH_MODES,
    KEY_EXPIRY,
    SIGNING_METHODS,
    api_form_values,
    api_values_from_form,
    apply_api_values,
    dcr_form_context,
    dcr_options_from_form,
    error_text,
    int_field,
)
from harness.tyk.portal.web.render import render
from harness.tyk.portal.web.session import (
    admin_fingerprint,
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

LOGIN = "/dashboard/login"


def _message(exc: Exception, redactor: Redactor) -> str:
    """An error for a Dashboard page, redacted with the run's ``redactor``."""
    if isinstance(exc, PortalError):
        return error_text(exc, redactor)
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return redactor.text(f"Invalid value for {field}: {first['msg']}.")
    return redactor.error(exc)


def dashboard_pages(svc: PortalService) -> list[Route]:
    def default_target_url() -> str:
        """Prefill for "Target URL": ``DashboardSettings.default_target_url`` when set
        (``dcr-harness serve`` sets it to its upstream; an extra, uninterpreted field)."""
        return str(getattr(svc.settings, "default_target_url", "") or "")

    def ctx(request: Request, **kw: Any) -> dict[str, Any]:
        return {
            "section": "dashboard", "path": request.url.path, "csrf": csrf_token(request),
            "developer": current_developer(svc, request), "is_admin": is_admin(svc, request),
            "flashes": pop_flashes(request), **kw,
        }

    def admin_only(fn: Any) -> Any:
        async def wrapper(request: Request) -> Response:
            if not is_admin(svc, request):
                return login_redirect(LOGIN, request)
            form: FormData | None = None
            if request.method == "POST":
                got = await read_form(request)
                if isinstance(got, Response):
                    return got
                form = got
            return await fn(request, form)
        return wrapper

    # ---- sign-in --------------------------------------------------------------------------
    async def login(request: Request) -> Response:
        if request.method == "GET":
            return render("dashboard/login.html", ctx(request, error=None, next=request.query_params.get("next", "")))
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        key = str(form.get("admin_key") or "")
        nxt = str(form.get("next") or "")
        if not key or not hmac.compare_digest(key.encode(), svc.settings.admin_secret.encode()):
            return render("dashboard/login.html", ctx(request, error="Wrong admin key.", next=nxt), status=400)
        keep = {k: request.session[k] for k in ("developer",) if k in request.session}
        start_session(request, admin=admin_fingerprint(svc.settings.admin_secret), **keep)
        return RedirectResponse(safe_next(nxt, "/dashboard/apis"), status_code=303)

    async def logout(request: Request) -> Response:
        form = await read_form(request)
        if isinstance(form, Response):
            return form
        request.session.pop("admin", None)
        flash(request, "You are signed out of the Dashboard.")
        return RedirectResponse(LOGIN, status_code=303)

    async def index(request: Request) -> Response:
        return RedirectResponse("/dashboard/apis", status_code=303)

    # ---- APIs -------------------------------------------------------------------------------
    def _policies() -> list[dict[str, Any]]:
        return svc.list_policies()

    async def policy_names() -> dict[str, str]:
        """Policy id → display name, for the API and catalogue tables."""
        return {p["id"]: p.get("name", p["id"]) for p in await run_in_threadpool(svc.list_policies)}

    def api_ctx(request: Request, values: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return ctx(request, v=values, policies=_policies(), signing_methods=SIGNING_METHODS, auth_modes=AUTH_MODES,
                   **kw)

    def designer_failed(request: Request, values: dict[str, Any], api_id: str | None, exc: Exception) -> Response:
        """The API designer again, with the submitted values and why saving failed."""
        return render("dashboard/api_designer.html", api_ctx(request, values, api_id=api_id, error=_message(exc, svc.redactor)),
                      status=getattr(exc, "status", 400))

    @admin_only
    async def apis(request: Request, form: FormData | None) -> Response:
        items = await run_in_threadpool(svc.list_apis)
        pol_names = await policy_names()
        return render("dashboard/apis.html", ctx(request, apis=items, policy_names=pol_names))

    @admin_only
    async def api_new(request: Request, form: FormData | None) -> Response:
        """Create an API: name and target first, then "Configure API" (the designer), then Save."""
        if form is None:
            values = api_form_values({"proxy": {"target_url": default_target_url()}})
            return render("dashboard/api_new.html", ctx(request, v=values, error=None))
        values = api_values_from_form(form)
        if form.get("stage") == "configure":
            values["strip_listen_path"] = True  # Tyk's default for a new API
            if not values["name"]:
                return render("dashboard/api_new.html", ctx(request, v=values, error="API Name is required."),
                              status=400)
            return render("dashboard/api_designer.html", api_ctx(request, values, api_id=None, error=None))
        try:
            apidef = apply_api_values({}, values)
            created = await run_in_threadpool(svc.create_api, apidef)
        except (PortalError, HarnessError) as exc:
            return designer_failed(request, values, None, exc)
        flash(request, f"API \u201c{created['name']}\u201d created.")
        return RedirectResponse("/dashboard/apis", status_code=303)

    @admin_only
    async def api_edit(request: Request, form: FormData | None) -> Response:
        api_id = request.path_params["api_id"]
        try:
            current = await run_in_threadpool(svc.get_api, api_id)
        except NotFound:
            return render("dashboard/not_found.html", ctx(request, what="API not found"), status=404)
        if form is None:
            return render("dashboard/api_designer.html", api_ctx(request, api_form_values(current), api_id=api_id,
                                                                 error=None))
        values = api_values_from_form(form)
        try:
            apidef = apply_api_values(current, values)
            await run_in_threadpool(svc.update_api, api_id, apidef)
        except (PortalError, HarnessError) as exc:
            return designer_failed(request, values, api_id, exc)
        flash(request, f"API \u201c{apidef['name']}\u201d updated.")
        return RedirectResponse("/dashboard/apis", status_code=303)

    # ---- Policies -----------------------------------------------------------------------------
    @admin_only
    async def policies(request: Request, form: FormData | None) -> Response:
        items = await run_in_threadpool(svc.list_policies)
        expiry = dict(KEY_EXPIRY)
        return render("dashboard/policies.html", ctx(request, policies=items, expiry_names=expiry))

    def policy_ctx(request: Request, values: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return ctx(request, v=values, apis=svc.list_apis(), key_expiry=KEY_EXPIRY, **kw)

    @admin_only
    async def policy_new(request: Request, form: FormData | None) -> Response:
        defaults = {"name": "", "apis": [], "rate": 1000, "per": 60, "quota_max": -1, "key_expires_in": 0}
        if form is None:
            return render("dashboard/policy_new.html", policy_ctx(request, defaults, error=None))
        values: dict[str, Any] = {"name": str(form.get("name") or "").strip(),
                                  "apis": [str(a) for a in form.getlist("apis")]}
        try:
            values.update(rate=int_field(form, "rate", "Rate", 1000), per=int_field(form, "per", "Per (seconds)", 60),
                          quota_max=int_field(form, "quota_max", "Quota", -1),
                          key_expires_in=int_field(form, "key_expires_in", "Key expire after", 0))
            if not values["name"]:
                raise PortalError("Policy Name is required")
            rights: dict[str, dict[str, Any]] = {a: {} for a in values["apis"]}
            pol = await run_in_threadpool(svc.create_policy, {
                "name": values["name"], "access_rights": rights, "rate": values["rate"], "per": values["per"],
                "quota_max": values["quota_max"], "key_expires_in": values["key_expires_in"],
            })
        except (PortalError, HarnessError) as exc:
            merged = {**defaults, **values}
            return render("dashboard/policy_new.html", policy_ctx(request, merged, error=_message(exc, svc.redactor)),
                          status=getattr(exc, "status", 400))
        flash(request, f"Policy \u201c{pol['name']}\u201d created.")
        return RedirectResponse("/dashboard/policies", status_code=303)

    # ---- Catalog ------------------------------------------------------------------------------
    @admin_only
    async def catalogue(request: Request, form: FormData | None) -> Response:
        entries = await run_in_threadpool(svc.list_catalogue)
        pol_names = await policy_names()
        dcr = {e.id for e in await run_in_threadpool(svc.dcr_catalogue)}
        return render("dashboard/catalogue.html", ctx(request, entries=entries, policy_names=pol_names, dcr_ids=dcr))

    @admin_only
    async def catalogue_new(request: Request, form: FormData | None) -> Response:
        """"Add New API": a name and the policy; DCR comes later, in the entry's Settings tab."""
        values = {"name": "", "policy_id": "", "short_description": ""}
        if form is not None:
            values = {k: str(form.get(k) or "").strip() for k in values}
            try:
                if not values["name"]:
                    raise PortalError("Public API Name is required")
                if not values["policy_id"]:
                    raise PortalError("Select a policy")
                entry = await run_in_threadpool(svc.create_catalogue_entry, CatalogueEntry(
                    name=values["name"], policy_id=values["policy_id"],
                    short_description=values["short_description"], show=True, auth_type="jwt"))
            except (PortalError, ValidationError) as exc:
                return render("dashboard/catalogue_new.html",
                              ctx(request, v=values, policies=_policies(), error=_message(exc, svc.redactor)), status=400)
            flash(request, f"\u201c{entry.name}\u201d added to the catalogue. Open its Settings tab to set up DCR.")
            return RedirectResponse("/dashboard/catalogue", status_code=303)
        return render("dashboard/catalogue_new.html", ctx(request, v=values, policies=_policies(), error=None))

    async def _entry(request: Request) -> CatalogueEntry | Response:
        """The catalogue entry ``{cid}``, or the 404 page."""
        try:
            return await run_in_threadpool(svc.get_catalogue_entry, request.path_params["cid"])
        except NotFound:
            return render("dashboard/not_found.html", ctx(request, what="Catalogue entry not found"), status=404)

    @admin_only
    async def catalogue_details(request: Request, form: FormData | None) -> Response:
        """The entry's "API Details" tab."""
        entry = await _entry(request)
        if isinstance(entry, Response):
            return entry
        error = None
        if form is not None:
            try:
                updated = entry.model_copy(update={
                    "name": str(form.get("name") or "").strip() or entry.name,
                    "policy_id": str(form.get("policy_id") or entry.policy_id),
                    "short_description": str(form.get("short_description") or "").strip(),
                    "show": bool(form.get("show")),
                })
                await run_in_threadpool(svc.update_catalogue_entry, updated)
            except (PortalError, ValidationError) as exc:
                error = _message(exc, svc.redactor)
            else:
                flash(request, "API details saved.")
                return RedirectResponse(f"/dashboard/catalogue/{entry.id}", status_code=303)
        return render("dashboard/catalogue_details.html",
                      ctx(request, entry=entry, policies=_policies(), error=error), status=400 if error else 200)

    @admin_only
    async def catalogue_settings(request: Request, form: FormData | None) -> Response:
        """The entry's "Settings" tab: "Override global settings" and the DCR section."""
        entry = await _entry(request)
        if isinstance(entry, Response):
            return entry
        error = None
        options = entry.config.dcr_options
        override = entry.config.override
        if form is not None:
            override = bool(form.get("override"))
            try:
                options = dcr_options_from_form(form, entry.config.dcr_options)
                config = CatalogueConfig.model_validate({**entry.config.model_dump(), "override": override,
                                                         "dcr_options": options.model_dump()})
                await run_in_threadpool(svc.update_catalogue_entry, entry.model_copy(update={"config": config}))
            except (PortalError, ValidationError) as exc:
                error = _message(exc, svc.redactor)
                options = entry.config.dcr_options
            else:
                flash(request, "Settings saved." + ("" if override else
                      " \u201cOverride global settings\u201d is off: the global DCR settings apply to this API."))
                return RedirectResponse(f"/dashboard/catalogue/{entry.id}/settings", status_code=303)
        global_dcr = (await run_in_threadpool(svc.get_config)).dcr_options
        return render("dashboard/catalogue_settings.html",
                      ctx(request, entry=entry, override=override, dcr=dcr_form_context(options),
                          global_enabled=global_dcr.enable_dcr, error=error), status=400 if error else 200)

    # ---- Portal settings (global DCR) ------------------------------------------------------
    @admin_only
    async def portal_settings(request: Request, form: FormData | None) -> Response:
        """Portal Management → Settings → "API Access": DCR for every catalogue API
        that does not override the global settings."""
        config = await run_in_threadpool(svc.get_config)
        error = None
        options = config.dcr_options
        if form is not None:
            try:
                options = dcr_options_from_form(form, config.dcr_options)
                new = PortalConfig.model_validate({**config.model_dump(), "dcr_options": options.model_dump()})
                await run_in_threadpool(svc.set_config, new)
            except (PortalError, ValidationError) as exc:
                error = _message(exc, svc.redactor)
                options = config.dcr_options
            else:
                flash(request, "Portal settings saved.")
                return RedirectResponse("/dashboard/portal-settings", status_code=303)
        return render("dashboard/portal_settings.html", ctx(request, dcr=dcr_form_context(options), error=error),
                      status=400 if error else 200)

    # ---- Developers ----------------------------------------------------------------------------
    @admin_only
    async def developers(request: Request, form: FormData | None) -> Response:
        devs = await run_in_threadpool(svc.list_developers)
        counts = {d.id: len(await run_in_threadpool(svc.list_clients, d.id)) for d in devs}
        return render("dashboard/developers.html", ctx(request, developers=devs, counts=counts))

    @admin_only
    async def developer_new(request: Request, form: FormData | None) -> Response:
        """"Add developer"."""
        values = {"email": "", "first_name": "", "last_name": ""}
        if form is None:
            return render("dashboard/developer_new.html", ctx(request, v=values, error=None))
        values = {k: str(form.get(k) or "").strip() for k in values}
        fields = {k: values[k] for k in ("first_name", "last_name") if values[k]}
        try:
            dev = await run_in_threadpool(svc.create_developer, values["email"], str(form.get("password") or ""),
                                          fields)
        except PortalError as exc:
            return render("dashboard/developer_new.html", ctx(request, v=values, error=_message(exc, svc.redactor)),
                          status=exc.status)
        flash(request, f"Developer {dev.email} created.")
        return RedirectResponse("/dashboard/developers", status_code=303)

    return [
        Route("/dashboard", index),
        Route("/dashboard/", index),
        Route(LOGIN, login, methods=["GET", "POST"]),
        Route("/dashboard/logout", logout, methods=["POST"]),
        Route("/dashboard/apis", apis),
        Route("/dashboard/apis/new", api_new, methods=["GET", "POST"]),
        Route("/dashboard/apis/{api_id}", api_edit, methods=["GET", "POST"]),
        Route("/dashboard/policies", policies),
        Route("/dashboard/policies/new", policy_new, methods=["GET", "POST"]),
        Route("/dashboard/catalogue", catalogue),
        Route("/dashboard/catalogue/new", catalogue_new, methods=["GET", "POST"]),
        Route("/dashboard/catalogue/{cid}", catalogue_details, methods=["GET", "POST"]),
        Route("/dashboard/catalogue/{cid}/settings", catalogue_settings, methods=["GET", "POST"]),
        Route("/dashboard/portal-settings", portal_settings, methods=["GET", "POST"]),
        Route("/dashboard/developers", developers),
        Route("/dashboard/developers/new", developer_new, methods=["GET", "POST"]),
    ]
