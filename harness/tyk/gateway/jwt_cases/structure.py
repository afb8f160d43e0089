"""JWT cases: the compact serialization (RFC 7515 §2, §7.1) and the JSON of header and
payload (RFC 7515 §4, RFC 7519 §4, §7.2), each with Tyk's exact answer."""

from __future__ import annotations

from functools import partial

from harness.tyk.gateway.jwt_cases.model import KNA, SRC_PARSE, JwtCase, Keys, raw_token, token

#: Size of the claim that makes a huge token (~270 kB; Go's default header limit, which Tyk
#: keeps, is 1 MB). Sent in-process: uvicorn's h11 parser, which serves the harness
#: gateway on loopback, refuses request heads over 16 KiB when they arrive in pieces.
HUGE_CLAIM = 200_000
#: Identities of the cases whose decision is checked (unique: no shared gateway session).
DUPLICATE_CLAIM_IDENTITY = "dcr-harness-duplicate-claim-last"
NON_UTF8_IDENTITY = "dcr-harness-\ufffd-utf8"
SEGMENTS = "structure: two/four segments"
BASE64 = "structure: bad base64url (padding, `+/`)"
NOT_JSON = "structure: non-JSON header/payload"
ARRAYS = "structure: JSON arrays instead of objects"
DUPLICATES = "structure: duplicate member names"
NON_UTF8 = "structure: non-UTF-8"
case = partial(JwtCase, source=SRC_PARSE)


def _plus_slash(k: Keys) -> str:
    """The payload in standard base64 (``+`` ``/``) instead of base64url; a run of ``?``
    guarantees a ``_`` in the base64url form whatever the alignment."""
    h, p, s = token(k, payload=k.claims(x="?????????>>>>>>>>>")).split(".")
    assert "_" in p or "-" in p
    return f"{h}.{p.replace('-', '+').replace('_', '/')}.{s}"


def _json_bytes(k: Keys, body: bytes) -> bytes:
    return body.replace(b"EXP", str(k.now + 300).encode())


CHECKS: tuple[JwtCase, ...] = (
    case("JWT-TWO-SEGMENTS", "A token with two segments is refused", "RFC7515-7.1", 403, KNA,
         lambda k: ".".join(token(k).split(".")[:2]), item=SEGMENTS),
    case("JWT-FOUR-SEGMENTS", "A token with four segments is refused", "RFC7515-7.1", 403, KNA,
         lambda k: token(k) + ".e30", item=SEGMENTS),
    case("JWT-B64-PADDING", "A segment with base64 padding (=) is refused", "RFC7515-2", 403, KNA,
         lambda k: token(k).replace(".", "=.", 1), item=BASE64),
    case("JWT-B64-PLUS-SLASH", "A segment in standard base64 (+ /) instead of base64url is refused",
         "RFC7515-2", 403, KNA, _plus_slash, item=BASE64),
    case("JWT-HEADER-NOT-JSON", "A header that is not JSON is refused", "RFC7519-7.2", 403, KNA,
         lambda k: raw_token(b"not json", k.claims(), k.rsa), item=NOT_JSON),
    case("JWT-PAYLOAD-NOT-JSON", "A payload that is not JSON is refused", "RFC7519-7.2", 403, KNA,
         lambda k: token(k, payload=b"not json"), item=NOT_JSON),
    case("JWT-HEADER-JSON-ARRAY", "A header that is a JSON array instead of an object is refused",
         "RFC7519-7.2", 403, KNA, lambda k: raw_token(["RS256"], k.claims(), k.rsa), item=ARRAYS),
    case("JWT-PAYLOAD-JSON-ARRAY", "A payload that is a JSON array instead of an object is refused",
         "RFC7519-7.2", 403, KNA, lambda k: token(k, payload=[k.claims()]), item=ARRAYS),
    case("JWT-DUPLICATE-HEADER-MEMBER", "A duplicated header member: the last value wins (alg RS256)",
         "RFC7515-4", 200, "",
         lambda k: raw_token(b'{"alg":"HS256","alg":"RS256","kid":"' + k.kid.encode() + b'"}', k.claims(), k.rsa),
         see=("TYK-JWT",), item=DUPLICATES),
    case("JWT-DUPLICATE-CLAIM", "A duplicated claim: the last value wins (the identity)", "RFC7519-4", 200, "",
         lambda k: token(k, payload=_json_bytes(
             k, b'{"client_id":"dcr-harness-mallory","client_id":"' + DUPLICATE_CLAIM_IDENTITY.encode()
             + b'","exp":EXP}')),
         identity=DUPLICATE_CLAIM_IDENTITY, see=("TYK-JWT",), item=DUPLICATES),
    case("JWT-HUGE-TOKEN", "A huge token (a 200 kB claim) is accepted: Tyk sets no limit below Go's 1 MB "
         "header limit", "TYK-JWT", 200, "", lambda k: token(k, payload=k.claims(blob="x" * HUGE_CLAIM)),
         in_process=True, item="structure: huge tokens"),
    case("JWT-WHITESPACE-INSIDE", "A token with whitespace inside is refused", "RFC7515-7.1", 403, KNA,
         lambda k: token(k).replace(".", " .", 1), item="structure: whitespace"),
    case("JWT-NON-UTF8-IN-STRING", "Invalid UTF-8 inside a claim string becomes U+FFFD, as Go's JSON "
         "decoder does", "TYK-JWT", 200, "",
         lambda k: token(k, payload=_json_bytes(k, b'{"client_id":"dcr-harness-\xff-utf8","exp":EXP}')),
         identity=NON_UTF8_IDENTITY, see=("RFC7519-7.2",), item=NON_UTF8),
    case("JWT-NON-UTF8-OUTSIDE-STRING", "Invalid UTF-8 outside a string makes the payload invalid JSON (403)",
         "RFC7519-7.2", 403, KNA,
         lambda k: token(k, payload=_json_bytes(k, b'{"client_id":"dcr-harness-x",\xff"exp":EXP}')), item=NON_UTF8),
)

#: Gateway tests only (a frozen clock, one API per case): more of Go's JSON decoder.
GATEWAY: tuple[JwtCase, ...] = (
    case("JWT-PAYLOAD-TRAILING-DATA", "Data after the payload's JSON object is ignored, as Go's json.Decoder does",
         "RFC7519-7.2", 200, "",
         lambda k: token(k, payload=_json_bytes(k, b'{"client_id":"dcr-harness-x","exp":EXP} trailing garbage'))),
    case("JWT-PAYLOAD-NAN", "NaN is not JSON: the payload is refused", "RFC7519-7.2", 403, KNA,
         lambda k: token(k, payload=b'{"client_id":"dcr-harness-x","exp":NaN}'), item=NOT_JSON),
    case("JWT-PAYLOAD-NUMBER-OVERFLOW", "A number beyond float64 (1e999) makes the payload invalid", "RFC7519-7.2",
         403, KNA, lambda k: token(k, payload=b'{"client_id":"dcr-harness-x","exp":1e999}'), item=NOT_JSON),
)

__all__ = ["CHECKS", "GATEWAY", "HUGE_CLAIM", "DUPLICATE_CLAIM_IDENTITY", "NON_UTF8_IDENTITY"]
