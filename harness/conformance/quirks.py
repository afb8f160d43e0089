"""Known deviations of each IdP profile, declared once with their source.

A quirk names a check, the behaviour the product is known to show instead of the
specified one (``observed``: a value equal to the check's ``actual``, or a predicate on
it), a one-line note and where the fact comes from. When a check FAILs (or WARNs) and
its ``actual`` matches a quirk declared for the profile under test, the engine reports
it as level **QUIRK**, verdict **WARN**, with the note and the source in the message:
visible in every report, never silently passed, and never failing the run. A declared
quirk that is *not* observed leaves the verdict alone and adds a note saying so.

Where the emulator's wire profile already models the quirk
(:mod:`harness.products.keycloak.profile`, :mod:`harness.products.gluu.profile`), the value is
read from that profile field — one source of truth per fact (shared/DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.profile import KeycloakProfile

#: Profiles ``dcr-harness check --profile`` accepts.
PROFILES: tuple[str, ...] = ("keycloak", "gluu", "generic")

_KC = KeycloakProfile()
_GLUU = GluuProfile.for_version("4.2")


@dataclass(frozen=True)
class Quirk:
    """A known deviation: check ``check_id`` shows ``observed`` on this product."""

    check_id: str
    observed: Any  # a value compared with Result.actual, or a predicate on it
    note: str
    source: str
    #: Human text for the catalogue when ``observed`` is a predicate.
    shows: str = ""

    def matches(self, actual: Any) -> bool:
        if callable(self.observed):
            try:
                return bool(self.observed(actual))
            except (TypeError, ValueError, KeyError, AttributeError):
                return False
        return bool(actual == self.observed)

    def describe_observed(self) -> str:
        return self.shows or repr(self.observed)


def _status(status: int) -> Callable[[Any], bool]:
    """Predicate: ``actual`` is an ``"<status> ..."`` string (status + error code)."""
    return lambda actual: isinstance(actual, str) and actual.split(" ", 1)[0] == str(status)


def _changed_only(fields: set[str]) -> Callable[[Any], bool]:
    """Predicate for REG-METADATA-ECHOED: only these members were changed."""
    return lambda actual: isinstance(actual, dict) and bool(actual) and set(actual) <= fields


def _missing_only(claims: set[str]) -> Callable[[Any], bool]:
    return lambda actual: isinstance(actual, list) and bool(actual) and set(actual) <= claims


def _keycloak() -> list[Quirk]:
    kc_md = "shared/reference/keycloak.md"
    q: list[Quirk] = []
    if _KC.wrong_secret_error != "invalid_client":
        for cid in ("TOKEN-WRONG-SECRET-401", "TOKEN-WRONG-SECRET-BASIC-401"):
            q.append(Quirk(
                cid, f"401 {_KC.wrong_secret_error}",
                f"Keycloak answers a known client with a wrong secret with {_KC.wrong_secret_error} "
                "(RFC 6749 §5.2 says invalid_client); the status is right",
                f"KeycloakProfile.wrong_secret_error; {kc_md} (Token endpoint)",
            ))
    if _KC.rejects_unknown_metadata:
        q.append(Quirk(
            "REG-UNKNOWN-METADATA-IGNORED", _status(400),
            "Keycloak's JSON binding refuses unknown client metadata with 400 instead of ignoring it "
            "(the portal's Keycloak driver sends only standard members for this reason)",
            f"KeycloakProfile.rejects_unknown_metadata; {kc_md} (Dynamic Client Registration)",
            shows="400 ...",
        ))
    for cid in ("REG-CACHE-NO-STORE", "REG-PRAGMA-NO-CACHE"):
        q.append(Quirk(
            cid, "(absent)",
            "Keycloak's client registration service sends no Cache-Control/Pragma headers on the "
            "client information response",
            f"{kc_md} (\"registration and initial-access endpoints send no Cache-Control header\")",
        ))
    q.append(Quirk(
        "REG-BAD-IAT-WWW-AUTHENTICATE", "(absent)",
        "Keycloak's client registration service answers 401 invalid_token without WWW-Authenticate",
        f"{kc_md} (\"... and no WWW-Authenticate\")",
    ))
    q.append(Quirk(
        "MGMT-BAD-RAT-WWW-AUTHENTICATE", "(absent)",
        "Keycloak's client registration service answers 401 invalid_token without WWW-Authenticate",
        f"{kc_md} (\"... and no WWW-Authenticate\")",
    ))
    q.append(Quirk(
        "TOKEN-BASIC-WWW-AUTHENTICATE", "(absent)",
        "Keycloak's token endpoint answers a failed client authentication with 401 and a JSON error but "
        "no WWW-Authenticate header, also when the client used HTTP Basic",
        "src:ClientAuthUtil.errorResponse (keycloak/keycloak, services/.../authenticators/client); "
        "observed 26.7.3 (docs/keycloak-verdicts.md)",
    ))
    if _KC.partial_update:
        q.append(Quirk(
            "MGMT-UPDATE-FULL-REPLACEMENT", "kept",
            "Keycloak treats PUT as a partial update: omitted members keep their values",
            f"KeycloakProfile.partial_update; {kc_md} (Client configuration, observed 26.7.x)",
        ))
    if _KC.enforce_registered_secret_method:
        if _KC.wrong_secret_error != "invalid_client":
            q.append(Quirk(
                "TOKEN-WRONG-METHOD-401", f"401 {_KC.wrong_secret_error}",
                f"Keycloak refuses the other secret method with {_KC.wrong_secret_error} \"Invalid method used to get "
                "client secret\" (RFC 6749 §5.2 says invalid_client)",
                "KeycloakProfile.enforce_registered_secret_method (observed 26.7.3, fixtures/keycloak/observed-26.7.3.json)",
            ))
    else:
        q.append(Quirk(
            "TOKEN-WRONG-METHOD-401", "200",
            "Keycloak accepts client_secret_basic and client_secret_post for any confidential client, "
            "whatever token_endpoint_auth_method was registered",
            f"KeycloakProfile.enforce_registered_secret_method; {kc_md} (\"both work at the token endpoint\")",
        ))
    q.append(Quirk(
        "REG-REDIRECT-URI-IMPLICIT-HTTPS", "201",
        "Keycloak registers a web client using the implicit grant with an http redirect URI on any host: "
        "its client registration service does not check redirect URIs against application_type "
        "(OIDC Registration §2 says the server MUST)",
        "observed 26.4.7, 26.5.6 and 26.7.3 (docs/verdicts/keycloak.md)",
    ))
    q.append(Quirk(
        "TOKEN-JWT-TYP-AT-JWT", "JWT",
        "Keycloak access tokens carry typ \"JWT\" (the RFC 9068 profile is not used by default)",
        f"{kc_md} (Access token: \"Header alg RS256, typ JWT\")",
    ))
    q.append(Quirk(
        "REG-METADATA-ECHOED", _changed_only({"grant_types", "response_types"}),
        "Keycloak maps the guide's response type 'token' onto its implicit flow: grant_types gains "
        "'implicit' and response_types read back as ['id_token token', 'id_token']",
        "observed 26.7.3 (fixtures/keycloak/observed-26.7.3.json, register.guide_metadata); "
        "src:DescriptionConverter (harness/products/keycloak/emulator/converter.py)",
        shows="only grant_types/response_types changed",
    ))
    return q


def _gluu() -> list[Quirk]:
    g_md = "shared/reference/gluu.md"
    q: list[Quirk] = []
    if _GLUU.registration_status != 201:
        q.append(Quirk(
            "REG-STATUS-201", _GLUU.registration_status,
            f"Gluu 4 answers a successful registration with {_GLUU.registration_status} (Janssen answers 201)",
            f"GluuProfile.registration_status; {g_md} (Registration)",
        ))
    if _GLUU.bad_rat_status_get_put != 401:
        for cid in ("MGMT-READ-BAD-RAT-401", "MGMT-UPDATE-BAD-RAT-401", "MGMT-DELETED-READ-401",
                    "MGMT-RAT-OTHER-CLIENT"):
            q.append(Quirk(
                cid, _status(_GLUU.bad_rat_status_get_put),
                f"Gluu 4 answers GET/PUT with a registration access token that does not match with "
                f"{_GLUU.bad_rat_status_get_put} (RFC 6750 §3.1 says 401)",
                f"GluuProfile.bad_rat_status_get_put; {g_md} (\"GET/PUT with a bad token → 400 (Gluu 4 quirk)\")",
                shows=f"{_GLUU.bad_rat_status_get_put} ...",
            ))
    if _GLUU.unknown_grant_type_status != 400:
        q.append(Quirk(
            "TOKEN-UNSUPPORTED-GRANT-400", _status(_GLUU.unknown_grant_type_status),
            f"oxAuth fails on an unknown grant_type with an empty {_GLUU.unknown_grant_type_status}",
            "GluuProfile.unknown_grant_type_status (src:TokenRestWebServiceImpl)",
            shows=f"{_GLUU.unknown_grant_type_status} ...",
        ))
        bad = f"unsupported_grant: {_GLUU.unknown_grant_type_status} "
        q.append(Quirk(
            "TOKEN-ERROR-FORMAT",
            lambda actual: isinstance(actual, list) and bool(actual) and all(str(p).startswith(bad) for p in actual),
            f"the only malformed token error is oxAuth's empty {_GLUU.unknown_grant_type_status} for an unknown grant_type",
            "GluuProfile.unknown_grant_type_status (src:TokenRestWebServiceImpl)",
            shows=f"only the unknown-grant answer ({_GLUU.unknown_grant_type_status}, no JSON)",
        ))
    q.append(Quirk(
        "DISC-JWKS-EC-COORDINATES", lambda actual: isinstance(actual, list) and bool(actual),
        "Gluu ≤ 4.3 writes EC coordinates with Java BigInteger.toByteArray() (33-byte P-256 x/y); later "
        "releases strip without left-padding. Tyk rejects the whole JWKS: the guide's fix restricts "
        "jwksAlgorithmsSupported to RSA",
        f"GluuProfile.ec_coordinate_serialisation; {g_md} (JWKS and the EC coordinate bug)",
        shows="EC keys with wrong-length coordinates",
    ))
    q.append(Quirk(
        "MGMT-UPDATE-FULL-REPLACEMENT", "kept",
        "oxAuth's update keeps omitted members (only token_endpoint_auth_method is reset to its default)",
        "GluuProfile.update_resets_auth_method (src:RegisterRestWebServiceImpl)",
    ))
    q.append(Quirk(
        "TOKEN-JWT-REQUIRED-CLAIMS", _missing_only({"sub", "jti", "typ"}),
        "Gluu JWT access tokens have no sub (the Gluu guide uses client_id as the gateway identity)",
        f"{g_md} (\"... and no sub\")",
        shows="sub/jti missing",
    ))
    q.append(Quirk(
        "TOKEN-JWT-TYP-AT-JWT", lambda actual: actual in ("JWT", "(absent)"),
        "Gluu JWT access tokens do not use the RFC 9068 typ at+jwt",
        f"{g_md} (Token endpoint: RS256 JWT)",
        shows="JWT or absent",
    ))
    if _GLUU.grant_type_autofix:
        q.append(Quirk(
            "REG-METADATA-ECHOED", _changed_only({"grant_types", "response_types"}),
            "Gluu 4.0-4.3 fix up grant/response types: the guide's client_credentials + token comes back "
            "with implicit added",
            "GluuProfile.grant_type_autofix (src:RegisterRestWebServiceImpl)",
            shows="only grant_types/response_types changed",
        ))
    return q


_BY_PROFILE: dict[str, list[Quirk]] = {"keycloak": _keycloak(), "gluu": _gluu(), "generic": []}


def quirks_for(profile: str) -> list[Quirk]:
    """Every quirk declared for ``profile`` (``generic`` declares none)."""
    return list(_BY_PROFILE.get(profile, []))


def find(profile: str, check_id: str) -> list[Quirk]:
    return [q for q in _BY_PROFILE.get(profile, []) if q.check_id == check_id]


def match(profile: str, check_id: str, actual: Any) -> Quirk | None:
    """The quirk of ``profile`` that explains ``actual`` for ``check_id``, if any."""
    for q in find(profile, check_id):
        if q.matches(actual):
            return q
    return None
