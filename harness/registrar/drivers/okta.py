"""Provider ``okta``: what the Tyk Dashboard's Okta driver sends.

Okta's registration endpoint is ``POST https://<org>.okta.com/oauth2/v1/clients``
(Okta "Dynamic Client Registration API"; it follows RFC 7591 §2/§3 and OpenID Connect
Registration 1.0 §2). Okta models every client as an application of a given
``application_type`` (``web``, ``native``, ``browser``, ``service``); the OIDC
Registration spec only names ``web`` and ``native`` (default ``web``, §2).

The Tyk Dashboard's Okta driver sets ``application_type: web`` on every registration
(shared/reference/tyk.md, "the Okta driver adds application_type: web"; Tyk docs
"Step by step guide using Okta", note on grant and response types, corrected from
``service`` to ``web`` in tyk-docs PR #3051). Everything else is the plain RFC 7591
shape of the base driver.

Not modelled here (Tyk sends the initial access token as ``Bearer``, tyk.md): Okta's
own admin API tokens use the ``SSWS <token>`` scheme; Okta accepts ``Bearer`` only for
OAuth access tokens carrying the ``okta.clients.register`` scope.
"""

from __future__ import annotations

from typing import Any, ClassVar

from harness.registrar.drivers import register_driver
from harness.registrar.drivers.base import Driver
from harness.registrar.options import DcrOptions


@register_driver
class OktaDriver(Driver):
    name = "okta"
    #: OpenID Connect Registration 1.0 §2 ``application_type``; the value the Tyk
    #: Dashboard's Okta driver always sends (source in the module docstring).
    application_type: ClassVar[str] = "web"

    def metadata(self, options: DcrOptions, client_name: str, redirect_uris: list[str]) -> dict[str, Any]:
        """RFC 7591 §2 metadata plus ``application_type`` (OIDC Registration §2)."""
        body = super().metadata(options, client_name, redirect_uris)
        body["application_type"] = self.application_type
        return body
