"""How far the Gluu emulator is checked, for the generated docs (docs/profiles.md) and
the README. No real Gluu server runs here: the emulator is modelled from oxAuth's sources
and the installer's templates (tags version_4.2.3 and version_4.4.0), each rule tested in
``tests/gluu/test_oxauth_sources.py`` and its neighbours with the source line named.
"""

from __future__ import annotations

#: The sources the Gluu emulator is read from.
SOURCES: tuple[str, ...] = (
    "GluuFederation/oxAuth version_4.2.3 and version_4.4.0: OpenIdConfiguration, CIBAConfigurationService, "
    "RegisterRestWebServiceImpl, RegisterParamsValidator, AppConfiguration, ClientAttributes, "
    "TokenRestWebServiceImpl, JwkRestWebServiceImpl",
    "GluuFederation/community-edition-setup version_4.2.3 and version_4.4.0: oxauth-config.json, scopes.ldif, "
    "attributes.ldif, scripts.ldif, oxauth-errors.json",
)

#: What the Gluu emulator does not model.
NOT_MODELLED: tuple[str, ...] = (
    "no differential against a real Gluu server: every value is read from the sources, none measured",
    "authorization, userinfo, end-session, introspection, revocation, device and CIBA endpoints "
    "(listed in discovery, not served)",
    "software statements, sector_identifier_uri documents (not fetched), CIBA registration parameters",
    "custom scripts (acr values, dynamic scopes' claims, introspection and client registration scripts)",
    "the order of JSON members (oxAuth's JSONObject is a hash map)",
    "Gluu 4.3 (4.2 values are used for it) and 4.5",
    "oxTrust: its OxAuth configuration and its client list are served by the harness's own admin endpoints "
    "(/dcr-harness/admin/configuration, /dcr-harness/admin/clients, named with oxAuth's LDAP attributes); "
    "a real Gluu 4 shows them in oxTrust's UI only",
)
