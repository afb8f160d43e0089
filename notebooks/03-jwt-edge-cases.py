# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (dcr-harness)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # JWT attacks and edge cases against the gateway
#
# The guides end with a call through the gateway. Here we play the attacker (and the
# careless IdP) and watch what the gateway does with tokens it should refuse. Everything
# is decided by the harness's Tyk-compatible gateway (`harness.tyk.gateway`) — **our gateway,
# not the real Tyk**, which cannot run here (the Go module proxy refuses Tyk's module, so CI
# cannot build it); the notebook only builds tokens (`harness.jose`) and asks. Where the real
# Tyk's answer to the same case was recorded ([`fixtures/tyk/differential/jwt-cases.json`](../fixtures/tyk/differential/jwt-cases.json), the
# differential of [`docs/gateway-vs-tyk.md`](../docs/gateway-vs-tyk.md)), it is shown beside ours and labelled so.
# For each case you get the HTTP answer — as
# Tyk sends it — and the gateway's *decision*: the stage of Tyk's decision order where it
# stopped, and the reason Tyk would only log.
#
# Two set-ups, three parts:
#
# 1. the Keycloak guide, run up to a valid access token, for attacks that need no private
#    key (stripping the signature, key confusion, kid games, time travel);
# 2. a *JWT lab* (`harness.notebook.lab.JwtLab`): the same kind of API, but the IdP is us,
#    with our own RSA key in the JWKS, so we can sign any claims we like; Part 3 uses it for
#    `jku`/`x5u` headers, `alg` spelling, a blank HMAC secret and scope-to-policy mapping.

# %% tags=["parameters"]
IDP = "emulator"
IDP_URL = ""

# %%
from harness.jose import generate_rsa
from harness.jose.tokens import decode_unverified
from harness.notebook import decision_view, jwt_view, sequence_view, show
from harness.notebook.guide import Guide
from harness.notebook.lab import JwtLab


def ask(lab_or_guide, token, **kw):
    """Send a token through the gateway; show the answer and the decision."""
    answer = lab_or_guide.call(token, **kw)
    show(decision_view(answer.decision))
    return answer


# %% [markdown]
# # Part 1 — a real token from the Keycloak guide
#
# Run the Keycloak guide until the gateway has accepted a genuine token once.

# %%
guide = Guide.open("scenarios/keycloak.yaml", idp=IDP, idp_url=IDP_URL or None)
guide.run_through("gateway-call")
header, claims = decode_unverified(guide.secret("access_token"))
show(jwt_view(header, claims, title="the genuine access token"), guide.last_decision)

# %% [markdown]
# A small helper sends a forged token through the gateway of this guide's world. The
# tokens are built from the genuine token's claims with `harness.jose`; the gateway is
# the one configured by the guide ("Keycloak API", JWKS from Keycloak).

# %%
from harness.jose.rawtokens import segment, sign_segments

api_url = guide.world.gateway_url + guide.scenario.api.listen_path + "get"

def call(token):
    resp = guide.world.session("developer", "gateway").get(api_url, headers={"Authorization": f"Bearer {token}"})
    show(decision_view(guide.last_decision))
    return resp.status_code, resp.json().get("error") if resp.status_code != 200 else "OK"


# %% [markdown]
# ## `alg: none` — a token without a signature
#
# RFC 7519 §6 defines unsecured JWTs; a verifier that honours `alg` from the token itself
# would accept one. Tyk checks the algorithm against the API's signing method (RSA) before
# anything else.

# %%
forged = f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{segment(claims)}."
answer = call(forged)
assert answer == (403, "Key not authorized: Unexpected signing method"), answer
answer

# %% [markdown]
# ## Key confusion — HS256 signed with the RSA *public* key
#
# The public key is public: anyone can read it from the JWKS. If a verifier let the token
# choose HS256 and used the RSA key's bytes as the HMAC secret, the attacker could sign
# anything (RFC 8725 §2.1). Here the public key comes from the very JWKS the gateway uses.

# %%
from jwcrypto import jwk

jwks_doc = guide.world.session("harness", "idp").get(guide.facts["discovery.jwks_uri"]).json()
sig_key = next(k for k in jwks_doc["keys"] if k["kid"] == header["kid"])
public_pem = jwk.JWK(**sig_key).export_to_pem()
forged = sign_segments(segment({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}), segment(claims),
                       public_pem, "HS256")
answer = call(forged)
assert answer[0] == 403, answer
answer

# %% [markdown]
# ## `kid` games
#
# With a JWKS source the gateway selects the key by the token's `kid` — exactly, first
# match wins, and an unknown `kid` does not make it refetch the JWKS. A token signed by
# an attacker's own key under the genuine `kid` fails the signature check; an unknown or
# missing `kid` fails before any signature is checked; a path-like `kid` is just an
# unknown string.

# %%
attacker = generate_rsa(kid=header["kid"])
results = {}
for name, hdr, key in [
    ("attacker's key, genuine kid", {"alg": "RS256", "typ": "JWT", "kid": header["kid"]}, attacker),
    ("unknown kid", {"alg": "RS256", "typ": "JWT", "kid": "no-such-key"}, attacker),
    ("no kid", {"alg": "RS256", "typ": "JWT"}, attacker),
    ("path-like kid", {"alg": "RS256", "typ": "JWT", "kid": "../../../../dev/null"}, attacker),
]:
    results[name] = call(sign_segments(segment(hdr), segment(claims), key, "RS256"))
assert all(r == (403, "Key not authorized") for r in results.values()), results
results

# %% [markdown]
# ## Time travel — the genuine token after it expires
#
# Keycloak's master realm issues tokens that live 60 seconds. Instead of waiting, we move
# the gateway's clock (`world.clock`) past `exp`: the signature is still valid, the token
# is not.

# %%
import time

token = guide.secret("access_token")
guide.world.clock = lambda: claims["exp"] + 1
answer = call(token)
guide.world.clock = time.time
assert answer == (401, "Key not authorized: token has expired"), answer
answer

# %% [markdown]
# ## A token of any client in the realm
#
# The guide's API is a *classic* Tyk JWT API: it checks the signature against the realm's
# JWKS, the time claims, and that the identity claim is there — nothing about *who the
# token was issued to*. So a token that Keycloak issued to any other client of the realm
# passes too. Here another application registers itself straight at Keycloak (RFC 7591,
# with the same initial access token; the portal never sees it), gets a client-credentials
# token, and calls the API: our gateway lets it through with that client's service account
# as identity and the API's default policy.

# %%
from harness.registrar import rfc7591, rfc7592
from harness.registrar.token import client_credentials

idp_session = guide.world.session("harness", "idp")
stranger = rfc7591.register(idp_session, guide.facts["discovery.registration_endpoint"],
                            {"client_name": "not registered through the portal", "grant_types": ["client_credentials"]},
                            initial_access_token=guide.secret("initial_access_token"))
stranger_token = client_credentials(idp_session, guide.facts["discovery.token_endpoint"], stranger.client_id,
                                    stranger.client_secret).access_token
stranger_header, stranger_claims = decode_unverified(stranger_token)
show(jwt_view(stranger_header, {k: stranger_claims.get(k) for k in ("azp", "aud", "sub", "scope")},
              title="a token of a client the portal never registered (excerpt)"))
answer = call(stranger_token)
assert answer == (200, "OK") and stranger_claims["azp"] == stranger.client_id, answer
assert rfc7592.delete(idp_session, stranger) == 204  # leave nothing behind at the IdP (RFC 7592 §2.3)
answer

# %% [markdown]
# (Not every token of the realm passes: the admin console's own `admin-cli` token is
# refused by our gateway — not for who it was issued to, but because Keycloak issues it as a
# lightweight access token without `sub` (the `lightweight_admin_cli` field of the
# `keycloak` profile), so the identity claim is missing.)
#
# What restricts it, and what our gateway implements today:
#
# * **Tyk OAS API definitions** can require claims: `allowedIssuers`, `allowedAudiences`,
#   `allowedSubjects` (and `jtiValidation`) in the JWT security scheme of
#   `x-tyk-api-gateway`. A token whose `aud` is not listed gets `401 Key not authorized: no
#   matching audience found in token`. *Implemented* in our gateway
#   (`harness/tyk/gateway/oas.py`, `validate_extra_claims`); its 27 OAS cases answer as the
#   real Tyk's recorded ones (`docs/gateway-vs-tyk.md`). The guide's classic definition has
#   no such fields, and Keycloak puts no client-specific `aud` in a client-credentials token
#   unless an audience mapper adds one — so `allowedAudiences` needs that mapper too.
# * **Scope-to-policy mapping** (`jwt_scope_claim_name`, `jwt_scope_to_policy_mapping`;
#   OAS `scopes`): a token gets the policies its scopes map to, and a token whose scopes map
#   to none is refused. *Implemented* in our gateway (`harness/tyk/gateway/jwt_middleware.py`)
#   and shown in Part 3 — including the catch that a default policy still lets a token
#   without the scope claim through.
# * The **policy claim** (`pol`) cannot restrict: a token without it gets the default policy.

# %%
to_gateway = [e for e in guide.exchanges() if e.target == "gateway" and e.actor == "developer"]
show(sequence_view(to_gateway, title="the genuine call, then the forged ones", uid="real"))
guide.close()

# %% [markdown]
# # Part 2 — the JWT lab: we are the IdP
#
# `JwtLab` runs the harness gateway with one API configured like the guides (RSA, JWKS URL
# stored base64-encoded, Identity Source `sub`, Policy Field Name `pol`, default policy
# `lab-policy`), a second policy `other-api-policy` that grants a different API, and a
# JWKS we publish. `lab.token(claims)` signs with the trusted key; `lab.claims(...)` gives
# well-formed claims with overrides (`None` removes a claim).

# %%
lab = JwtLab().start()
good = ask(lab, lab.token())
assert good.status == 200
show(jwt_view(*decode_unverified(lab.token()), title="a lab token"))

# %% [markdown]
# ## Time claims: `exp`, `nbf`, `iat`
#
# After the signature, Tyk checks `exp` (expired when now ≥ exp), `iat` (not in the
# future) and `nbf` (not in the future), each with an optional skew from the API
# definition. These refusals are **401**, the others 403.

# %%
now = int(lab.now())
cases = {
    "expired 10 s ago": lab.claims(exp=now - 10),
    "not valid for 10 min (nbf)": lab.claims(nbf=now + 600),
    "issued in the future (iat)": lab.claims(iat=now + 600),
}
answers = {name: ask(lab, lab.token(c)) for name, c in cases.items()}
assert [a.status for a in answers.values()] == [401, 401, 401]
{name: f"{a.status} {a.message}" for name, a in answers.items()}

# %% [markdown]
# A skew tolerates clocks that disagree: with `jwt_expires_at_validation_skew: 30`, a token
# that expired 10 seconds ago still passes.

# %%
lab.configure_api(jwt_expires_at_validation_skew=30)
late = ask(lab, lab.token(lab.claims(exp=now - 10)))
lab.configure_api(jwt_expires_at_validation_skew=0)
assert late.status == 200

# %% [markdown]
# ## Identity: which claim names the caller
#
# The Identity Source claim (here `sub`) is read first; when the API names another field
# (Gluu's `client_id`) and the token lacks it, Tyk falls back to `sub`. With neither, the
# token is refused even though its signature is fine.

# %%
no_sub = ask(lab, lab.token(lab.claims(sub=None)))
lab.configure_api(jwt_identity_base_field="client_id")
fallback = ask(lab, lab.token(lab.claims(client_id=None)))
by_client_id = ask(lab, lab.token(lab.claims(sub=None, client_id="client-42")))
lab.configure_api(jwt_identity_base_field="sub")
assert (no_sub.status, fallback.status, by_client_id.status) == (403, 200, 200)
(no_sub.message, fallback.decision.identity, by_client_id.decision.identity)

# %% [markdown]
# ## Policy claim: `pol`
#
# Without `pol`, the API's default policies apply. A `pol` naming an unknown policy is
# refused — the default policy is *not* a fallback then. A `pol` naming a real policy that
# does not grant this API is refused later, at the access-rights check.

# %%
answers = {
    "no pol": ask(lab, lab.token()),
    "pol: lab-policy": ask(lab, lab.token(lab.claims(pol="lab-policy"))),
    "pol: unknown": ask(lab, lab.token(lab.claims(pol="gold-tier"))),
    "pol: other API's policy": ask(lab, lab.token(lab.claims(pol="other-api-policy"))),
}
assert [a.status for a in answers.values()] == [200, 200, 403, 403]
{name: f"{a.status} {a.message or 'OK'} (stage {a.decision.stage})" for name, a in answers.items()}

# %% [markdown]
# ## Why the signing method matters: key confusion on an HMAC API
#
# Part 1 showed the RSA API refusing an HS256 token. Configure the API the wrong way —
# signing method `hmac` with the *public key* as its source — and the same attack works:
# anyone who can read the public key can mint tokens. The API definition, not the token,
# must decide the algorithm family.

# %%
import base64

lab.configure_api(jwt_signing_method="hmac", jwt_source=base64.b64encode(lab.public_key_pem()).decode())
confused = ask(lab, lab.hmac_token(lab.public_key_pem(), lab.claims(sub="attacker")))
lab.configure_api(jwt_signing_method="rsa", jwt_source=base64.b64encode(lab.jwks_url.encode()).decode())
proper = ask(lab, lab.hmac_token(lab.public_key_pem(), lab.claims(sub="attacker")))
assert (confused.status, proper.status) == (200, 403)
(f"hmac API: {confused.status}", f"rsa API: {proper.status} {proper.message}")

# %% [markdown]
# ## One bad key spoils the JWKS
#
# The JWKS is decoded all or nothing. Publish a malformed EC key next to the good RSA key
# (a 33-byte `x`, as Gluu 4.2 does — notebook 02) and the perfectly good token is refused.

# %%
import base64 as b64


def b64url(n_bytes, fill):
    return b64.urlsafe_b64encode(bytes([fill]) * n_bytes).rstrip(b"=").decode()

bad_ec = {"kty": "EC", "crv": "P-256", "kid": "ec-1", "x": b64url(33, 1), "y": b64url(32, 2)}
lab.set_jwks({"keys": [bad_ec, lab.key.export_public(as_dict=True)]})
spoiled = ask(lab, lab.token())
lab.publish_keys(lab.key)
assert spoiled.status == 403 and "33 bytes" in spoiled.decision.reason

# %% [markdown]
# ## Duplicate `kid`: first match wins
#
# If the JWKS holds two keys with the same `kid`, Tyk only tries the first. A token signed
# by the second is refused even though its key is published.

# %%
lab.publish_keys(lab.key, lab.attacker_key)   # both have kid "lab-key-1"
first = ask(lab, lab.token())
second = ask(lab, lab.token(key=lab.attacker_key))
lab.publish_keys(lab.key)
assert (first.status, second.status) == (200, 403)

# %% [markdown]
# ## The `Authorization` header
#
# Exactly one leading `Bearer ` (any case) is stripped. Nothing at all is a 400;
# `Bearer:` is not repaired, so the token no longer parses.

# %%
answers = {
    "bearer (lower case)": ask(lab, lab.token(), scheme="bearer"),
    "no Authorization": ask(lab, None),
    "'Bearer:' prefix": ask(lab, lab.token(), scheme="Bearer:"),
}
assert [a.status for a in answers.values()] == [200, 400, 403]
{name: f"{a.status} {a.message or 'OK'}" for name, a in answers.items()}

# %% [markdown]
# # Part 3 — headers, algorithm names and secrets the guides never mention
#
# Each case below is sent to **our gateway** (the answer shown first). When the real Tyk
# gateway's answer to the same case was recorded by the differential
# (`fixtures/tyk/differential/jwt-cases.json`, Tyk v5.15.0-dev), it is shown beside it as
# *real Tyk (recorded)*; otherwise that column says it was not recorded.

# %%
import json

from harness.notebook.guide import project_root

RECORDED = json.loads((project_root() / "fixtures/tyk/differential/jwt-cases.json").read_text())


def compare(answer, recorded_case=None):
    """Our gateway's live answer next to the real Tyk's recorded one (when there is one)."""
    tyk = RECORDED["cases"].get(recorded_case) if recorded_case else None
    real = f"{tyk['status']} {tyk['message'] or 'OK'} ({recorded_case})" if tyk else "not recorded"
    return {"our gateway": f"{answer.status} {answer.message or 'OK'}", "real Tyk (recorded)": real}


def signed(header, key):
    return sign_segments(segment(header), segment(lab.claims()), key, "RS256")

# %% [markdown]
# ## `jku` and `x5u`: keys by reference
#
# RFC 7515 §4.1.2 and §4.1.5 let a token point at its own key set (`jku`) or certificate
# (`x5u`). A verifier that followed them would fetch the attacker's keys (RFC 8725 §3.10).
# Tyk never reads either header: the key comes from the API's `jwt_source` only, so a token
# signed by the attacker's key and pointing at the attacker's JWKS fails the signature
# check, and the same header on a token signed by the trusted key changes nothing.

# %%
attacker_url = "http://127.0.0.1:9/attacker-jwks"
answers = {
    "jku, attacker's key": (ask(lab, signed({"alg": "RS256", "kid": "lab-key-1", "jku": attacker_url}, lab.attacker_key)),
                            "JWT-JKU-HEADER"),
    "x5u, attacker's key": (ask(lab, signed({"alg": "RS256", "kid": "lab-key-1", "x5u": attacker_url}, lab.attacker_key)),
                            "JWT-X5U-HEADER"),
    "jku, trusted key": (ask(lab, signed({"alg": "RS256", "kid": "lab-key-1", "jku": attacker_url}, lab.key)), None),
}
assert [a.status for a, _ in answers.values()] == [403, 403, 200]
{name: compare(a, case) for name, (a, case) in answers.items()}

# %% [markdown]
# ## `alg` is case-sensitive
#
# JWA algorithm names are case-sensitive (RFC 7515 §4.1.1: a "case-sensitive string").
# golang-jwt looks the name up as written, so `rs256` or `Rs256` is an unknown algorithm —
# refused with a bare "Key not authorized", even though the signature is a perfectly good
# RS256 signature by the trusted key.

# %%
answers = {alg: (ask(lab, signed({"alg": alg, "typ": "JWT", "kid": "lab-key-1"}, lab.key)),
                 "JWT-ALG-WRONG-CASE" if alg == "rs256" else None)
           for alg in ("RS256", "rs256", "Rs256")}
assert [a.status for a, _ in answers.values()] == [200, 403, 403]
{alg: compare(a, case) for alg, (a, case) in answers.items()}

# %% [markdown]
# ## A blank HMAC secret
#
# An HMAC API whose *JWT source* (the shared secret, base64-encoded) is left empty is not
# "an API with an empty secret": without a source Tyk switches to one-to-one mode and
# looks for a Tyk key named by the token's `kid` — there is none, so even a token signed
# with the empty secret is refused. A one-byte secret, on the other hand, is accepted:
# golang-jwt enforces no minimum HMAC key length (RFC 7518 §3.2 asks for at least the
# hash size); the recorded case is a 5-byte secret, and the recorded one-to-one case an RSA
# API without a source.

# %%
lab.configure_api(jwt_signing_method="hmac", jwt_source="")
blank = ask(lab, lab.hmac_token(b"", lab.claims()))
lab.configure_api(jwt_source=base64.b64encode(b" ").decode())
one_byte = ask(lab, lab.hmac_token(b" ", lab.claims()))
lab.configure_api(jwt_signing_method="rsa", jwt_source=base64.b64encode(lab.jwks_url.encode()).decode())
assert (blank.status, one_byte.status) == (403, 200)
assert "one-to-one" in blank.decision.reason
{"jwt_source empty, HS256 with an empty secret": compare(blank, "JWT-NO-SOURCE-ONE-TO-ONE"),
 "jwt_source one space, HS256 with it": compare(one_byte, "JWT-HS256-SHORT-SECRET")}

# %% [markdown]
# ## Scope-to-policy mapping restricts — unless a default policy lets the token through
#
# Map the scope `orders:read` to the lab's policy. A token whose scopes map to nothing is
# refused; but a token with **no** scope claim at all still gets the API's default policy.
# Only without default policies does the mapping decide alone. (Both gateways refuse that
# last token; the messages differ because here the lab's identity already has a session
# from the calls above — our gateway's reason names Tyk's "existing session" branch — while
# the recorded case starts without one.)

# %%
lab.configure_api(jwt_scope_claim_name="scope", jwt_scope_to_policy_mapping={"orders:read": "lab-policy"})
answers = {
    "scope orders:read": (ask(lab, lab.token(lab.claims(scope="orders:read"))), "JWT-SCOPE-CLASSIC-READ"),
    "scope profile email": (ask(lab, lab.token(lab.claims(scope="profile email"))), "JWT-SCOPE-CLASSIC-UNMAPPED"),
    "no scope claim, default policy": (ask(lab, lab.token()), "JWT-SCOPE-CLASSIC-MISSING"),
}
lab.configure_api(jwt_default_policies=[])
answers["no scope claim, no default policy"] = (ask(lab, lab.token()), "JWT-SCOPE-CLASSIC-NODEF-MISSING")
lab.configure_api(jwt_scope_claim_name="", jwt_scope_to_policy_mapping={}, jwt_default_policies=["lab-policy"])
assert [a.status for a, _ in answers.values()] == [200, 403, 200, 403]
{name: compare(a, case) for name, (a, case) in answers.items()}

# %%
show(sequence_view(list(lab.transcript), title="JWT lab", uid="lab"))
lab.stop()
