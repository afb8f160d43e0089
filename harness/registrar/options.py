"""``dcr_options``: the DCR settings of a Tyk portal catalogue entry or of the global portal
configuration (shared/reference/tyk.md, "Dashboard"). They decide the RFC 7591 request the
registrar sends, so they live with the registrar; the portal stores them.

The options are strict (``extra="forbid"``) because a typo there is exactly the
misconfiguration a support engineer hunts for.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

#: The provider drivers of Tyk's DCR settings (the Dashboard's "Provider" select; one
#: driver each in harness.registrar.drivers).
Provider = Literal["keycloak", "gluu", "okta", "other"]
#: The same names as a tuple, in the Dashboard's order: the one list the scenario
#: importer, the portal's forms and the drivers use.
PROVIDERS: tuple[str, ...] = get_args(Provider)


class DcrOptions(BaseModel):
    """``dcr_options`` of a catalogue entry (``config.override: true``) or of the global
    portal configuration (``/api/portal/configuration``)."""

    model_config = ConfigDict(extra="forbid")

    enable_dcr: bool = Field(False, description="Developers may register OAuth clients for this API.")
    provider: Provider = Field("other", description="Driver that shapes the RFC 7591 request.")
    grant_types: list[str] = Field(default_factory=lambda: ["client_credentials"])
    token_endpoint_auth_method: str = Field("client_secret_post")
    response_types: list[str] = Field(default_factory=list)
    idp_host: str = Field("", description="Base IdP URL, e.g. https://keycloak:8443/")
    registration_endpoint: str = Field("", description="RFC 7591 endpoint from discovery's registration_endpoint.")
    access_token: str = Field("", description="Initial registration access token (empty for open registration).")
