"""The deviations from the specifications a Keycloak release is known to show, as the
conformance checks will see them: derived from the :class:`KeycloakProfile` *instance*
under test, so that a 26.4 profile declares 26.4's quirks and a 26.7 profile 26.7's.

Every value comes from a profile field (the same field the emulator reads); the source
names the field and where its fact comes from. Check ids are the catalogue's
(docs/conformance.md).
"""

from __future__ import annotations

from harness.products.keycloak.profile import KeycloakProfile
from harness.products.quirk import ABSENT, Quirk, changed_only, status_is

KC_MD = "shared/reference/keycloak.md"


def quirks(profile: KeycloakProfile) -> list[Quirk]:
    """Every quirk of Keycloak ``profile.version`` the checks will meet."""
    v = profile.version
    q: list[Quirk] = []
    if profile.wrong_secret_error != "invalid_client":
        for cid in ("TOKEN-WRONG-SECRET-401", "TOKEN-WRONG-SECRET-BASIC-401"):
            q.append(Quirk(
                cid, f"401 {profile.wrong_secret_error}",
                f"Keycloak answers a known client with a wrong secret with {profile.wrong_secret_error} "
                "(RFC 6749 §5.2 says invalid_client); the status is right",
                f"KeycloakProfile.wrong_secret_error; {KC_MD} (Token endpoint)",
            ))
    if profile.rejects_unknown_metadata:
        q.append(Quirk(
            "REG-UNKNOWN-METADATA-IGNORED", status_is(400),
            "Keycloak's JSON binding refuses unknown client metadata with 400 instead of ignoring it "
            "(the portal's Keycloak driver sends only standard members for this reason)",
            f"KeycloakProfile.rejects_unknown_metadata; {KC_MD} (Dynamic Client Registration)",
            shows="400 ...",
        ))
    if not profile.registration_no_store_headers:
        for cid in ("REG-CACHE-NO-STORE", "REG-PRAGMA-NO-CACHE"):
            q.append(Quirk(
                cid, ABSENT,
                "Keycloak's client registration service sends no Cache-Control/Pragma headers on the "
                "client information response",
                f"KeycloakProfile.registration_no_store_headers; {KC_MD} "
                "(\"registration and initial-access endpoints send no Cache-Control header\")",
            ))
    if not profile.registration_www_authenticate:
        for cid in ("REG-BAD-IAT-WWW-AUTHENTICATE", "MGMT-BAD-RAT-WWW-AUTHENTICATE"):
            q.append(Quirk(
                cid, ABSENT,
                "Keycloak's client registration service answers 401 invalid_token without WWW-Authenticate",
                f"KeycloakProfile.registration_www_authenticate; {KC_MD} (\"... and no WWW-Authenticate\")",
            ))
    if not profile.implicit_redirect_https_enforced:
        q.append(Quirk(
            "REG-REDIRECT-URI-IMPLICIT-HTTPS", "201",
            "Keycloak registers a web client using the implicit grant with an http redirect URI on any host: "
            "its client registration service does not check redirect URIs against application_type "
            "(OIDC Registration §2 says the server MUST)",
            "KeycloakProfile.implicit_redirect_https_enforced; observed 26.4.7, 26.5.6 and 26.7.3 "
            "(docs/verdicts/keycloak.md)",
        ))
    if not profile.client_auth_www_authenticate:
        q.append(Quirk(
            "TOKEN-BASIC-WWW-AUTHENTICATE", ABSENT,
            "Keycloak's token endpoint answers a failed client authentication with 401 and a JSON error but "
            "no WWW-Authenticate header, also when the client used HTTP Basic",
            "KeycloakProfile.client_auth_www_authenticate; src:ClientAuthUtil.errorResponse (keycloak/keycloak, "
            "services/.../authenticators/client); observed 26.7.3 (docs/keycloak-verdicts.md)",
        ))
    if profile.partial_update:
        q.append(Quirk(
            "MGMT-UPDATE-FULL-REPLACEMENT", "kept",
            "Keycloak treats PUT as a partial update: omitted members keep their values",
            f"KeycloakProfile.partial_update; {KC_MD} (Client configuration, observed 26.7.x)",
        ))
    if profile.enforce_registered_secret_method:
        if profile.wrong_secret_error != "invalid_client":
            q.append(Quirk(
                "TOKEN-WRONG-METHOD-401", f"401 {profile.wrong_secret_error}",
                f"Keycloak {v} refuses the other secret method with {profile.wrong_secret_error} \"Invalid method "
                "used to get client secret\" (RFC 6749 §5.2 says invalid_client)",
                "KeycloakProfile.enforce_registered_secret_method (observed 26.7.3, "
                "fixtures/keycloak/observed-26.7.3.json)",
            ))
    else:
        q.append(Quirk(
            "TOKEN-WRONG-METHOD-401", "200",
            f"Keycloak {v} accepts client_secret_basic and client_secret_post for any confidential client, "
            "whatever token_endpoint_auth_method was registered",
            f"KeycloakProfile.enforce_registered_secret_method; {KC_MD} (\"both work at the token endpoint\"; "
            "observed 26.4.7, 26.5.6)",
        ))
    if profile.access_token_typ.lower() not in ("at+jwt", "application/at+jwt"):
        q.append(Quirk(
            "TOKEN-JWT-TYP-AT-JWT", profile.access_token_typ,
            f"Keycloak access tokens carry typ \"{profile.access_token_typ}\" (the RFC 9068 profile is not used "
            "by default)",
            f"KeycloakProfile.access_token_typ; {KC_MD} (Access token: \"Header alg RS256, typ JWT\")",
        ))
    # Keycloak stores no response_types: it keeps flow switches and reads the types back
    # from them, so the guide's "token" becomes the implicit flow in every release.
    changed = ["grant_types", "response_types"]
    note = ("Keycloak maps the guide's response type 'token' onto its implicit flow: grant_types gains "
            "'implicit' and response_types read back as ['id_token token', 'id_token']")
    source = ("observed 26.7.3 (fixtures/keycloak/observed-26.7.3.json, register.guide_metadata); "
              "src:DescriptionConverter (harness/products/keycloak/emulator/converter.py)")
    if profile.expands_client_credentials_grants:
        note += "; 26.0.x also adds authorization_code and refresh_token"
        source += "; KeycloakProfile.expands_client_credentials_grants"
    if not profile.echo_requested_auth_method:
        changed.append("token_endpoint_auth_method")
        note += f"; Keycloak {v} reads token_endpoint_auth_method back as client_secret_basic"
        source += "; KeycloakProfile.echo_requested_auth_method (observed 26.4.7, 26.5.6)"
    q.append(Quirk(
        "REG-METADATA-ECHOED", changed_only(changed), note, source,
        shows=f"only {'/'.join(changed)} changed",
    ))
    return q
