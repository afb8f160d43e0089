"""Nothing left behind: after a run, reconcile with the IdP (shared/DESIGN.md, Principles:
"nothing is left half-created").

When the run's own ``delete-client`` step did not delete the client (it failed, was not
reached, or the run was interrupted), the run

1. retries the RFC 7592 §2.3 delete of every client the portal stored, with the
   registration access token the IdP gave it;
2. with admin access (the product's :class:`~harness.products.product.ClientAdmin`),
   finds every client carrying the run's unique client name — this also finds a client
   whose registration answer was lost on the way back — and deletes it;
3. names what is still there, with the exact way to remove it (:class:`Leftover`).

A scenario with ``cleanup: false`` keeps its client on purpose: nothing is reconciled.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from typing import Any

import requests

from harness.core.errors import HarnessError
from harness.products.detect import product
from harness.registrar import rfc7591, rfc7592
from harness.registrar.errors import RegistrarError
from harness.scenario.context import RunContext

log = logging.getLogger(__name__)

#: Pauses before the second and third RFC 7592 delete attempts (a 500 or a dropped
#: connection is often transient; a hang is bounded by the call's own deadline).
RETRY_PAUSES_S = (0.5, 1.5)


@dataclass
class Leftover:
    """A client the run created (or may have created) that is still at the IdP."""

    client_id: str | None
    client_name: str
    reason: str
    how_to_remove: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        who = f"client {self.client_id}" if self.client_id else f"a client named {self.client_name!r}"
        return f"Left at the IdP: {who} ({self.reason}). Remove it: {self.how_to_remove}"


@dataclass
class Reconciliation:
    """What the reconciliation did (``notes``) and what it could not remove."""

    notes: list[str]
    leftovers: list[Leftover]


def reconcile(ctx: RunContext, *, client_deleted: bool) -> Reconciliation:
    """Reconcile the run's clients with the IdP (see the module docstring)."""
    notes: list[str] = []
    if not ctx.scenario.cleanup or client_deleted:
        return Reconciliation(notes, [])
    world = ctx.world
    transcript = world.transcript
    transcript.current_step = "cleanup"
    try:
        pending = _delete_stored(ctx, notes)
        admin_found, admin_error = _delete_by_name(ctx, notes)
    finally:
        transcript.current_step = None
    name = ctx.client_name
    prod = product(ctx.scenario.idp.profile)
    base, realm = world.idp.base_url, ctx.scenario.idp.realm
    leftovers: list[Leftover] = []
    for client_id, error in pending.items():
        if client_id in admin_found:
            continue
        if admin_error is None:
            # The admin listing is authoritative: a client it does not show is gone (the
            # IdP acted on a delete whose answer was lost; its token is now refused).
            notes.append(f"client {client_id} is no longer at the IdP (checked through its admin API)")
            continue
        leftovers.append(Leftover(client_id, name, f"the RFC 7592 delete failed: {error}"
                                  + (f"; admin lookup failed: {admin_error}" if admin_error else ""),
                                  prod.removal_hint(base, realm, client_id=client_id, name=name)))
    if admin_error and _registration_answer_lost(ctx) and not pending:
        leftovers.append(Leftover(None, name, "the registration answer was lost after it was sent, so the IdP "
                                  f"may have created the client; admin lookup failed: {admin_error}",
                                  prod.removal_hint(base, realm, client_id=None, name=name)))
    return Reconciliation(notes, leftovers)


def _delete_stored(ctx: RunContext, notes: list[str]) -> dict[str, str]:
    """RFC 7592 delete of every client the portal stored; ``{client_id: last error}`` of
    those still there."""
    portal = ctx.world.portal
    if portal is None:
        return {}
    pending: dict[str, str] = {}
    for raw in portal.store.list("client"):
        client = rfc7591.RegisteredClient(
            client_id=str(raw.get("client_id")), client_secret=None,
            registration_access_token=raw.get("registration_access_token"),
            registration_client_uri=raw.get("registration_client_uri"), status=0)
        error = _delete_with_retries(ctx, client)
        if error is None:
            portal.store.delete("client", client.client_id)
            notes.append(f"client {client.client_id} deleted at the IdP by the cleanup (RFC 7592 §2.3)")
        else:
            pending[client.client_id] = error
    return pending


def _delete_with_retries(ctx: RunContext, client: rfc7591.RegisteredClient) -> str | None:
    if not client.registration_client_uri or not client.registration_access_token:
        return "the IdP gave no registration_client_uri/registration_access_token (RFC 7592 §3)"
    error = ""
    for attempt, pause in enumerate((0.0, *RETRY_PAUSES_S)):
        if pause:
            time.sleep(pause)  # a pause between attempts, not a readiness wait
        try:
            rfc7592.delete(ctx.world.session("harness", "idp"), client)
            return None
        except RegistrarError as exc:
            if exc.status == 404:
                return None  # already gone
            error = str(exc)
        log.debug("RFC 7592 delete attempt %d of %s failed: %s", attempt + 1, client.client_id, error)
    return ctx.redactor.text(error)


def _delete_by_name(ctx: RunContext, notes: list[str]) -> tuple[set[str], str | None]:
    """Admin lookup by the run's unique client name; ``(client ids deleted, error)``."""
    idp = ctx.world.idp
    admin = product(ctx.scenario.idp.profile).client_admin(
        idp.base_url, idp.admin_user, idp.admin_password,
        session=ctx.world.session("harness", "idp"), realm=ctx.scenario.idp.realm)
    if admin is None:
        return set(), "the harness has no admin access to this IdP's clients"
    deleted: set[str] = set()
    try:
        for found in admin.find_by_name(ctx.client_name):
            admin.delete(str(found["id"]))
            deleted.add(str(found.get("client_id")))
            notes.append(f"client {found.get('client_id')} ({ctx.client_name!r}) found and deleted "
                         "through the IdP's admin API")
    except (HarnessError, requests.RequestException) as exc:
        return deleted, ctx.redactor.text(str(exc))
    return deleted, None


def _registration_answer_lost(ctx: RunContext) -> bool:
    """Was a registration sent whose answer never came back (or came back 5xx)?"""
    for ex in ctx.world.transcript.for_step("oauth-client-wizard"):
        if ex.actor == "portal" and ex.method == "POST" and (ex.error or (ex.status or 0) >= 500):
            return True
    return False
