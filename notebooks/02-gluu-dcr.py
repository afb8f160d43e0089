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
# # Dynamic Client Registration with Gluu, step by step
#
# This notebook performs Tyk's *Step by step guide using Gluu* (Gluu Server 4.2, oxAuth)
# against the harness's Gluu emulator, then takes apart the one surprising step of that
# guide: restricting `jwksAlgorithmsSupported` to RSA because of "known issues with Tyk's
# JWT driver". Part 2 shows the issue — an EC key whose coordinates have the wrong length
# makes the gateway reject *every* token — in both of the shapes Gluu produces, how to
# diagnose it, and the fix.
#
# Gluu has no official single container, so Gluu runs only on the emulator; its wire
# behaviour (status 200 on registration, lower-case `bearer`, no `sub` in access tokens,
# the EC serialisation) is documented field by field in the `gluu` profile
# (`harness/products/gluu/profile.py`, rendered as `docs/profiles.md`). It is read from
# oxAuth's sources and the installer's templates (4.2.3 and 4.4.0), not measured against a
# running Gluu; `docs/profiles.md` lists what it does not model.

# %% tags=["parameters"]
IDP = "emulator"     # Gluu runs on the emulator only
GLUU_VERSION = "4.2"  # the guide's release

# %%
import json

from harness.notebook import exchanges_view, json_view, jwks_view, sequence_view, show
from harness.notebook.guide import Guide
from harness.products.gluu.admin import GluuAdmin
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.tyk.gateway.golang.jwks_go import JwksDecodeError, decode_jwks

assert IDP == "emulator", "the Gluu guide runs on the Gluu emulator (IDP = 'emulator')"

# %% [markdown]
# # Part 1 — the guide as written
#
# `scenarios/gluu.yaml` holds the guide's settings. The Gluu emulator is started with key
# seed 4, which makes its P-256 key one of the (about half of all) keys that hit the bug
# in Part 2 — the guide's fix in step 2 hides it.

# %%
guide = Guide.open("scenarios/gluu.yaml",
                   launcher=GluuEmulatorLauncher(version=GLUU_VERSION, key_seed=4))
[f"{s.id}: {s.title}" for s in guide.steps]

# %% [markdown]
# ## Step 1 — Have a Gluu server to talk to
#
# Gluu has no realms: the issuer is the server root, and oxAuth's endpoints live under
# `/oxauth/restv1/` (registration, token, JWKS).

# %%
result = guide.run("idp-start")
show(result)

# %% [markdown]
# ## Step 2 — oxAuth configuration: publish RSA keys only
#
# In oxTrust (Configuration → JSON Configuration → OxAuth Configuration) the guide sets
# `jwksAlgorithmsSupported` to RS256, RS384 and RS512 and saves. oxAuth keeps all its keys
# but publishes only those algorithms in its JWKS. Part 2 shows what goes wrong without
# this. (Registration is open by default in Gluu: no initial access token is needed.)

# %%
result = guide.run("idp-configuration")
show(result)

# %% [markdown]
# ## Step 3 — Read the discovery document
#
# The registration endpoint and the well-known configuration are the two URLs the guide
# asks you to keep. The token endpoint and `jwks_uri` come from the same document.

# %%
result = guide.run("discovery")
show(result)
doc = guide.facts["discovery"]
show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri")},
               title="discovery (excerpt)"))

# %% [markdown]
# ## Step 4 — Tyk configuration files
#
# As with Keycloak: `oauth_redirect_uri_separator` (`;`) in `tyk_analytics.conf`. Nothing
# else changes.

# %%
result = guide.run("dashboard-settings")
show(result)

# %% [markdown]
# ## Step 5 — Create the API with JWT authentication
#
# "Gluu API" uses JWT with RSA and the JWKS URI from discovery, like the Keycloak guide —
# except **Identity Source** `client_id`: Gluu's access tokens have no `sub` claim at all,
# so the gateway would find no identity in them (see notebook 04 for that mistake).
# Policy Field Name stays `pol`.

# %%
result = guide.run("create-api")
show(result)

# %% [markdown]
# ## Step 6 — Create the policy
#
# "Gluu Policy" grants access to "Gluu API", with a key expiry.

# %%
result = guide.run("create-policy")
show(result)

# %% [markdown]
# ## Step 7 — Make the API use the policy
#
# Gluu's tokens carry no `pol` claim either: the API's default policy applies.

# %%
result = guide.run("api-default-policy")
show(result)

# %% [markdown]
# ## Step 8 — Publish the API in the portal catalogue
#
# The catalogue entry "Gluu API" with "Gluu Policy".

# %%
result = guide.run("catalogue-entry")
show(result)

# %% [markdown]
# ## Step 9 — DCR settings for this API
#
# Override the global settings and choose provider **Gluu**, grant type
# `client_credentials`, auth method *Client Secret - Post*, response type **Token**, the
# IdP host and the registration endpoint `/oxauth/restv1/register`. The initial access
# token stays empty: Gluu registration is open.

# %%
result = guide.run("catalogue-dcr-settings")
show(result)

# %% [markdown]
# ## Step 10 — Add a developer
#
# A developer account in the portal.

# %%
result = guide.run("create-developer")
show(result)

# %% [markdown]
# ## Step 11 — The developer creates an OAuth client
#
# The wizard registers "GluuClient" at oxAuth. Two Gluu habits show in the exchange:
# success is **200** (not RFC 7591's 201), and because the guide asks for response type
# `token`, Gluu insists on a redirect URL — the guide says the field may stay blank, but
# Gluu would answer `invalid_client_metadata` (our scenario fills one in).

# %%
result = guide.run("oauth-client-wizard")
show(result)
registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
show(exchanges_view(registration))
assert registration and registration[-1].status == 200

# %% [markdown]
# ## Step 12 — Get an access token (client credentials)
#
# `client_secret_post`, exactly as registered: Gluu enforces the registered method and
# would refuse Basic authentication for this client. Note `token_type: "bearer"` in lower
# case, and the JWT's claims: `client_id` and `aud`, no `sub`, `scope` as an array.

# %%
result = guide.run("token-request")
show(result)
show(guide.tokens()["access_token"])
assert "sub" not in guide.tokens()["access_token"].claims

# %% [markdown]
# ## Step 13 — Call the API through the gateway
#
# The gateway fetches the JWKS — RSA keys only, thanks to step 2 — verifies the token and
# takes the identity from `client_id`.

# %%
result = guide.run("gateway-call")
show(result)
show(guide.last_decision)
assert guide.last_decision.allowed and guide.last_decision.identity == guide.facts["client.id"]

# %% [markdown]
# ## Clean up — delete the OAuth client
#
# The portal deletes the client at Gluu (RFC 7592 §2.3: 204).

# %%
result = guide.run("delete-client")
show(result)

# %% [markdown]
# ## The whole flow

# %%
show(sequence_view(guide.exchanges(), title="Gluu guide", uid="gluu"))
guide.close()


# %% [markdown]
# # Part 2 — why the guide restricts `jwksAlgorithmsSupported`
#
# By default oxAuth publishes a key for every algorithm it supports, EC ones included
# (ES256, ES384, ES512). RFC 7518 §6.2.1.2 says an EC coordinate must be encoded with
# exactly the curve's size — 32 bytes for P-256. Gluu 4.2 writes coordinates with Java's
# `BigInteger.toByteArray()`, which
#
# * adds a `0x00` sign byte when the top bit of the number is set → **33 bytes**, and
# * drops leading zero bytes and never pads them back → **31 bytes** (or fewer).
#
# Tyk decodes the JWKS with go-jose, which rejects a wrong-length coordinate — and the
# decoding is all or nothing, so one bad EC key fails the whole set, the good RSA keys
# with it. Every token then gets `403 Key not authorized`, and the reason is only in
# Tyk's log.
#
# `scenarios/gluu-ec-bug.yaml` is the guide with step 2 left at Gluu's defaults. We run
# it twice, with two key seeds: one whose P-256 `x` gets the sign byte, one whose `x`
# starts with a zero byte.

# %%
def run_without_the_fix(key_seed):
    g = Guide.open("scenarios/gluu-ec-bug.yaml",
                   launcher=GluuEmulatorLauncher(version=GLUU_VERSION, key_seed=key_seed))
    g.run_through("token-request")
    return g, g.run("gateway-call", expect="fail")

guide33, failed33 = run_without_the_fix(4)
show(failed33)

# %% [markdown]
# ## Diagnosis: look at the JWKS the gateway fetched
#
# The gateway's own JWKS fetch is part of the step's exchanges. Its answer lists one key
# per algorithm; the table shows the coordinate lengths of the EC keys next to what
# RFC 7518 requires.

# %%
fetch = next(e for e in failed33.exchanges if e.actor == "gateway" and e.target == "idp")
jwks33 = json.loads(fetch.response_body)
show(jwks_view(jwks33, title=f"JWKS from {fetch.url}"))
es256 = next(k for k in jwks33["keys"] if k["alg"] == "ES256")
es256

# %% [markdown]
# The gateway's decision says the same in one line (Tyk answers only "Key not authorized"),
# and decoding the document the way go-jose does (`harness.tyk.gateway.golang.jwks_go`) fails on the same key:

# %%
show(guide33.last_decision)
try:
    decode_jwks(json.dumps(jwks33).encode())
except JwksDecodeError as exc:
    problem = str(exc)
problem

# %%
assert "33 bytes, expected 32" in guide33.last_decision.reason
assert "jwksAlgorithmsSupported" in failed33.fix

# %% [markdown]
# ## The fix, applied to the running server
#
# The guide's fix is an oxAuth configuration change, so we make it on the running server
# (the emulator's stand-in for oxTrust's "Save OxAuth Configuration") and call the gateway
# again. Failed JWKS fetches are not cached by Tyk, so the very next request sees the new
# key set — no restart needed.

# %%
admin = GluuAdmin(guide33.idp.base_url, guide33.idp.admin_user, guide33.idp.admin_password)
admin.set_configuration(jwks_algorithms_supported=["RS256", "RS384", "RS512"])
fixed = guide33.run("gateway-call")   # re-running the failed step is allowed
show(fixed)
fetch = next(e for e in fixed.exchanges if e.actor == "gateway" and e.target == "idp")
show(jwks_view(json.loads(fetch.response_body), title="JWKS after the fix"), guide33.last_decision)
guide33.close()

# %% [markdown]
# ## The other shape: a 31-byte coordinate
#
# With key seed 693 the P-256 `x` starts with a zero byte followed by a byte below 0x80:
# `toByteArray()` drops the zero and has no sign byte to add, so the coordinate comes out
# one byte short. Same failure, same fix. (Gluu 4.4 stopped adding the sign byte, so only
# this shape remains there; 4.2 has both.)

# %%
guide31, failed31 = run_without_the_fix(693)
fetch = next(e for e in failed31.exchanges if e.actor == "gateway" and e.target == "idp")
show(failed31, jwks_view(json.loads(fetch.response_body), title="JWKS (seed 693)"), guide31.last_decision)
assert "31 bytes, expected 32" in guide31.last_decision.reason

# %%
GluuAdmin(guide31.idp.base_url, guide31.idp.admin_user, guide31.idp.admin_password).restrict_jwks_to_rsa()
show(guide31.run("gateway-call"))
show(sequence_view(guide31.exchanges(), title="EC JWKS bug, then the fix", uid="ec31"))
guide31.close()
