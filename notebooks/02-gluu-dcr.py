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
# against the harness's Gluu emulator, in the guide's order, quoting the guide where it
# says what to click. Then it takes apart the one surprising step of that guide:
# restricting `jwksAlgorithmsSupported` to RSA because of "known issues with Tyk's JWT
# driver". Part 2 shows the issue — an EC key whose coordinates have the wrong length
# makes the gateway reject *every* token — in both of the shapes Gluu produces, how to
# diagnose it, and the fix.
#
# Gluu has no official single container, so Gluu runs only on the emulator; its wire
# behaviour (status 200 on registration, lower-case `bearer`, no `sub` in access tokens,
# the EC serialisation) is documented field by field in the `gluu` profile
# (`harness/products/gluu/profile.py`, rendered as [`docs/profiles.md`](../docs/profiles.md)). It is read from
# oxAuth's sources and the installer's templates (4.2.3 and 4.4.0), not measured against a
# running Gluu; `docs/profiles.md` lists what it does not model. The emulator has no oxTrust
# (the admin web UI): where the guide looks at oxTrust, we ask oxAuth the same question
# over HTTP. The gateway is the harness's own (`harness.tyk.gateway`).
#
# The outputs were produced by `python -m harness.notebook.execute`; values that change
# from run to run (ports, ids, times, secret fingerprints) are shown as placeholders such as
# `⟨port⟩` or `⟨uuid-1⟩`.
#
# The screenshots show the pages of the harness's own reference Dashboard and Developer
# Portal (`harness/tyk/portal/web/`, same fields and buttons as the guide names) at the steps
# where the guide clicks. The browser tests take them in headless Chromium while they walk the
# guide (`tests/browser/test_portal_browser.py`); `notebooks/images/regenerate.py` retakes
# them (ports and ids differ from this run's).

# %% tags=["parameters"]
IDP = "emulator"     # Gluu runs on the emulator only
GLUU_VERSION = "4.2"  # the guide's release

# %%
import json
import tempfile
from pathlib import Path

from harness.notebook import exchanges_view, json_view, jwks_view, run_summary, sequence_view, show
from harness.notebook.guide import Guide, project_root
from harness.products.gluu.admin import GluuAdmin
from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
from harness.products.gluu.profile import GluuProfile
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario
from harness.tyk.gateway.golang.jwks_go import JwksDecodeError, decode_jwks

assert IDP == "emulator", "the Gluu guide runs on the Gluu emulator (IDP = 'emulator')"

# %% [markdown]
# # Part 1 — the guide as written
#
# `scenarios/gluu.yaml` holds the guide's settings. The Gluu emulator is started with key
# seed 4, which makes its P-256 key one of the (about half of all) keys that hit the bug
# in Part 2 — the guide's `jwksAlgorithmsSupported` step hides it.

# %%
guide = Guide.open("scenarios/gluu.yaml",
                   launcher=GluuEmulatorLauncher(version=GLUU_VERSION, key_seed=4))
[f"{s.id}: {s.title}" for s in guide.steps]

# %% [markdown]
# ## Requirements — "A Gluu installation"
#
# Gluu has no realms: the issuer is the server root, and oxAuth's endpoints live under
# `/oxauth/restv1/` (registration, token, JWKS).

# %%
result = guide.run("idp-start")
show(result)

# %% [markdown]
# ## Getting started with Gluu — the registration endpoint and the well-known URL
#
# > In order to get started with Dynamic Client Registration you'll need to get the OpenID
# > Connect registration endpoint. Open your Gluu dashboard and select the "Configuration"
# > section. Select "JSON Configuration" and toggle the "OxAuth Configuration" tab. […] In
# > this view you will find the registration endpoint […] Another endpoint that will be
# > relevant for your setup is the Well-Known configuration endpoint. Keep both URLs handy
# > […] This endpoint typically looks as follows: `https://gluu-server/.well-known/openid-configuration`
#
# oxTrust's *OxAuth Configuration* shows oxAuth's JSON configuration, whose
# `registrationEndpoint` is the URL that the well-known document publishes as
# `registration_endpoint`. We read the well-known document: both URLs, and the token
# endpoint and `jwks_uri` the later steps need.

# %%
result = guide.run("discovery")
show(result)
doc = guide.facts["discovery"]
show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri")},
               title="discovery (excerpt)"))

# %% [markdown]
# ## Getting started with Gluu — `jwksAlgorithmsSupported`
#
# > Because of known issues with Tyk's JWT driver, you'll set specific algorithms for the
# > JWKS endpoint. In the same "OxAuth Configuration" tab, scroll down to
# > "jwksAlgorithmsSupported" and select the following options […] Click "Save OxAuth
# > Configuration" afterwards.
#
# The options in the guide's screenshot are RS256, RS384 and RS512. oxAuth keeps all its
# keys but publishes only those algorithms in its JWKS. Part 2 shows what goes wrong
# without this ([Part 2](#part-2--why-the-guide-restricts-jwksalgorithmssupported)). (The emulator's stand-in for oxTrust's Save is an admin call,
# `PUT /dcr-harness/admin/configuration`.)

# %%
result = guide.run("idp-configuration")
show(result)

# %% [markdown]
# ## Setting up Tyk — `tyk_analytics.conf`
#
# > check your `tyk_analytics.conf` and make sure that a proper `oauth_redirect_uri_separator`
# > parameter is set. You can use the following value: `"oauth_redirect_uri_separator": ";"`
#
# Nothing else changes (the Gluu guide has no TLS flags).

# %%
result = guide.run("dashboard-settings")
show(result)

# %% [markdown]
# ## Create the "Gluu API"
#
# > Now open the Tyk Dashboard and click **APIs** under **System Management**. Create a new
# > API called "Gluu API" […] click on "Configure API" and set the authentication settings
# > […] For the **Identity Source** field use `"client_id"` and for **Policy Field Name** use `"pol"`.
#
# JWT with RSA and the JWKS URI from discovery, like the Keycloak guide — except
# **Identity Source** `client_id`: Gluu's access tokens have no `sub` claim at all, so with
# `sub` the gateway would find no identity in them
# (`scenarios/broken/gluu-wrong-identity-source.yaml`).
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![System Management → APIs → new API 'Gluu API'](images/gluu-admin-create-api.png)
#
# ![Configure API → Authentication: JSON Web Token, Identity Source client_id](images/gluu-admin-api-authentication.png)

# %%
result = guide.run("create-api")
show(result)

# %% [markdown]
# ## Create the "Gluu Policy"
#
# > click on "Create a Policy" and call it "Gluu Policy". Use the default values for this
# > one. Remember to select the previously created "Gluu API" in the access rights section.
# > You will also need to set an expiration setting for the keys.
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Policies → Create a Policy 'Gluu Policy'](images/gluu-admin-create-policy.png)

# %%
result = guide.run("create-policy")
show(result)

# %% [markdown]
# ## Make the API use the policy
#
# > After the policy is ready, switch back to the API settings and make sure that the API is
# > using the appropriate policy
#
# Gluu's tokens carry no `pol` claim either: the API's default policy applies.
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![the API's settings with the Gluu Policy](images/gluu-admin-api-default-policy.png)

# %%
result = guide.run("api-default-policy")
show(result)

# %% [markdown]
# ## Add the API to the portal catalogue
#
# > Switch to the "Catalogue" section under "Portal Management" on the navigation menu.
# > Click on "Add New API", set a name for it and select the newly created policy. For this
# > example use "Gluu Policy"
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Portal Management → Catalogue → Add New API](images/gluu-admin-catalogue-add-api.png)

# %%
result = guide.run("catalogue-entry")
show(result)

# %% [markdown]
# ## DCR settings: override the global settings for this API
#
# > Hit "Save" and click on the recently created item again, switch to the "Settings" tab
# > that's next to "API Details". In "API Details" toggle the "Override global settings"
# > option.
#
# (The global path, *"the **Settings** section under **Portal Management** […] the **API
# Access** tab"*, is run at the end of notebook 01.) The DCR section:
#
# | guide's field | guide's value | here |
# |---|---|---|
# | Providers | *"For this guide, pick "Gluu""* | `gluu` |
# | Grant Types | *"Set "Client Credentials""* | `client_credentials` |
# | Token Endpoint Auth Method | *"Use "Client Secret - Post""* | `client_secret_post` |
# | Response Types | *"Set **Token**"* | `token` |
# | Identity Provider Host | `https://gluu-server/` | the IdP's base URL |
# | Client Registration Endpoint | `https://gluu-server/oxauth/restv1/register` | from discovery |
# | Initial Registration Access Token | *"this was generated in the early steps of the guide"* | empty |
#
# **The initial access token the guide never creates.** The Gluu guide's text for this
# field is the Keycloak guide's: no earlier step of the Gluu guide generates a token. None
# is needed: oxAuth's registration endpoint is open by default (`dynamicRegistrationEnabled`),
# so the field stays empty and the portal registers without an `Authorization` header.
#
# **Why the provider must be Gluu** shows in the next step's registration request.
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Settings tab: Override global settings, DCR with provider Gluu and no initial access token](images/gluu-admin-catalogue-dcr-settings.png)

# %%
result = guide.run("catalogue-dcr-settings")
show(result)
assert result.evidence.endswith("initial access token empty")

# %% [markdown]
# ## Testing the flow — add a developer
#
# > Click "Developers" under "Portal Management", then click "Add developer" and enter some
# > basic information here to create a developer user.
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Portal Management → Developers → Add developer](images/gluu-admin-add-developer.png)

# %%
result = guide.run("create-developer")
show(result)

# %% [markdown]
# ## The developer creates an OAuth client
#
# > After clicking "Create first OAuth Client" you'll see your previously created "Gluu
# > API". Select it and click "Save and continue". The following screen will require you to
# > enter a client name. It's possible to set redirect URLs if you also plan to use this
# > client for other flow types. This setting can be left blank for the purposes of this
# > example. […] Once you click "Create", Tyk will trigger a registration on your IDP
#
# Three things to see in the portal → oxAuth exchange:
#
# * **the provider's two extra members**: the Gluu driver adds `"access_token_as_jwt": true`
#   and `"access_token_signing_alg": "RS256"` to the RFC 7591 metadata. oxAuth issues
#   *opaque* access tokens (a random string) unless a client registers `access_token_as_jwt`
#   — and a Tyk JWT API can only verify a JWT. With provider *Other* the request is plain
#   RFC 7591 and every token the developer gets is refused (shown after the token step);
# * **200, not 201**: oxAuth answers a successful registration with 200 OK where RFC 7591
#   §3.2.1 says 201 Created;
# * **the redirect URL**: the guide says it may stay blank, but because the guide asks for
#   response type `token`, oxAuth insists on one and would answer `invalid_client_metadata`
#   (`scenarios/broken/gluu-redirect-missing.yaml`); our scenario fills one in.
#
# *The pages, in the harness's reference Developer Portal (not Tyk's own UI):*
#
# ![Developer Portal → OAuth Clients → Create first OAuth Client](images/gluu-wizard-oauth-clients.png)
#
# ![the wizard: select Gluu API, Save and continue](images/gluu-wizard-select-api.png)
#
# ![the wizard: client name and a redirect URL, then Create](images/gluu-wizard-client-name.png)
#
# ![the client's page: client id, grant types (the secret is shown only once, here masked)](images/gluu-client-secret-masked.png)

# %%
result = guide.run("oauth-client-wizard")
show(result)
registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
show(exchanges_view(registration))
assert registration and registration[-1].status == 200
asked = json.loads(registration[-1].request_body)
assert asked["access_token_as_jwt"] is True and "Authorization" not in registration[-1].request_headers

# %% [markdown]
# ### "If you check the Gluu dashboard you will see new client (named "GluuClient")"
#
# In oxTrust: **OpenID Connect → Clients**. The emulator has no oxTrust; it serves the same
# list to the harness at `/dcr-harness/admin/clients` (admin credentials, the client named
# with oxAuth's LDAP attributes: `oxAuthGrantType`, `oxAuthResponseType`,
# `oxAccessTokenAsJwt`, …; no secret). Right after the wizard the run reads the client back
# there (the `admin → idp` exchange below) and keeps what oxAuth stored in the wizard step's
# result (`idp_stored`; `dcr-harness run` prints it under the step). Like Keycloak (notebook
# 01), oxAuth reads the guide's response type `token` as the implicit flow and adds the
# `implicit` grant next to `client_credentials` (Gluu 4.2; 4.4 turns that off by default:
# the `grant_type_autofix` field of the `gluu` profile). `access_token_as_jwt` is stored as
# the Gluu provider asked: this client's access tokens are JWTs the gateway can verify.

# %%
stored = result.idp_stored  # the wizard step's view of the client at the IdP
show(json_view(stored, title="the client in Gluu (what oxTrust lists), as the wizard step read it",
               redactor=guide.redactor))
show(exchanges_view([e for e in result.exchanges if e.actor == "admin"]))
assert ("implicit" in stored["grant_types"]) == GluuProfile.for_version(GLUU_VERSION).grant_type_autofix
assert stored["native"]["oxAccessTokenAsJwt"] is True

# %% [markdown]
# ## Generate a token
#
# > You will need the token URL which it's also present in the Well-Known URI of your
# > organisation. The field is named `"token_endpoint"`. For this example use the following:
# > `https://gluu-server/oxauth/restv1/token` […] Note that you aren't using any additional
# > headers for this request, the client credentials are enough.
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
# ### Why the provider must be Gluu
#
# The same guide with *Providers: Other* (`scenarios/broken/gluu-provider-other.yaml`): the
# registration lacks `access_token_as_jwt`, oxAuth issues an opaque access token, and the
# gateway's JWT authentication refuses it — the token is not a JWT at all, so there is no
# header, no `kid`, nothing to verify.

# %%
other = run_scenario(load_scenario(project_root() / "scenarios/broken/gluu-provider-other.yaml"),
                     report_dir=Path(tempfile.mkdtemp(prefix="gluu-other-")))
show(run_summary(other))
assert other.failed_step.id == "gateway-call" and "opaque" in other.failed_step.cause

# %% [markdown]
# ## Call the API through Tyk
#
# > Once you get a response from the IDP, you can copy the `"access_token"` and use it to
# > access your "Gluu API", this request will be proxied by Tyk
#
# The gateway fetches the JWKS — RSA keys only, thanks to the `jwksAlgorithmsSupported`
# step — verifies the token and takes the identity from `client_id`.

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
# `scenarios/gluu-ec-bug.yaml` is the guide with the `jwksAlgorithmsSupported` step left at Gluu's defaults. We run
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
