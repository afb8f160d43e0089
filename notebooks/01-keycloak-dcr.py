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
# # Dynamic Client Registration with Keycloak, step by step
#
# This notebook performs Tyk's *Step by step guide using Keycloak* (Tyk documentation,
# "Dynamic Client Registration", 2021) with real HTTP traffic between five parties:
#
# * **admin** — the person who configures Keycloak and the Tyk Dashboard,
# * **developer** — the API consumer who signs up in the Developer Portal,
# * **portal** — the Tyk Dashboard and Developer Portal (the harness's reference implementation),
# * **IdP** — Keycloak (an embedded emulator by default, or the real server). The emulator
#   answers the 159 HTTP exchanges of the differential sequence as the real 26.4.7, 26.5.6,
#   26.7.0 and 26.7.3 do; what it does not model is listed in [`docs/profiles.md`](../docs/profiles.md),
# * **gateway** — a Tyk-compatible gateway that checks JWTs in front of an echo upstream
#   (the harness's own, `harness.tyk.gateway`).
#
# The sections follow the guide's headings in the guide's order. Where the guide says what
# to click, its words are quoted (as `>` quotes); where Keycloak's console moved since 2021,
# the current path stands beside the quote. Each section then runs the step through the
# harness (`harness.notebook.guide.Guide`) and shows what went over the wire, and every
# surprise the run reveals is explained where it shows up.
#
# Secrets (initial access token, client secret, access token, passwords) are masked as
# `***redacted:<fingerprint>***` wherever they appear; the same secret always gets the same
# fingerprint, so you can still follow it from one exchange to the next. The outputs you
# see were produced by `python -m harness.notebook.execute`, which also replaces what changes
# from run to run (ports, ids, times) with placeholders such as `⟨port⟩` or `⟨uuid-1⟩`.
#
# The screenshots show the pages of the harness's own reference Dashboard and Developer
# Portal (`harness/tyk/portal/web/`, same fields and buttons as the guide names) at the steps
# where the guide clicks. The browser tests take them in headless Chromium while they walk the
# guide (`tests/browser/test_portal_browser.py`); `notebooks/images/regenerate.py` retakes
# them (ports and ids differ from this run's).
#
# The next cell holds the parameters. Leave `IDP = "emulator"` for a fast, offline run;
# `"keycloak-dist"` downloads and boots a real Keycloak 26.x (a minute or two);
# `"external"` with `IDP_URL` uses a Keycloak you already run (admin/admin).

# %% tags=["parameters"]
IDP = "emulator"  # "emulator", "keycloak-dist" (real Keycloak from its distribution) or "external"
IDP_URL = ""      # with IDP = "external": base URL of a running Keycloak, e.g. http://127.0.0.1:8080

# %%
from harness.notebook import exchanges_view, json_view, sequence_view, show
from harness.notebook.guide import Guide
from harness.products.keycloak.admin import KeycloakAdmin

# %% [markdown]
# ## Open the guide
#
# `Guide.open` reads the scenario file that holds the guide's settings
# (`scenarios/keycloak.yaml`), prepares the IdP launcher and starts the portal, the
# gateway and the upstream on loopback ports. Nothing is registered yet: the steps below
# do that, in the order the guide gives them. Running a step out of order is refused.

# %%
guide = Guide.open("scenarios/keycloak.yaml", idp=IDP, idp_url=IDP_URL or None)
[f"{s.id}: {s.title}" for s in guide.steps]

# %% [markdown]
# ## Requirements — "A Keycloak instance"
#
# The guide assumes a running Keycloak. Here the launcher starts one (or checks that the
# external one answers) and we learn its base URL and the issuer of the `master` realm.
# Keycloak 17 and later serve realms under `/realms/...`; the guide's URLs
# (`https://keycloak:8443/auth/realms/master/...`) show the older `/auth` prefix.

# %%
result = guide.run("idp-start")
show(result)
assert result.verdict.value == "PASS"
{k: v for k, v in guide.facts.items() if k.startswith("idp.")}

# %% [markdown]
# ## Getting started with Keycloak — the initial access token
#
# > To get started with Dynamic Client Registration in Keycloak you'll need to generate an
# > initial access token using the Keycloak Administration Console. After logging in, click
# > **Realm settings** under **Configure** and select the **Client Registration** tab […]
# > To generate an initial access token, click **Create** and set the expiration time and
# > maximum number of clients to be created using this token.
#
# **Where it is now:** the admin console of Keycloak 24 and later (26.x here) has no
# *Client Registration* tab under Realm settings. Initial access tokens are under
# **Clients → Initial access token → Create** (fields *Expiration* and *Count*); the
# registration *policies* that used to share the tab are under **Clients → Client registration**.
#
# Whoever holds the token may register that many clients: the Tyk portal will present it
# as a Bearer token on every registration ([RFC 7591 §3](https://www.rfc-editor.org/rfc/rfc7591#section-3)). What the console does is one admin
# REST call, shown below after the console's own login (a password grant for `admin-cli`):
# `POST /admin/realms/master/clients-initial-access` with the expiry and count of
# [`scenarios/keycloak.yaml`](../scenarios/keycloak.yaml). The token is a JWT signed by the realm; its claims say who
# issued it and until when it is valid.

# %%
result = guide.run("initial-access-token")
show(result)
show(guide.tokens()["initial_access_token"])

# %% [markdown]
# ## The well-known discovery document
#
# The guide sends you to the realm's discovery document twice: in the note under
# *Configure API* —
#
# > Where do I get the proper JWKS URI for my Keycloak environment? The JWKS URI is a
# > required field in the `.well-known/openid-configuration` endpoint of your OpenID
# > Connect Provider metadata.
#
# — and for the DCR settings (*"This value is found in your well-known discovery document as
# `registration_endpoint`"*). We read it once, here, and keep three entries:
# `registration_endpoint` (where the portal registers clients), `token_endpoint` (where the
# developer gets tokens; the guide's Postman URL) and `jwks_uri` (where the gateway finds
# the keys that verify them).

# %%
result = guide.run("discovery")
show(result)
doc = guide.facts["discovery"]
show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri",
                                   "token_endpoint_auth_methods_supported")}, title="discovery (excerpt)"))

# %% [markdown]
# ## Setting up Tyk — `tyk_analytics.conf` and `tyk.conf`
#
# > For compatibility reasons, check your `tyk_analytics.conf` and make sure that a proper
# > `oauth_redirect_uri_separator` parameter is set. You may use the following value:
# > `"oauth_redirect_uri_separator": ";"`
#
# The separator says how several redirect URLs typed into one field are split. For a
# Keycloak with a self-signed certificate the guide adds `"dcr_ssl_insecure_skip_verify": true`
# to `tyk_analytics.conf` (the Dashboard's registration call) and
# `"jwt_ssl_insecure_skip_verify": true` to `tyk.conf` (the gateway's JWKS fetch). This run
# uses plain HTTP on loopback, so both stay off. The step changes nothing; it reports the
# values in force.

# %%
result = guide.run("dashboard-settings")
show(result)

# %% [markdown]
# ## Create the "Keycloak API"
#
# > Open the Tyk Dashboard and click **APIs** under **System Management**. Create a new API
# > called "Keycloak API" […] click **Configure API** and set the Authentication mode […]
# > For the **Identity Source** field use `"sub"` and for **Policy Field Name** use `"pol"`.
#
# The authentication mode is *JSON Web Token*: signing method RSA, the JWKS URI from
# discovery as the key source (the Dashboard stores it base64-encoded in `jwt_source`),
# **Identity Source** `sub` (the claim that names the caller) and **Policy Field Name** `pol`
# (the claim that could name a policy). The Dashboard then pushes the definition to the
# gateway (`/tyk/apis`, then `/tyk/reload`).
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![System Management → APIs → new API 'Keycloak API'](images/keycloak-admin-create-api.png)
#
# ![Configure API → Authentication: JSON Web Token](images/keycloak-admin-api-authentication.png)

# %%
result = guide.run("create-api")
show(result)
show(exchanges_view([e for e in result.exchanges if e.actor == "admin"]))

# %% [markdown]
# ## Create the "Keycloak Policy"
#
# > Select **Policies** under **System Management**. Click **Create a Policy** and call it
# > **Keycloak Policy**. Use the default values for this policy. In the **Access rights**
# > section, select your previously created **Keycloak API**. You will also need to enter an
# > expiration setting for your keys.
#
# A policy says what a key may do: which APIs (access rights), how often (rate limit,
# quota) and for how long (the key expiry).
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Policies → Create a Policy 'Keycloak Policy'](images/keycloak-admin-create-policy.png)

# %%
result = guide.run("create-policy")
show(result)

# %% [markdown]
# ## Make the API use the policy
#
# > After the policy is created, switch back to the API settings and make sure that the API
# > is using your **Keycloak API** policy.
#
# Keycloak's access tokens carry no `pol` claim, so the gateway needs to know which policy
# applies when the claim is missing: the API's *default policy* (`jwt_default_policies`).
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![the API's settings with the Keycloak Policy](images/keycloak-admin-api-default-policy.png)

# %%
result = guide.run("api-default-policy")
show(result)

# %% [markdown]
# ## Add the API to the portal catalogue
#
# > Click **Catalog** under **Portal Management** on the navigation menu. Click **Add New
# > API**, enter a name for it and select the newly created policy.
#
# Developers only see APIs that are in the catalogue. The entry names the policy a
# developer's credentials will get.
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Portal Management → Catalog → Add New API](images/keycloak-admin-catalogue-add-api.png)

# %%
result = guide.run("catalogue-entry")
show(result)

# %% [markdown]
# ## DCR settings: override the global settings for this API
#
# > Click **Save** then open the API added again. Open the **Settings** tab. In **API
# > Details** select the **Override global settings** option. […] Scroll down to the DCR
# > section and enter the following settings
#
# The guide's note names the other path, which [the last section](#the-other-path-dcr-in-the-global-portal-settings)
# of this notebook runs:
#
# > Tyk lets you set global portal settings that apply to **all portal-listed APIs** […] In
# > case you want to enable DCR for all the APIs, you should go to the **Settings** section
# > under **Portal Management**, and in the **API Access** tab you can enter your DCR
# > settings there.
#
# The fields, as the guide describes them, and what `scenarios/keycloak.yaml` enters:
#
# | guide's field | value here |
# |---|---|
# | Providers (*"Tyk provides a specific driver for each one"*) | `keycloak` |
# | Grant Types | `client_credentials` |
# | Token Endpoint Auth Method | `client_secret_post` |
# | Response Types | `token` |
# | Identity Provider Host (*"Base IDP URL"*) | the IdP's base URL |
# | Client Registration Endpoint | `registration_endpoint` from discovery |
# | Initial Registration Access Token | the token created above (masked) |
#
# Below: the catalogue entry written back with `config.override: true` and these
# `dcr_options` (the Dashboard's `PUT /api/portal/catalogue/{id}`).
#
# *The page, in the harness's reference Dashboard (not Tyk's own UI):*
#
# ![Settings tab: Override global settings and the DCR section](images/keycloak-admin-catalogue-dcr-settings.png)

# %%
result = guide.run("catalogue-dcr-settings")
show(result)
show(exchanges_view([e for e in result.exchanges if e.method == "PUT"]))

# %% [markdown]
# ## Testing the flow — add a developer
#
# > Click **Developers** under **Portal Management**. Click on **Add developer** and create
# > a developer user.
#
# The password is masked in the exchange.

# %%
result = guide.run("create-developer")
show(result)

# %% [markdown]
# ## The developer creates an OAuth client
#
# > open your Developer Portal, click on the **OAuth Clients** navigation bar button and
# > follow the wizard […] Click **Create first OAuth Client**. You'll see your previously
# > created **Keycloak API**, select it and click **Save and continue**. The following screen
# > will require you to enter a client name. […] Once you click **Create**, Tyk will trigger a
# > registration on your IDP and the details of your client will be displayed
#
# The portal sends an RFC 7591 registration request to the registration endpoint, with the
# initial access token as Bearer credential, and shows the developer the client id and
# secret Keycloak returned. Keycloak answers **201 Created** with the client's metadata, a
# `registration_access_token` and a `registration_client_uri` (RFC 7592, used later to
# delete the client).
#
# *The pages, in the harness's reference Developer Portal (not Tyk's own UI):*
#
# ![Developer Portal → OAuth Clients → Create first OAuth Client](images/keycloak-wizard-oauth-clients.png)
#
# ![the wizard: select Keycloak API, Save and continue](images/keycloak-wizard-select-api.png)
#
# ![the wizard: client name, then Create](images/keycloak-wizard-client-name.png)
#
# ![the client's page: client id, grant types (the secret is shown only once, here masked)](images/keycloak-client-secret-masked.png)

# %%
result = guide.run("oauth-client-wizard")
show(result)
registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
show(exchanges_view(registration))
assert registration and registration[-1].status == 201

# %% [markdown]
# ### What Keycloak made of response type `token`
#
# Compare what the portal asked for with what Keycloak registered. The guide's response
# type `token` is the OAuth 2.0 *implicit* flow's response type (RFC 6749 §4.2; OIDC
# Registration §2 ties `token` to the `implicit` grant), and Keycloak turns it into the
# implicit flow: it adds `implicit` to `grant_types` and answers with the OpenID Connect
# implicit response types. The client can still do `client_credentials`, which is all this
# guide uses, but it is also an implicit client that nobody asked for — a reason to leave
# *Response Types* empty in the DCR settings when only machine-to-machine access is wanted.
#
# The third column is what Keycloak *stored*, read back through its admin API right after
# the wizard (next section): Keycloak keeps flow switches, not grant or response types, and
# reads them back the same way.

# %%
import json

asked, got = json.loads(registration[-1].request_body), json.loads(registration[-1].response_body)
stored = result.idp_stored  # the wizard step's view of the client at the IdP
comparison = {field: {"portal asked": asked.get(field), "Keycloak registered": got.get(field),
                      "Keycloak stored": stored[field]}
              for field in ("grant_types", "response_types")}
assert "implicit" in got["grant_types"] and "implicit" not in asked["grant_types"]
assert "implicit" in stored["grant_types"]
show(json_view(comparison, title="registration request, Keycloak's answer, what Keycloak stored"))

# %% [markdown]
# ### "If you check the Keycloak dashboard you will see this client too"
#
# In the console: **Clients → Clients list**, then the client id the portal showed. The
# console reads the admin REST API, and so does the run: right after the wizard it asks
# `GET /admin/realms/master/clients?clientId=...` (the two `admin → idp` exchanges below, the
# admin login first) and keeps what Keycloak stored in the wizard step's result
# (`idp_stored`; `dcr-harness run` prints it under the step and writes it to `report.json`
# and `report.html`). The same quirk shows on this side as *Implicit flow* ticked under
# *Capability config* (`implicitFlowEnabled`); *Service accounts roles*
# (`serviceAccountsEnabled`) is what the `client_credentials` grant needs; *Client
# authentication* is on (a confidential client with a secret, `clientAuthenticatorType`
# `client-secret`), and Keycloak 26.7 also stores the secret method asked for (26.4 and 26.5
# do not: the profile's `echo_requested_auth_method`).

# %%
show(json_view(stored, title="the client in Keycloak (admin API), as the wizard step read it"))
show(exchanges_view([e for e in result.exchanges if e.actor == "admin"]))
assert stored["service_account"] and stored["native"]["implicitFlowEnabled"]

# %% [markdown]
# ## Generate a token
#
# > You will need your token URL which is also the well-known URL for your organization.
# > For this guide we use `https://keycloak:8443/auth/realms/master/protocol/openid-connect/token`
# > […] Your Postman request should contain the following body, where `"client_id"` and
# > `"client_secret"` are the credentials you got from the developer portal […] Note that we
# > aren't using any additional headers for this request, the client credentials are enough.
#
# The token URL is the discovery document's `token_endpoint` (no `/auth` on Keycloak 17+).
# The request is a form body with `grant_type=client_credentials`, `client_id` and
# `client_secret` (`client_secret_post`, RFC 6749 §2.3.1 and §4.4). The access token is a JWT
# signed with the realm's RSA key; its `sub` is the client's service-account user — the
# identity the gateway will use. There is no `pol` claim.

# %%
result = guide.run("token-request")
show(result)
show(guide.tokens()["access_token"])

# %% [markdown]
# ## Call the API through Tyk
#
# > Once we get a response from the IDP, we can copy the `"access_token"` and use it to
# > access our **Keycloak API**, this request will be proxied by Tyk
#
# The gateway checks the algorithm against the API's signing method, fetches the JWKS from
# `jwks_uri` and picks the key named by the token's `kid`, verifies the signature and the
# time claims, takes the identity from `sub`, falls back to the default policy (no `pol`
# claim), and proxies to the upstream. The HTTP answer is what Tyk sends; the *decision*
# below is what Tyk would only write to its log: the stage reached and why.

# %%
result = guide.run("gateway-call")
show(result)
show(guide.last_decision)
assert guide.last_decision.allowed

# %% [markdown]
# ## Clean up — delete the OAuth client
#
# Not in the guide, but good hygiene: deleting the client in the portal also deletes it at
# Keycloak, with the registration access token (RFC 7592 §2.3, answer 204). Keycloak's
# client list no longer has it.

# %%
result = guide.run("delete-client")
show(result)
admin = KeycloakAdmin(guide.idp.base_url, guide.scenario.idp.admin_user, guide.scenario.idp.admin_password,
                      session=guide.world.session("admin", "idp"))
assert admin.clients(guide.scenario.idp.realm, client_id=guide.facts["client.id"]) == []

# %% [markdown]
# ## The whole flow
#
# Every exchange of the run, in order. Hover an arrow for the full URL.

# %%
show(sequence_view(guide.exchanges(), title="Keycloak guide", uid="kc"))
guide.close()  # stops the portal, the gateway and the IdP the guide started

# %% [markdown]
# ## The other path: DCR in the global portal settings
#
# The guide's note: *"In case you want to enable DCR for all the APIs, you should go to the
# **Settings** section under **Portal Management**, and in the **API Access** tab you can
# enter your DCR settings there."* Same scenario, but the catalogue entry keeps *Override
# global settings* off and the same DCR settings go into the portal configuration
# (`PUT /api/portal/configuration`). The wizard registers the client just the same; the
# per-API settings would win for an entry that overrides them.

# %%
scenario = guide.scenario
global_scenario = scenario.model_copy(update={"catalogue": scenario.catalogue.model_copy(
    update={"override": False, "global_dcr": scenario.catalogue.dcr})})
with Guide.open(global_scenario, idp=IDP, idp_url=IDP_URL or None) as global_guide:
    global_guide.run_through("oauth-client-wizard")
    settings = global_guide.result("catalogue-dcr-settings")
    show(settings, exchanges_view([e for e in settings.exchanges if e.method == "PUT"]))
    show(global_guide.result("oauth-client-wizard"))
    assert settings.evidence.startswith("global settings")
