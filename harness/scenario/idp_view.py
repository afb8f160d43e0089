"""The guide's own "check the client in the IdP" step, as part of the wizard's result.

Keycloak guide: "If you check the Keycloak dashboard you will see this client too"; Gluu
guide: the client appears in oxTrust → OpenID Connect → Clients (shared/seeds). After the
wizard registered the client, the run reads what the IdP *stored* through the product's
admin view of clients (:meth:`harness.products.product.Product.client_admin`, one
implementation per product) — grant types, response types, token endpoint auth method,
service account, redirect URIs — so that what the IdP made of the request (Keycloak turns
``response_types: [token]`` into the implicit flow) is shown beside what was asked.

It only reads: nothing is created at the IdP, and it never fails the step. Without admin
access, or when the read fails, the result carries one note saying why.
"""

from __future__ import annotations

import logging
from typing import Any

from harness.products.detect import product
from harness.scenario.context import RunContext

log = logging.getLogger(__name__)


def stored_client_view(ctx: RunContext, client_id: str) -> dict[str, Any]:
    """What the IdP stored for ``client_id`` (:meth:`StoredClient.to_dict
    <harness.products.product.StoredClient.to_dict>`), or ``{"note": why not}``; redacted
    with the run's redactor. Never raises (a failed read is a note)."""
    prod = product(ctx.scenario.idp.profile)
    idp = ctx.world.idp
    try:
        admin = prod.client_admin(idp.base_url, idp.admin_user, idp.admin_password,
                                  session=ctx.world.session("admin", "idp"), realm=ctx.scenario.idp.realm)
        if admin is None:
            return {"note": f"not shown: {prod.no_client_admin}"}
        stored = admin.stored(client_id)
    except Exception as exc:  # a failed read (any cause) is a note, never the step's failure
        log.debug("reading client %s at the IdP failed: %s", client_id, ctx.redactor.error(exc))
        return {"note": ctx.redactor.text(f"not shown: reading the client through the {prod.title} admin API "
                                          f"failed: {exc}")}
    if stored is None:
        return {"note": f"not shown: the {prod.title} admin API does not list client {client_id}"}
    value = ctx.redactor.value(stored.to_dict())
    assert isinstance(value, dict)
    return value
