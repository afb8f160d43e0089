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
# This notebook performs Tyk's *Step by step guide using Keycloak* with real HTTP
# traffic between five parties:
#
# * **admin** — the person who configures Keycloak and the Tyk Dashboard,
# * **developer** — the API consumer who signs up in the Developer Portal,
# * **portal** — the Tyk Dashboard and Developer Portal (the harness's reference implementation),
# * **IdP** — Keycloak (an embedded emulator by default, or the real server). The emulator
#   answers the 159 HTTP exchanges of the differential sequence as the real 26.4.7, 26.5.6,
#   26.7.0 and 26.7.3 do; what it does not model is listed in `docs/profiles.md`,
# * **gateway** — a Tyk-compatible gateway that checks JWTs in front of an echo upstream.
#
# Each section is one step of the guide: what it does and why, the code that does it through
# the harness (`harness.notebook.guide.Guide`), and what went over the wire. Secrets (initial access
# token, client secret, access token, passwords) are masked as `***redacted:<fingerprint>***`
# wherever they appear; the same secret always gets the same fingerprint, so you can still
# follow it from one exchange to the next.
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

# %% [markdown]
# ## Open the guide
#
# `Guide.open` reads the scenario file that describes the guide's settings
# (`scenarios/keycloak.yaml`), prepares the IdP launcher and starts the portal, the
# gateway and the upstream on loopback ports. Nothing is registered yet: the steps below
# do that, in the order the guide gives them. Running a step out of order is refused.

# %%
guide = Guide.open("scenarios/keycloak.yaml", idp=IDP, idp_url=IDP_URL or None)
[f"{s.id}: {s.title}" for s in guide.steps]

# %% [markdown]
# ## Step 1 — Have a Keycloak to talk to
#
# The guide assumes a running Keycloak. Here the launcher starts one (or checks that the
# external one answers) and we learn its base URL and the issuer of the `master` realm.
# Keycloak 17 and later serve realms under `/realms/...`; the guide's screenshots show the
# older `/auth/realms/...` layout.

# %%
result = guide.run("idp-start")
show(result)
assert result.verdict.value == "PASS"
{k: v for k, v in guide.facts.items() if k.startswith("idp.")}

# %% [markdown]
# ## Step 2 — Create an initial access token
#
# Keycloak does not let just anybody register OAuth clients. The admin creates an
# *initial access token* (Realm settings → Client Registration → Create) with an expiry and
# a maximum number of clients. Whoever holds it may register that many clients: the Tyk
# portal will present it as a Bearer token on every registration (RFC 7591 §3).
#
# Below: the admin console's login (a password grant for `admin-cli`) and the call that
# creates the token. The token itself is a JWT signed by the realm; its claims say who
# issued it and until when it is valid.

# %%
result = guide.run("initial-access-token")
show(result)
show(guide.tokens()["initial_access_token"])

# %% [markdown]
# ## Step 3 — Read the discovery document
#
# Every URL the guide asks you to copy comes from one place: the realm's OpenID Connect
# discovery document (`/.well-known/openid-configuration`). We keep three of its entries:
# `registration_endpoint` (where the portal registers clients), `token_endpoint` (where the
# developer gets tokens) and `jwks_uri` (where the gateway finds the keys that verify them).

# %%
result = guide.run("discovery")
show(result)
doc = guide.facts["discovery"]
show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri",
                                   "token_endpoint_auth_methods_supported")}, title="discovery (excerpt)"))

# %% [markdown]
# ## Step 4 — Tyk configuration files
#
# Two settings files matter before any clicking. In `tyk_analytics.conf` (the Dashboard),
# `oauth_redirect_uri_separator` says how several redirect URLs typed into one field are
# split (`;` in the guide), and `dcr_ssl_insecure_skip_verify` would let the Dashboard talk to
# a Keycloak with a self-signed certificate. In `tyk.conf` (the gateway),
# `jwt_ssl_insecure_skip_verify` does the same for fetching the JWKS. This run uses plain
# HTTP on loopback, so both stay off. This step changes nothing; it reports the values in force.

# %%
result = guide.run("dashboard-settings")
show(result)

# %% [markdown]
# ## Step 5 — Create the API with JWT authentication
#
# The admin creates "Keycloak API" in the Dashboard and picks *JSON Web Token* as its
# authentication mode: signing method RSA, the JWKS URI from discovery as the key source
# (the Dashboard stores it base64-encoded), **Identity Source** `sub` (the claim that names
# the caller) and **Policy Field Name** `pol` (the claim that could name a policy).
# The Dashboard then pushes the definition to the gateway (`/tyk/apis`, then `/tyk/reload`).

# %%
result = guide.run("create-api")
show(result)
show(exchanges_view([e for e in result.exchanges if e.actor == "admin"]))

# %% [markdown]
# ## Step 6 — Create the policy
#
# A policy says what a key may do: which APIs (access rights), how often (rate limit,
# quota) and for how long (key expiry, which the guide asks you to set). "Keycloak Policy"
# grants access to "Keycloak API".

# %%
result = guide.run("create-policy")
show(result)

# %% [markdown]
# ## Step 7 — Make the API use the policy
#
# Keycloak's access tokens carry no `pol` claim, so the gateway needs to know which policy
# applies when the claim is missing: the API's *default policy*. This is the guide's
# "make sure the API is using your Keycloak API policy".

# %%
result = guide.run("api-default-policy")
show(result)

# %% [markdown]
# ## Step 8 — Publish the API in the portal catalogue
#
# Developers only see APIs that are in the portal catalogue. The entry names the policy a
# developer's credentials will get.

# %%
result = guide.run("catalogue-entry")
show(result)

# %% [markdown]
# ## Step 9 — Turn on Dynamic Client Registration for this API
#
# In the catalogue entry's settings the admin ticks *Override global settings* (so the DCR
# settings apply to this API only) and fills in the DCR section: the provider (`keycloak`
# chooses the driver that shapes the registration request), grant type
# `client_credentials`, token endpoint auth method `client_secret_post`, response type
# `token`, the IdP host, the registration endpoint from discovery, and the initial access
# token from step 2 (masked below).

# %%
result = guide.run("catalogue-dcr-settings")
show(result)
show(exchanges_view([e for e in result.exchanges if e.method == "PUT"]))

# %% [markdown]
# ## Step 10 — Add a developer
#
# The admin creates a developer account in the portal (Portal Management → Developers).
# The password is masked in the exchange.

# %%
result = guide.run("create-developer")
show(result)

# %% [markdown]
# ## Step 11 — The developer creates an OAuth client
#
# The developer opens *OAuth Clients*, picks "Keycloak API" and names the client. The
# portal then sends an RFC 7591 registration request to Keycloak's registration endpoint,
# with the initial access token as Bearer credential, and shows the developer the client id
# and secret Keycloak returned. Look at the portal → IdP exchange: Keycloak answers
# **201 Created** with the client's metadata, a `registration_access_token` and a
# `registration_client_uri` (RFC 7592, used later to delete the client).

# %%
result = guide.run("oauth-client-wizard")
show(result)
registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
show(exchanges_view(registration))
assert registration and registration[-1].status == 201

# %% [markdown]
# ## Step 12 — Get an access token (client credentials)
#
# With the client id and secret, the developer asks Keycloak's token endpoint for a token
# using the `client_credentials` grant: a form body with `grant_type`, `client_id` and
# `client_secret` and no other headers, as the guide's Postman request does
# (`client_secret_post`, RFC 6749 §2.3.1 and §4.4).
#
# The access token is a JWT signed with the realm's RSA key. Its `sub` is the client's
# service-account user: that is the identity the gateway will use. There is no `pol` claim.

# %%
result = guide.run("token-request")
show(result)
show(guide.tokens()["access_token"])

# %% [markdown]
# ## Step 13 — Call the API through the gateway
#
# Finally the developer calls "Keycloak API" through the gateway with
# `Authorization: Bearer <access token>`. The gateway checks the algorithm against the
# API's signing method, fetches the JWKS from `jwks_uri` and picks the key named by the
# token's `kid`, verifies the signature and the time claims, takes the identity from `sub`,
# falls back to the default policy (no `pol` claim), and proxies to the upstream.
#
# The HTTP answer is what Tyk sends; the *decision* below is what Tyk would only write to
# its log: the stage reached and why.

# %%
result = guide.run("gateway-call")
show(result)
show(guide.last_decision)
assert guide.last_decision.allowed

# %% [markdown]
# ## Clean up — delete the OAuth client
#
# Not in the guide, but good hygiene: deleting the client in the portal also deletes it at
# Keycloak, with the registration access token (RFC 7592 §2.3, answer 204).

# %%
result = guide.run("delete-client")
show(result)

# %% [markdown]
# ## The whole flow
#
# Every exchange of the run, in order. Hover an arrow for the full URL.

# %%
show(sequence_view(guide.exchanges(), title="Keycloak guide", uid="kc"))

# %%
guide.close()  # stops the portal, the gateway and the IdP the guide started
