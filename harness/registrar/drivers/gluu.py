"""Provider ``gluu``: what the Tyk Dashboard sends to Gluu's registration endpoint.

Plain RFC 7591 §2 metadata (the guide's choices: ``grant_types``, ``response_types``,
``token_endpoint_auth_method``, ``redirect_uris`` when typed) plus two oxAuth-specific
members the gateway depends on: Gluu issues opaque access tokens unless the client
registers ``access_token_as_jwt: true`` (default false; shared/reference/gluu.md,
oxAuth RegisterRequestParam ACCESS_TOKEN_AS_JWT), and Tyk validates RS256 JWTs against
the JWKS, so the driver also asks for ``access_token_signing_alg: RS256``
(RegisterRequestParam ACCESS_TOKEN_SIGNING_ALG). oxAuth ignores client metadata it does not know
instead of rejecting it, so extra members are safe here (unlike Keycloak).

The Dashboard itself is closed source: these two members are inferred from what the
gateway needs and what oxAuth accepts, not read from Tyk's code.
"""

from __future__ import annotations

from typing import Any

from harness.registrar.drivers import register_driver
from harness.registrar.drivers.base import Driver
from harness.registrar.options import DcrOptions

#: oxAuth client metadata member: issue access tokens as signed JWTs.
ACCESS_TOKEN_AS_JWT = "access_token_as_jwt"
#: oxAuth client metadata member: JWS alg of those access tokens.
ACCESS_TOKEN_SIGNING_ALG = "access_token_signing_alg"


@register_driver
class GluuDriver(Driver):
    name = "gluu"

    #: Algorithm the gateway's ``jwt_signing_method: rsa`` accepts and the guide's
    #: RSA-only ``jwksAlgorithmsSupported`` still publishes.
    signing_alg = "RS256"

    def metadata(self, options: DcrOptions, client_name: str, redirect_uris: list[str]) -> dict[str, Any]:
        """RFC 7591 §2 metadata plus ``access_token_as_jwt``/``access_token_signing_alg``."""
        body = super().metadata(options, client_name, redirect_uris)
        body[ACCESS_TOKEN_AS_JWT] = True
        body[ACCESS_TOKEN_SIGNING_ALG] = self.signing_alg
        return body
