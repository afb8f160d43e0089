"""Dashboard settings the guides touch (``tyk_analytics.conf``), with documented defaults."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DashboardSettings(BaseModel):
    """The ``tyk_analytics.conf`` fields the DCR guides use. Unknown fields are kept
    (a customer's real file has many more) but not interpreted."""

    model_config = ConfigDict(extra="allow")

    oauth_redirect_uri_separator: str = Field(
        ";",
        description="How several redirect URLs typed into the wizard's one field are split. "
        "The guides set ';'. Tyk's historical default is ','.",
    )
    dcr_ssl_insecure_skip_verify: bool = Field(
        False, description="Skip TLS verification of the IdP on DCR calls (self-signed IdP certificates)."
    )
    dcr_ca_bundle: str | None = Field(
        None, description="dcr-harness extension: a CA bundle file to verify the IdP with (the proper fix)."
    )
    admin_secret: str = Field("dcr-harness-admin", description="Dashboard user key for /api/*.")

    def tls_verify(self) -> bool | str:
        """The ``verify`` value for requests: False, a CA bundle path, or True."""
        if self.dcr_ssl_insecure_skip_verify:
            return False
        return self.dcr_ca_bundle or True
