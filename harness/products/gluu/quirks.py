"""The deviations from the specifications a Gluu 4 (oxAuth) release is known to show, as
the conformance checks will see them: derived from the :class:`GluuProfile` *instance*
under test, so that 4.4 declares 4.4's quirks (no grant/response-type autofix, EC
coordinates stripped rather than sign-padded) and 4.2 declares 4.2's.

Every value comes from a profile field (the same field the emulator reads); the source
names the field and where its fact comes from. Check ids are the catalogue's
(docs/conformance.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from harness.products.gluu.profile import GluuProfile
from harness.products.quirk import Quirk, changed_only, missing_none_of, status_is

G_MD = "shared/reference/gluu.md"

#: How DISC-JWKS-EC-COORDINATES reports one wrong-length coordinate:
#: ``"<kid>: x is 33 bytes, P-256 needs 32"``.
_EC_LENGTH = re.compile(r": [xy] is (\d+) bytes, \S+ needs (\d+)$")


def _ec_lengths(serialisation: str) -> Callable[[Any], bool]:
    """Predicate for DISC-JWKS-EC-COORDINATES: every wrong coordinate is wrong the way
    ``serialisation`` makes it. ``sign-byte`` (BigInteger.toByteArray) gives one byte
    too many when the top bit is set and too few after leading zero bytes; ``stripped``
    only ever gives too few (no left padding)."""

    def matches(actual: Any) -> bool:
        if not isinstance(actual, list) or not actual:
            return False
        for entry in actual:
            m = _EC_LENGTH.search(str(entry))
            if m is None:
                return False  # an unknown curve or bad base64url is no serialisation quirk
            got, needed = int(m.group(1)), int(m.group(2))
            if got > needed and (serialisation != "sign-byte" or got != needed + 1):
                return False
        return True

    return matches


def quirks(profile: GluuProfile) -> list[Quirk]:
    """Every quirk of Gluu ``profile.version`` the checks will meet."""
    v = profile.version
    q: list[Quirk] = []
    if profile.registration_status != 201:
        q.append(Quirk(
            "REG-STATUS-201", profile.registration_status,
            f"Gluu 4 answers a successful registration with {profile.registration_status} (Janssen answers 201)",
            f"GluuProfile.registration_status; {G_MD} (Registration)",
        ))
    if profile.bad_rat_status_get_put != 401:
        for cid in ("MGMT-READ-BAD-RAT-401", "MGMT-UPDATE-BAD-RAT-401", "MGMT-DELETED-READ-401",
                    "MGMT-RAT-OTHER-CLIENT"):
            q.append(Quirk(
                cid, status_is(profile.bad_rat_status_get_put),
                f"Gluu 4 answers GET/PUT with a registration access token that does not match with "
                f"{profile.bad_rat_status_get_put} (RFC 6750 §3.1 says 401)",
                f"GluuProfile.bad_rat_status_get_put; {G_MD} (\"GET/PUT with a bad token → 400 (Gluu 4 quirk)\")",
                shows=f"{profile.bad_rat_status_get_put} ...",
            ))
    if profile.unknown_grant_type_status != 400:
        status = profile.unknown_grant_type_status
        q.append(Quirk(
            "TOKEN-UNSUPPORTED-GRANT-400", status_is(status),
            f"oxAuth fails on an unknown grant_type with an empty {status}",
            "GluuProfile.unknown_grant_type_status (src:TokenRestWebServiceImpl)",
            shows=f"{status} ...",
        ))
        bad = f"unsupported_grant: {status} "
        q.append(Quirk(
            "TOKEN-ERROR-FORMAT",
            lambda actual: isinstance(actual, list) and bool(actual) and all(str(p).startswith(bad) for p in actual),
            f"the only malformed token error is oxAuth's empty {status} for an unknown grant_type",
            "GluuProfile.unknown_grant_type_status (src:TokenRestWebServiceImpl)",
            shows=f"only the unknown-grant answer ({status}, no JSON)",
        ))
    if profile.ec_coordinate_serialisation == "sign-byte":
        ec_note = (f"Gluu {v} writes EC coordinates with Java BigInteger.toByteArray(): a sign byte when the top "
                   "bit is set (33-byte P-256 x/y), fewer bytes after a leading zero byte")
        ec_shows = "EC keys with wrong-length coordinates (one byte long, or short)"
    else:
        ec_note = (f"Gluu {v} strips BigInteger's sign byte but does not left-pad: a coordinate with a leading zero "
                   "byte comes out short (31 bytes for P-256)")
        ec_shows = "EC keys with short coordinates"
    q.append(Quirk(
        "DISC-JWKS-EC-COORDINATES", _ec_lengths(profile.ec_coordinate_serialisation),
        ec_note + ". Tyk rejects the whole JWKS: the guide's fix restricts jwksAlgorithmsSupported to RSA",
        f"GluuProfile.ec_coordinate_serialisation; {G_MD} (JWKS and the EC coordinate bug)",
        shows=ec_shows,
    ))
    if profile.update_keeps_omitted:
        q.append(Quirk(
            "MGMT-UPDATE-FULL-REPLACEMENT", "kept",
            "oxAuth's update keeps omitted members (only "
            + ", ".join(profile.update_resets_omitted) + " are reset to their defaults)",
            "GluuProfile.update_keeps_omitted, GluuProfile.update_resets_omitted (src:RegisterRestWebServiceImpl)",
        ))
    claims = profile.jwt_access_token_claims
    q.append(Quirk(
        "TOKEN-JWT-REQUIRED-CLAIMS", missing_none_of(claims),
        "Gluu JWT access tokens carry only " + ", ".join(claims)
        + ("" if "sub" in claims else " (no sub: the Gluu guide uses client_id as the gateway identity)"),
        f"GluuProfile.jwt_access_token_claims; {G_MD} (\"... and no sub\")",
        shows="only claims Gluu does not write are missing",
    ))
    if profile.access_token_typ.lower() not in ("at+jwt", "application/at+jwt"):
        q.append(Quirk(
            "TOKEN-JWT-TYP-AT-JWT", profile.access_token_typ,
            f"Gluu JWT access tokens carry typ \"{profile.access_token_typ}\", not RFC 9068's at+jwt",
            "GluuProfile.access_token_typ (src:JwtSigner.newJwt)",
        ))
    if profile.grant_type_autofix:
        q.append(Quirk(
            "REG-METADATA-ECHOED", changed_only({"grant_types", "response_types"}),
            f"Gluu {v} fixes up grant/response types: the guide's client_credentials + token comes back "
            "with implicit added",
            "GluuProfile.grant_type_autofix (src:RegisterRestWebServiceImpl)",
            shows="only grant_types/response_types changed",
        ))
    return q
