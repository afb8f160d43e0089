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
         "create a new initial access token in Keycloak (Clients → Initial access token → Create; "
         "the guide's older console: Realm settings → Client Registration) "
         "with a higher count, and paste it into the catalogue entry's DCR settings"),
    Rule("iat-expired", ("oauth-client-wizard",), r"Expired initial access token|Failed decode token",
         "the initial access token is expired, from another realm, or not a token at all",
         "create a new initial access token (Clients → Initial access token → Create; "
         "the guide's older console: Realm settings → Client Registration) with a longer "
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
    # The real Tyk logs Go's net/http wording for the same fault (gateway/mw_jwt.go wraps the
    # fetch error as "JWT validation error: Get \"<url>\": dial tcp ...: connect: connection refused").
    Rule("jwks-unreachable", ("gateway-call",), r"JWKS fetch (from \S+ )?failed: (cannot connect|"
         r"no complete answer|the connection)|Get \"[^\"]+\": (dial tcp|.*(Client\.Timeout exceeded|"
         r"deadline exceeded|connection reset|EOF|no such host))",
         "the gateway could not fetch the API's JWKS URI (nothing answers there, or not in time), so it "
         "refuses every token",
         "set the API's JWKS URI to jwks_uri from the IdP's discovery document and check that the gateway "
         "can reach the IdP"),
    # A network fault after the request left: the IdP may have acted (not "unreachable").
    Rule("answer-lost", (), r"dropped before an answer came|connection broke while the answer",
         "the connection to the IdP broke after the request was sent, so the IdP may have acted (e.g. created "
         "the client) without its answer arriving — a proxy or load balancer cutting the connection, or the IdP "
         "failing mid-request",
         "check proxies and load balancers between Tyk and the IdP (response and idle timeouts) and the IdP's "
         "log; the harness's cleanup finds and deletes a client created this way"),
    Rule("idp-slow", (), r"no complete answer within",
         "the IdP did not finish answering within the deadline (a slow or hanging IdP, or a slow network)",
         "check the IdP's load and health (Keycloak: /health/ready) and the network to it; Tyk's Dashboard "
         "gives up after its own timeout the same way"),
    Rule("idp-unreachable", (), r"cannot connect|Connection refused|timed out|no answer within",
         "the IdP is not reachable at the configured URL (down, wrong host or port)",
         "check 'Identity Provider Host' and 'Client Registration Endpoint' against the IdP's discovery document"),
    Rule("registration-is-token-endpoint", ("oauth-client-wizard",),
         r"HTTP 415|content-type header value did not match",
         "the Client Registration Endpoint refused a JSON request with 415: it is not a registration endpoint "
         "(typically the token endpoint, which takes form posts)",
         "copy registration_endpoint (not token_endpoint) from the IdP's .well-known/openid-configuration into "
         "'Client Registration Endpoint'"),
    Rule("provider-mismatch", ("oauth-client-wizard",), r"Unrecognized field",
         "the IdP rejected a field the DCR provider's driver added: the catalogue's DCR Provider names another "
         "product than the IdP (Keycloak's Jackson parser refuses e.g. Gluu's access_token_as_jwt)",
         "set the DCR Provider to the IdP's product in the catalogue entry's (or the global) DCR settings"),
    Rule("max-clients", ("oauth-client-wizard",), r"Max Clients|max \d+ clients per realm",
         "Keycloak's 'Max Clients Limit' client-registration policy refused: the realm has as many clients as "
         "the policy allows",
         "delete unused clients, or raise the limit under Clients → Client registration → policies"),
    Rule("wrong-registration-endpoint", ("oauth-client-wizard",), r"HTTP 404|HTTP 405|non-OAuth answer",
         "the Client Registration Endpoint does not point at the IdP's registration endpoint",
         "copy registration_endpoint from the IdP's .well-known/openid-configuration into the DCR settings"),
    Rule("no-service-account", ("token-request",), r"not enabled to retrieve service account",
         "the client was registered without the client_credentials grant (Grant Types in the DCR settings), so "
         "the IdP has no service account for it and refuses the grant — the secret is not the problem",
         "add client_credentials to Grant Types in the DCR settings and create the client again"),
    Rule("public-client", ("token-request",), r"Public client not allowed",
         "the client was registered as a public client (token_endpoint_auth_method none), and a public client "
         "has no service account for client_credentials",
         "set Token Endpoint Auth Method to client_secret_post (or client_secret_basic) in the DCR settings "
         "and create the client again"),
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
    Rule("default-policy-missing", ("gateway-call",), r"policy not found",
         "a policy the token gets (the API's jwt_default_policies or its policy claim) does not exist at the "
         "gateway — deleted, or from another organisation — so Tyk cannot create a session",
         "set the API's default policy (API → Authentication → JWT → default policies) to an existing policy, "
         "the one of the catalogue entry"),
    Rule("no-policy", ("gateway-call",), r"no matching policy",
         "the token names a policy (Policy Field Name claim) the gateway does not know",
         "fix the policy claim, or remove the claim so the API's default policy applies"),
    Rule("key-expired", ("gateway-call",), r"Key has expired",
         "the session's key expiry (policy key_expires_in / token exp) has passed",
         "give the policy a key expiry, or request a fresh token"),
    Rule("clock-skew", ("gateway-call",), r"used before issued|not valid yet|token is not valid yet",
         "the token's iat/nbf lies in the gateway's future: the IdP's clock is ahead of the gateway's",
         "synchronise the clocks (NTP), or allow the difference with jwt_issued_at_validation_skew / "
         "jwt_not_before_validation_skew on the API"),
    Rule("token-expired", ("gateway-call",), r"token has expired",
         "the access token is expired (or the gateway's clock is ahead)",
         "request a new token; check clocks or jwt_expires_at_validation_skew"),
    Rule("identity-missing", ("gateway-call",), r"empty user ID|no suitable claims",
         "the token has neither the Identity Source claim nor sub",
         "set Identity Source to a claim the IdP puts in its tokens (Keycloak: sub; Gluu: client_id)"),
    Rule("signing-method", ("gateway-call",), r"Unexpected signing method",
         "the API's JWT signing method does not match the token's algorithm",
         "set the API's JWT signing method to the IdP's family (RS256 → rsa)"),
    # Ours names the kids it holds; with the real Tyk (which logs only "No matching KID could be
    # found") the step adds that the API's JWKS URI lists the token's kid now (steps.py).
    Rule("jwks-rotated", ("gateway-call",), r"is not in the JWKS \(kids: (?!none)|the gateway holds an older copy",
         "the token's kid is not among the keys the gateway holds: the IdP rotated its signing key while the "
         "gateway still caches the old JWKS (or the JWKS URI names another realm)",
         "let the gateway's JWKS cache expire or reload it (tyk.conf jwks.cache.timeout), and check that the "
         "API's JWKS URI is the IdP's jwks_uri"),
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
    Rule("wrong-token-endpoint", ("token-request",),
         r"HTTP 404|HTTP 405|HTTP 415|content-type header value did not match|non-OAuth answer|not a JSON object",
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
