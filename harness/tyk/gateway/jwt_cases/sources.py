"""JWT cases: where the token travels — the ``Authorization`` header with or without the
``Bearer`` prefix, the API's own auth header, a query parameter, a cookie, and which
wins (shared/reference/tyk.md "Decision order" 1; gateway/middleware.go getAuthToken,
mw_jwt.go stripBearer). Gateway tests only: the conformance probe always sends
``Authorization: Bearer``."""

from __future__ import annotations

from functools import partial

from harness.tyk.gateway.jwt_cases.model import KNA, NO_AUTH, RSA_API, SRC_TOKEN, Carry, JwtCase, token

case = partial(JwtCase, source=SRC_TOKEN)
PARAM_API = RSA_API.but(auth={"use_param": True, "param_name": "jwt"})
CUSTOM_HEADER_API = RSA_API.but(auth={"auth_header_name": "X-Api-Token"})


def _header(value: str | None) -> Carry:
    return Carry(headers={"Authorization": value or ""})


GATEWAY: tuple[JwtCase, ...] = (
    case("JWT-EMPTY-AUTH-HEADER", "An empty Authorization header answers 400", "RFC6750-2.1", 400, NO_AUTH,
         lambda k: "", carry=_header),
    case("JWT-NO-BEARER-PREFIX", "A token without the Bearer prefix is accepted", "TYK-JWT", 200, "",
         lambda k: token(k), carry=_header),
    case("JWT-BEARER-ANY-CASE", "The Bearer prefix is case-insensitive", "RFC6750-2.1", 200, "",
         lambda k: token(k), carry=lambda t: _header(f"bEaReR {t}")),
    case("JWT-BEARER-COLON", "'Bearer:' is not repaired", "TYK-JWT", 403, KNA,
         lambda k: token(k), carry=lambda t: _header(f"Bearer: {t}")),
    case("JWT-BEARER-DOUBLED", "A doubled Bearer prefix is not repaired", "TYK-JWT", 403, KNA,
         lambda k: token(k), carry=lambda t: _header(f"Bearer Bearer {t}")),
    case("JWT-BEARER-ALONE", "'Bearer' alone is a token that does not parse", "TYK-JWT", 403, KNA,
         lambda k: None, carry=lambda t: _header("Bearer")),
    case("JWT-CUSTOM-HEADER", "The API's auth header carries the token (any case)", "TYK-JWT", 200, "",
         lambda k: token(k), api=CUSTOM_HEADER_API, carry=lambda t: Carry(headers={"x-api-token": str(t)})),
    case("JWT-CUSTOM-HEADER-IGNORES-AUTHORIZATION", "With another auth header, Authorization is not read",
         "TYK-JWT", 400, NO_AUTH, lambda k: token(k), api=CUSTOM_HEADER_API, carry=_header),
    case("JWT-QUERY-PARAM", "A query parameter carries the token when the API enables it", "RFC6750-2.3", 200, "",
         lambda k: token(k), api=PARAM_API, carry=lambda t: Carry(query={"jwt": str(t)})),
    case("JWT-QUERY-PARAM-DEFAULT-NAME", "Without param_name the query parameter is named like the auth header",
         "TYK-JWT", 200, "", lambda k: token(k), api=RSA_API.but(auth={"use_param": True}),
         carry=lambda t: Carry(query={"Authorization": str(t)})),
    case("JWT-COOKIE", "A cookie carries the token when the API enables it", "TYK-JWT", 200, "",
         lambda k: token(k), api=RSA_API.but(auth={"use_cookie": True, "cookie_name": "jwt"}),
         carry=lambda t: Carry(cookies={"jwt": str(t)})),
    case("JWT-QUERY-OVERRIDES-HEADER", "A non-empty query parameter overrides the header", "TYK-JWT", 200, "",
         lambda k: token(k), api=PARAM_API,
         carry=lambda t: Carry(headers={"Authorization": "garbage"}, query={"jwt": str(t)})),
    case("JWT-COOKIE-OVERRIDES-QUERY", "A non-empty cookie overrides the query parameter", "TYK-JWT", 403, KNA,
         lambda k: token(k), api=RSA_API.but(auth={"use_param": True, "param_name": "jwt", "use_cookie": True,
                                                   "cookie_name": "jwt"}),
         carry=lambda t: Carry(query={"jwt": str(t)}, cookies={"jwt": "garbage"})),
    case("JWT-EMPTY-QUERY-DOES-NOT-OVERRIDE", "An empty query parameter does not override the header", "TYK-JWT",
         200, "", lambda k: token(k), api=PARAM_API,
         carry=lambda t: Carry(headers={"Authorization": str(t)}, query={"jwt": ""})),
    case("JWT-AUTH-CONFIGS-JWT-WINS", "auth_configs.jwt wins over auth", "TYK-JWT", 200, "", lambda k: token(k),
         api=RSA_API.but(auth_configs={"jwt": {"auth_header_name": "X-Jwt"}}, auth={"auth_header_name": "Authorization"}),
         carry=lambda t: Carry(headers={"X-Jwt": str(t)})),
)

__all__ = ["GATEWAY"]
