"""Portal objects, shaped like the Tyk Dashboard API's JSON (shared/reference/tyk.md).

``extra="allow"`` on Tyk objects keeps every field a customer's export carries (the
gateway reads the ones it knows); the DCR options are strict because a typo there is
exactly the misconfiguration a support engineer hunts for.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from harness.registrar.options import DcrOptions, Provider


class PortalConfig(BaseModel):
    """Global portal settings; ``dcr_options`` apply to every catalogue entry without override."""

    model_config = ConfigDict(extra="allow")

    dcr_options: DcrOptions = Field(default_factory=DcrOptions)


class CatalogueConfig(BaseModel):
    model_config = ConfigDict(extra="allow")

    override: bool = False
    dcr_options: DcrOptions = Field(default_factory=DcrOptions)


class CatalogueEntry(BaseModel):
    """One API listed in the portal catalogue."""

    model_config = ConfigDict(extra="allow")

    id: str = ""
    name: str
    short_description: str = ""
    long_description: str = ""
    policy_id: str
    show: bool = True
    auth_type: str = "jwt"
    config: CatalogueConfig = Field(default_factory=CatalogueConfig)


class Developer(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = ""
    email: str
    password: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)


class OAuthClient(BaseModel):
    """A client the developer registered through the wizard, as the portal stores it."""

    id: str = ""
    developer_id: str
    catalogue_id: str
    api_ids: list[str] = Field(default_factory=list)
    policy_id: str
    client_name: str
    redirect_uris: list[str] = Field(default_factory=list)
    client_id: str
    client_secret: str | None = None
    registration_access_token: str | None = None
    registration_client_uri: str | None = None
    provider: Provider
    metadata: dict[str, Any] = Field(default_factory=dict)
