"""Failure diagnosis: from a failed step and its error to the likely cause and the fix.

Each rule is one named misconfiguration with the step(s) it shows up in, a pattern on
the failure text, and the explanation a support engineer would give. The first
matching rule wins; without a match the raw failure stands on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    steps: tuple[str, ...]
    pattern: str
    cause: str
    fix: str

    def matches(self, step: str, text: str) -> bool:
        return (not self.steps or step in self.steps) and re.search(self.pattern, text, re.I) is not None


RULES: tuple[Rule, ...] = (
    Rule("iat-exhausted", ("oauth-client-wizard",), r"No remaining count on initial access token",
         "the initial access token has no registrations left (its count is used up)",
         "create a new initial access token in Keycloak (Realm settings → Client Registration → Create) "
         "with a higher count, and paste it into the catalogue entry's DCR settings"),
    Rule("iat-expired", ("oauth-client-wizard",), r"Expired initial access token|Failed decode token",
         "the initial access token is expired, from another realm, or not a token at all",
         "create a new initial access token (Realm settings → Client Registration → Create) with a longer "
         "expiration, and update 'Initial Registration Access Token' in the DCR settings"),
    Rule("iat-missing", ("oauth-client-wizard",), r"Trusted Hosts|Host not trusted",
         "no initial access token was sent, and Keycloak only allows anonymous registration from trusted hosts",
         "set 'Initial Registration Access Token' in the catalogue entry's DCR settings"),
    Rule("scope-not-allowed", ("oauth-client-wizard",), r"Allowed Client Scopes",
         "the registration asks for a client scope the realm's 'Allowed Client Scopes' policy rejects",
         "remove the scope from the request or allow it under Clients → Client registration → policies"),
    # Refined: only an empty/missing redirect URI (a malformed one is "invalid-redirect-uri" below).
    Rule("redirect-required", ("oauth-client-wizard",),
         r"invalid_(client_metadata|redirect_uri).*(without a redirect URL|redirect[ _]?ur[il]s? (is |are )?"
         r"(empty|required|missing))",
         "the IdP requires a redirect URL for the requested response types (Gluu: response type 'token' "
         "needs redirect_uris)",
         "enter a redirect URL in the wizard, or set Response Types to none/empty for client_credentials"),
    Rule("dcr-disabled", ("oauth-client-wizard",), r"does not list .*DCR is not enabled",
         "DCR is not enabled for the catalogue API (override off and no global DCR settings, or enable_dcr false)",
         "open the catalogue entry → Settings → 'Override global settings' and fill the DCR section"),
    Rule("registration-disabled", ("oauth-client-wizard",), r"dynamic registration|registration is disabled|access_denied",
         "the IdP has dynamic client registration switched off",
         "Gluu: enable dynamicRegistrationEnabled in the OxAuth JSON configuration"),
    # Inserted before the generic TLS rule: at the gateway it is tyk.conf, not tyk_analytics.conf.
    # The real Tyk logs Go's wording (crypto/tls "tls: failed to verify certificate: x509: ...").
    Rule("jwks-tls-untrusted", ("gateway-call",),
         r"TLS verification failed|CERTIFICATE_VERIFY_FAILED|certificate verify failed|failed to verify certificate",
         "the gateway could not fetch the JWKS because it does not trust the IdP's TLS certificate "
         "(self-signed or unknown CA), so it refuses every token",
         "set jwt_ssl_insecure_skip_verify: true in tyk.conf and restart the gateway, or better give the "
         "gateway the IdP's CA bundle (gateway.jwks_ca_bundle)"),
    Rule("tls-untrusted", (), r"TLS verification failed|CERTIFICATE_VERIFY_FAILED|certificate verify failed",
         "the IdP's TLS certificate is not trusted (self-signed or unknown CA)",
         "set dcr_ssl_insecure_skip_verify: true in tyk_analytics.conf (and jwt_ssl_insecure_skip_verify in "
         "tyk.conf), or better give the IdP's CA bundle"),
    Rule("idp-unreachable", (), r"cannot connect|Connection refused|timed out|no answer within",
         "the IdP is not reachable at the configured URL (down, wrong host or port)",
         "check 'Identity Provider Host' and 'Client Registration Endpoint' against the IdP's discovery document"),
    Rule("wrong-registration-endpoint", ("oauth-client-wizard",), r"HTTP 404|HTTP 405|non-OAuth answer",
         "the Client Registration Endpoint does not point at the IdP's registration endpoint",
         "copy registration_endpoint from the IdP's .well-known/openid-configuration into the DCR settings"),
    Rule("wrong-secret", ("token-request",), r"unauthorized_client|invalid_client",
         "the IdP refused the client credentials (wrong secret, wrong auth method or unknown client)",
         "use the client id and secret shown by the portal, sent the way the client was registered "
         "(token_endpoint_auth_method)"),
    Rule("ec-jwks", ("gateway-call",), r"wrong length|EC.*coordinate|bytes, expected",
         "the IdP's JWKS publishes an EC key with a wrong-length coordinate, so the gateway rejects the whole "
         "key set and refuses every token",
         "Gluu: restrict jwksAlgorithmsSupported to RSA algorithms (RS256, RS384, RS512) in the OxAuth "
         "configuration so no EC key is published"),
    Rule("api-not-in-policy", ("gateway-call",), r"Access to this API has been disallowed",
         "the token's policy does not grant access to this API",
         "add the API to the policy's Access rights"),
    Rule("no-policy", ("gateway-call",), r"no matching policy",
         "the token names a policy (Policy Field Name claim) the gateway does not know",
         "fix the policy claim, or remove the claim so the API's default policy applies"),
    Rule("key-expired", ("gateway-call",), r"Key has expired",
         "the session's key expiry (policy key_expires_in / token exp) has passed",
         "give the policy a key expiry, or request a fresh token"),
    Rule("token-expired", ("gateway-call",), r"token has expired",
         "the access token is expired (or the gateway's clock is ahead)",
         "request a new token; check clocks or jwt_expires_at_validation_skew"),
    Rule("identity-missing", ("gateway-call",), r"empty user ID|no suitable claims",
         "the token has neither the Identity Source claim nor sub",
         "set Identity Source to a claim the IdP puts in its tokens (Keycloak: sub; Gluu: client_id)"),
    Rule("signing-method", ("gateway-call",), r"Unexpected signing method",
         "the API's JWT signing method does not match the token's algorithm",
         "set the API's JWT signing method to the IdP's family (RS256 → rsa)"),
    # Inserted before the catch-all "Key not authorized" rule.
    Rule("opaque-token", ("gateway-call",), r"opaque, not a JWT",
         "the IdP issued an opaque (non-JWT) access token, which the gateway's JWT authentication cannot verify",
         "make the IdP issue JWT access tokens (Gluu: register the client with access_token_as_jwt: true — "
         "pick the Gluu provider in the DCR settings so the driver asks for it)"),
    Rule("jwks-unusable", ("gateway-call",), r"Key not authorized",
         "the gateway could not verify the token with the API's JWT source (wrong JWKS URI, unreachable JWKS, "
         "unknown kid, or a JWKS it cannot decode)",
         "set the API's JWKS URI to jwks_uri from the IdP's discovery document"),
    Rule("auth-missing", ("gateway-call",), r"Authorization field missing",
         "the request to the gateway carried no token",
         "send 'Authorization: Bearer <access_token>'"),
    Rule("policy-grants-nothing", ("gateway-call",), r"no valid policies to be applied",
         "the policy applied to the token grants access to no API at all (its Access rights are empty), so the "
         "gateway cannot create a session for the token",
         "add the API to the policy's Access rights (System Management → Policies → Access rights)"),
    Rule("wrong-separator", ("oauth-client-wizard",), r"redirect URIs mismatch",
         "the redirect URLs typed into the wizard were not split as meant: oauth_redirect_uri_separator in "
         "tyk_analytics.conf is not the separator the developer used",
         "set oauth_redirect_uri_separator in tyk_analytics.conf to the separator developers type (the guides "
         "use \";\"), restart the Dashboard, and re-create the client"),
    Rule("invalid-redirect-uri", ("oauth-client-wizard",), r"invalid_redirect_uri",
         "the IdP rejected a redirect URI as invalid; when several URLs were typed into the one field, the "
         "usual reason is that oauth_redirect_uri_separator is not the separator the developer used, so they "
         "were sent joined as one malformed URI",
         "type each redirect URL as an absolute URI, separated by the oauth_redirect_uri_separator of "
         "tyk_analytics.conf (the guides use \";\"), or set that separator to the one developers use"),
    Rule("registration-endpoint-missing", ("oauth-client-wizard",), r"no Client Registration Endpoint",
         "the DCR settings have no Client Registration Endpoint",
         "copy registration_endpoint from the IdP's .well-known/openid-configuration into 'Client Registration "
         "Endpoint' (catalogue entry → Settings → DCR, or the global portal settings)"),
    Rule("wrong-token-endpoint", ("token-request",), r"HTTP 404|HTTP 405|non-OAuth answer|not a JSON object",
         "the token request went to a URL that is not the IdP's token endpoint",
         "use token_endpoint from the IdP's .well-known/openid-configuration (Keycloak: "
         "<base>/realms/<realm>/protocol/openid-connect/token; no /auth prefix since Keycloak 17)"),
)


def diagnose(step: str, text: str) -> tuple[str, str] | None:
    """``(cause, fix)`` for a failure text at ``step``, or None."""
    for rule in RULES:
        if rule.matches(step, text):
            return rule.cause, rule.fix
    return None
