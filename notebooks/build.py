"""Build the learner notebooks (``notebooks/*.ipynb``) from this file.

    .venv/bin/python notebooks/build.py          # rewrite the notebooks
    .venv/bin/python notebooks/build.py --check  # exit 1 if a committed notebook is stale

The notebooks are committed without outputs; tests/notebooks/ executes them and checks
that the committed files equal what this builder writes. Edit the text here, never in
the .ipynb files. Each notebook's first code cell is tagged ``parameters`` (papermill
convention) so the same notebook runs on the emulator or on a real Keycloak.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

Cell = nbformat.NotebookNode


class Book:
    """Cells of one notebook, with stable cell ids (``<prefix>-<n>``)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.cells: list[Cell] = []

    def _id(self) -> str:
        return f"{self.prefix}-{len(self.cells):02d}"

    def md(self, text: str) -> None:
        self.cells.append(new_markdown_cell(dedent(text).strip("\n"), id=self._id()))

    def code(self, src: str, *, tags: list[str] | None = None) -> None:
        cell = new_code_cell(dedent(src).strip("\n"), id=self._id())
        if tags:
            cell.metadata["tags"] = tags
        self.cells.append(cell)

    def notebook(self) -> nbformat.NotebookNode:
        nb = new_notebook(cells=self.cells)
        nb.metadata = {
            "kernelspec": {"display_name": "Python 3 (dcr-harness)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
        return nb


IMPORTS = """
    from harness.notebook.guide import Guide
    from harness.notebook import (decision_view, exchanges_view, json_view, jwks_view, jwt_view,
                                  sequence_view, show, step_card)
"""


def step(b: Book, step_id: str, heading: str, text: str, extra: str = "") -> None:
    """One guide step: what and why (markdown), then the code that performs it."""
    b.md(f"## {heading}\n\n" + dedent(text).strip("\n"))
    src = f'result = guide.run("{step_id}")\nshow(result)'
    if extra:
        src += "\n" + dedent(extra).strip("\n")
    b.code(src)


# ---------------------------------------------------------------------------------------
# 01 — Keycloak
# ---------------------------------------------------------------------------------------

def keycloak() -> nbformat.NotebookNode:
    b = Book("kc")
    b.md("""
        # Dynamic Client Registration with Keycloak, step by step

        This notebook performs Tyk's *Step by step guide using Keycloak* with real HTTP
        traffic between five parties:

        * **admin** — the person who configures Keycloak and the Tyk Dashboard,
        * **developer** — the API consumer who signs up in the Developer Portal,
        * **portal** — the Tyk Dashboard and Developer Portal (the harness's reference implementation),
        * **IdP** — Keycloak (an embedded emulator by default, or the real server),
        * **gateway** — a Tyk-compatible gateway that checks JWTs in front of an echo upstream.

        Each section is one step of the guide: what it does and why, the code that does it through
        the harness (`harness.notebook.guide.Guide`), and what went over the wire. Secrets (initial access
        token, client secret, access token, passwords) are masked as `***redacted:<fingerprint>***`
        wherever they appear; the same secret always gets the same fingerprint, so you can still
        follow it from one exchange to the next.

        The next cell holds the parameters. Leave `IDP = "emulator"` for a fast, offline run;
        `"keycloak-dist"` downloads and boots a real Keycloak 26.x (a minute or two);
        `"external"` with `IDP_URL` uses a Keycloak you already run (admin/admin).
    """)
    b.code("""
        IDP = "emulator"  # "emulator", "keycloak-dist" (real Keycloak from its distribution) or "external"
        IDP_URL = ""      # with IDP = "external": base URL of a running Keycloak, e.g. http://127.0.0.1:8080
    """, tags=["parameters"])
    b.code(IMPORTS)
    b.md("""
        ## Open the guide

        `Guide.open` reads the scenario file that describes the guide's settings
        (`scenarios/keycloak.yaml`), prepares the IdP launcher and starts the portal, the
        gateway and the upstream on loopback ports. Nothing is registered yet: the steps below
        do that, in the order the guide gives them. Running a step out of order is refused.
    """)
    b.code("""
        guide = Guide.open("scenarios/keycloak.yaml", idp=IDP, idp_url=IDP_URL or None)
        [f"{s.id}: {s.title}" for s in guide.steps]
    """)
    step(b, "idp-start", "Step 1 — Have a Keycloak to talk to", """
        The guide assumes a running Keycloak. Here the launcher starts one (or checks that the
        external one answers) and we learn its base URL and the issuer of the `master` realm.
        Keycloak 17 and later serve realms under `/realms/...`; the guide's screenshots show the
        older `/auth/realms/...` layout.
    """, """
        assert result.verdict.value == "PASS"
        {k: v for k, v in guide.facts.items() if k.startswith("idp.")}
    """)
    step(b, "initial-access-token", "Step 2 — Create an initial access token", """
        Keycloak does not let just anybody register OAuth clients. The admin creates an
        *initial access token* (Realm settings → Client Registration → Create) with an expiry and
        a maximum number of clients. Whoever holds it may register that many clients: the Tyk
        portal will present it as a Bearer token on every registration (RFC 7591 §3).

        Below: the admin console's login (a password grant for `admin-cli`) and the call that
        creates the token. The token itself is a JWT signed by the realm; its claims say who
        issued it and until when it is valid.
    """, """
        show(guide.tokens()["initial_access_token"])
    """)
    step(b, "discovery", "Step 3 — Read the discovery document", """
        Every URL the guide asks you to copy comes from one place: the realm's OpenID Connect
        discovery document (`/.well-known/openid-configuration`). We keep three of its entries:
        `registration_endpoint` (where the portal registers clients), `token_endpoint` (where the
        developer gets tokens) and `jwks_uri` (where the gateway finds the keys that verify them).
    """, """
        doc = guide.facts["discovery"]
        show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri",
                                           "token_endpoint_auth_methods_supported")}, title="discovery (excerpt)"))
    """)
    step(b, "dashboard-settings", "Step 4 — Tyk configuration files", """
        Two settings files matter before any clicking. In `tyk_analytics.conf` (the Dashboard),
        `oauth_redirect_uri_separator` says how several redirect URLs typed into one field are
        split (`;` in the guide), and `dcr_ssl_insecure_skip_verify` would let the Dashboard talk to
        a Keycloak with a self-signed certificate. In `tyk.conf` (the gateway),
        `jwt_ssl_insecure_skip_verify` does the same for fetching the JWKS. This run uses plain
        HTTP on loopback, so both stay off. This step changes nothing; it reports the values in force.
    """)
    step(b, "create-api", "Step 5 — Create the API with JWT authentication", """
        The admin creates "Keycloak API" in the Dashboard and picks *JSON Web Token* as its
        authentication mode: signing method RSA, the JWKS URI from discovery as the key source
        (the Dashboard stores it base64-encoded), **Identity Source** `sub` (the claim that names
        the caller) and **Policy Field Name** `pol` (the claim that could name a policy).
        The Dashboard then pushes the definition to the gateway (`/tyk/apis`, then `/tyk/reload`).
    """, """
        show(exchanges_view([e for e in result.exchanges if e.actor == "admin"]))
    """)
    step(b, "create-policy", "Step 6 — Create the policy", """
        A policy says what a key may do: which APIs (access rights), how often (rate limit,
        quota) and for how long (key expiry, which the guide asks you to set). "Keycloak Policy"
        grants access to "Keycloak API".
    """)
    step(b, "api-default-policy", "Step 7 — Make the API use the policy", """
        Keycloak's access tokens carry no `pol` claim, so the gateway needs to know which policy
        applies when the claim is missing: the API's *default policy*. This is the guide's
        "make sure the API is using your Keycloak API policy".
    """)
    step(b, "catalogue-entry", "Step 8 — Publish the API in the portal catalogue", """
        Developers only see APIs that are in the portal catalogue. The entry names the policy a
        developer's credentials will get.
    """)
    step(b, "catalogue-dcr-settings", "Step 9 — Turn on Dynamic Client Registration for this API", """
        In the catalogue entry's settings the admin ticks *Override global settings* (so the DCR
        settings apply to this API only) and fills in the DCR section: the provider (`keycloak`
        chooses the driver that shapes the registration request), grant type
        `client_credentials`, token endpoint auth method `client_secret_post`, response type
        `token`, the IdP host, the registration endpoint from discovery, and the initial access
        token from step 2 (masked below).
    """, """
        show(exchanges_view([e for e in result.exchanges if e.method == "PUT"]))
    """)
    step(b, "create-developer", "Step 10 — Add a developer", """
        The admin creates a developer account in the portal (Portal Management → Developers).
        The password is masked in the exchange.
    """)
    step(b, "oauth-client-wizard", "Step 11 — The developer creates an OAuth client", """
        The developer opens *OAuth Clients*, picks "Keycloak API" and names the client. The
        portal then sends an RFC 7591 registration request to Keycloak's registration endpoint,
        with the initial access token as Bearer credential, and shows the developer the client id
        and secret Keycloak returned. Look at the portal → IdP exchange: Keycloak answers
        **201 Created** with the client's metadata, a `registration_access_token` and a
        `registration_client_uri` (RFC 7592, used later to delete the client).
    """, """
        registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
        show(exchanges_view(registration))
        assert registration and registration[-1].status == 201
    """)
    step(b, "token-request", "Step 12 — Get an access token (client credentials)", """
        With the client id and secret, the developer asks Keycloak's token endpoint for a token
        using the `client_credentials` grant: a form body with `grant_type`, `client_id` and
        `client_secret` and no other headers, as the guide's Postman request does
        (`client_secret_post`, RFC 6749 §2.3.1 and §4.4).

        The access token is a JWT signed with the realm's RSA key. Its `sub` is the client's
        service-account user: that is the identity the gateway will use. There is no `pol` claim.
    """, """
        show(guide.tokens()["access_token"])
    """)
    step(b, "gateway-call", "Step 13 — Call the API through the gateway", """
        Finally the developer calls "Keycloak API" through the gateway with
        `Authorization: Bearer <access token>`. The gateway checks the algorithm against the
        API's signing method, fetches the JWKS from `jwks_uri` and picks the key named by the
        token's `kid`, verifies the signature and the time claims, takes the identity from `sub`,
        falls back to the default policy (no `pol` claim), and proxies to the upstream.

        The HTTP answer is what Tyk sends; the *decision* below is what Tyk would only write to
        its log: the stage reached and why.
    """, """
        show(guide.last_decision)
        assert guide.last_decision.allowed
    """)
    step(b, "delete-client", "Clean up — delete the OAuth client", """
        Not in the guide, but good hygiene: deleting the client in the portal also deletes it at
        Keycloak, with the registration access token (RFC 7592 §2.3, answer 204).
    """)
    b.md("""
        ## The whole flow

        Every exchange of the run, in order. Hover an arrow for the full URL.
    """)
    b.code("""
        show(sequence_view(guide.exchanges(), title="Keycloak guide", uid="kc"))
    """)
    b.code("""
        guide.close()  # stops the portal, the gateway and the IdP the guide started
    """)
    return b.notebook()


# ---------------------------------------------------------------------------------------
# 02 — Gluu
# ---------------------------------------------------------------------------------------

def gluu() -> nbformat.NotebookNode:
    b = Book("gl")
    b.md("""
        # Dynamic Client Registration with Gluu, step by step

        This notebook performs Tyk's *Step by step guide using Gluu* (Gluu Server 4.2, oxAuth)
        against the harness's Gluu emulator, then takes apart the one surprising step of that
        guide: restricting `jwksAlgorithmsSupported` to RSA because of "known issues with Tyk's
        JWT driver". Part 2 shows the issue — an EC key whose coordinates have the wrong length
        makes the gateway reject *every* token — in both of the shapes Gluu produces, how to
        diagnose it, and the fix.

        Gluu has no official single container, so Gluu runs only on the emulator; its wire
        behaviour (status 200 on registration, lower-case `bearer`, no `sub` in access tokens,
        the EC serialisation) is documented in `shared/reference/gluu.md` and the `gluu` profile.
    """)
    b.code("""
        IDP = "emulator"     # Gluu runs on the emulator only
        GLUU_VERSION = "4.2"  # the guide's release
    """, tags=["parameters"])
    b.code(IMPORTS + """
    import json

    from harness.products.gluu.admin import GluuAdmin
    from harness.products.gluu.emulator.launcher import GluuEmulatorLauncher
    from harness.tyk.gateway.golang.jwks_go import JwksDecodeError, decode_jwks

    assert IDP == "emulator", "the Gluu guide runs on the Gluu emulator (IDP = 'emulator')"
    """)
    b.md("""
        # Part 1 — the guide as written

        `scenarios/gluu.yaml` holds the guide's settings. The Gluu emulator is started with key
        seed 4, which makes its P-256 key one of the (about half of all) keys that hit the bug
        in Part 2 — the guide's fix in step 2 hides it.
    """)
    b.code("""
        guide = Guide.open("scenarios/gluu.yaml",
                           launcher=GluuEmulatorLauncher(version=GLUU_VERSION, key_seed=4))
        [f"{s.id}: {s.title}" for s in guide.steps]
    """)
    step(b, "idp-start", "Step 1 — Have a Gluu server to talk to", """
        Gluu has no realms: the issuer is the server root, and oxAuth's endpoints live under
        `/oxauth/restv1/` (registration, token, JWKS).
    """)
    step(b, "idp-configuration", "Step 2 — oxAuth configuration: publish RSA keys only", """
        In oxTrust (Configuration → JSON Configuration → OxAuth Configuration) the guide sets
        `jwksAlgorithmsSupported` to RS256, RS384 and RS512 and saves. oxAuth keeps all its keys
        but publishes only those algorithms in its JWKS. Part 2 shows what goes wrong without
        this. (Registration is open by default in Gluu: no initial access token is needed.)
    """)
    step(b, "discovery", "Step 3 — Read the discovery document", """
        The registration endpoint and the well-known configuration are the two URLs the guide
        asks you to keep. The token endpoint and `jwks_uri` come from the same document.
    """, """
        doc = guide.facts["discovery"]
        show(json_view({k: doc[k] for k in ("issuer", "registration_endpoint", "token_endpoint", "jwks_uri")},
                       title="discovery (excerpt)"))
    """)
    step(b, "dashboard-settings", "Step 4 — Tyk configuration files", """
        As with Keycloak: `oauth_redirect_uri_separator` (`;`) in `tyk_analytics.conf`. Nothing
        else changes.
    """)
    step(b, "create-api", "Step 5 — Create the API with JWT authentication", """
        "Gluu API" uses JWT with RSA and the JWKS URI from discovery, like the Keycloak guide —
        except **Identity Source** `client_id`: Gluu's access tokens have no `sub` claim at all,
        so the gateway would find no identity in them (see notebook 04 for that mistake).
        Policy Field Name stays `pol`.
    """)
    step(b, "create-policy", "Step 6 — Create the policy", """
        "Gluu Policy" grants access to "Gluu API", with a key expiry.
    """)
    step(b, "api-default-policy", "Step 7 — Make the API use the policy", """
        Gluu's tokens carry no `pol` claim either: the API's default policy applies.
    """)
    step(b, "catalogue-entry", "Step 8 — Publish the API in the portal catalogue", """
        The catalogue entry "Gluu API" with "Gluu Policy".
    """)
    step(b, "catalogue-dcr-settings", "Step 9 — DCR settings for this API", """
        Override the global settings and choose provider **Gluu**, grant type
        `client_credentials`, auth method *Client Secret - Post*, response type **Token**, the
        IdP host and the registration endpoint `/oxauth/restv1/register`. The initial access
        token stays empty: Gluu registration is open.
    """)
    step(b, "create-developer", "Step 10 — Add a developer", """
        A developer account in the portal.
    """)
    step(b, "oauth-client-wizard", "Step 11 — The developer creates an OAuth client", """
        The wizard registers "GluuClient" at oxAuth. Two Gluu habits show in the exchange:
        success is **200** (not RFC 7591's 201), and because the guide asks for response type
        `token`, Gluu insists on a redirect URL — the guide says the field may stay blank, but
        Gluu would answer `invalid_client_metadata` (our scenario fills one in).
    """, """
        registration = [e for e in result.exchanges if e.actor == "portal" and e.target == "idp"]
        show(exchanges_view(registration))
        assert registration and registration[-1].status == 200
    """)
    step(b, "token-request", "Step 12 — Get an access token (client credentials)", """
        `client_secret_post`, exactly as registered: Gluu enforces the registered method and
        would refuse Basic authentication for this client. Note `token_type: "bearer"` in lower
        case, and the JWT's claims: `client_id` and `aud`, no `sub`, `scope` as an array.
    """, """
        show(guide.tokens()["access_token"])
        assert "sub" not in guide.tokens()["access_token"].claims
    """)
    step(b, "gateway-call", "Step 13 — Call the API through the gateway", """
        The gateway fetches the JWKS — RSA keys only, thanks to step 2 — verifies the token and
        takes the identity from `client_id`.
    """, """
        show(guide.last_decision)
        assert guide.last_decision.allowed and guide.last_decision.identity == guide.facts["client.id"]
    """)
    step(b, "delete-client", "Clean up — delete the OAuth client", """
        The portal deletes the client at Gluu (RFC 7592 §2.3: 204).
    """)
    b.md("## The whole flow")
    b.code("""
        show(sequence_view(guide.exchanges(), title="Gluu guide", uid="gluu"))
        guide.close()
    """)
    b.md("""
        # Part 2 — why the guide restricts `jwksAlgorithmsSupported`

        By default oxAuth publishes a key for every algorithm it supports, EC ones included
        (ES256, ES384, ES512). RFC 7518 §6.2.1.2 says an EC coordinate must be encoded with
        exactly the curve's size — 32 bytes for P-256. Gluu 4.2 writes coordinates with Java's
        `BigInteger.toByteArray()`, which

        * adds a `0x00` sign byte when the top bit of the number is set → **33 bytes**, and
        * drops leading zero bytes and never pads them back → **31 bytes** (or fewer).

        Tyk decodes the JWKS with go-jose, which rejects a wrong-length coordinate — and the
        decoding is all or nothing, so one bad EC key fails the whole set, the good RSA keys
        with it. Every token then gets `403 Key not authorized`, and the reason is only in
        Tyk's log.

        `scenarios/gluu-ec-bug.yaml` is the guide with step 2 left at Gluu's defaults. We run
        it twice, with two key seeds: one whose P-256 `x` gets the sign byte, one whose `x`
        starts with a zero byte.
    """)
    b.code("""
        def run_without_the_fix(key_seed):
            g = Guide.open("scenarios/gluu-ec-bug.yaml",
                           launcher=GluuEmulatorLauncher(version=GLUU_VERSION, key_seed=key_seed))
            g.run_through("token-request")
            return g, g.run("gateway-call", expect="fail")

        guide33, failed33 = run_without_the_fix(4)
        show(failed33)
    """)
    b.md("""
        ## Diagnosis: look at the JWKS the gateway fetched

        The gateway's own JWKS fetch is part of the step's exchanges. Its answer lists one key
        per algorithm; the table shows the coordinate lengths of the EC keys next to what
        RFC 7518 requires.
    """)
    b.code("""
        fetch = next(e for e in failed33.exchanges if e.actor == "gateway" and e.target == "idp")
        jwks33 = json.loads(fetch.response_body)
        show(jwks_view(jwks33, title=f"JWKS from {fetch.url}"))
        es256 = next(k for k in jwks33["keys"] if k["alg"] == "ES256")
        es256
    """)
    b.md("""
        The gateway's decision says the same in one line (Tyk answers only "Key not authorized"),
        and decoding the document the way go-jose does (`harness.tyk.gateway.golang.jwks_go`) fails on the same key:
    """)
    b.code("""
        show(guide33.last_decision)
        try:
            decode_jwks(json.dumps(jwks33).encode())
        except JwksDecodeError as exc:
            problem = str(exc)
        problem
    """)
    b.code("""
        assert "33 bytes, expected 32" in guide33.last_decision.reason
        assert "jwksAlgorithmsSupported" in failed33.fix
    """)
    b.md("""
        ## The fix, applied to the running server

        The guide's fix is an oxAuth configuration change, so we make it on the running server
        (the emulator's stand-in for oxTrust's "Save OxAuth Configuration") and call the gateway
        again. Failed JWKS fetches are not cached by Tyk, so the very next request sees the new
        key set — no restart needed.
    """)
    b.code("""
        admin = GluuAdmin(guide33.idp.base_url, guide33.idp.admin_user, guide33.idp.admin_password)
        admin.set_configuration(jwks_algorithms_supported=["RS256", "RS384", "RS512"])
        fixed = guide33.run("gateway-call")   # re-running the failed step is allowed
        show(fixed)
        fetch = next(e for e in fixed.exchanges if e.actor == "gateway" and e.target == "idp")
        show(jwks_view(json.loads(fetch.response_body), title="JWKS after the fix"), guide33.last_decision)
        guide33.close()
    """)
    b.md("""
        ## The other shape: a 31-byte coordinate

        With key seed 693 the P-256 `x` starts with a zero byte followed by a byte below 0x80:
        `toByteArray()` drops the zero and has no sign byte to add, so the coordinate comes out
        one byte short. Same failure, same fix. (Gluu 4.4 stopped adding the sign byte, so only
        this shape remains there; 4.2 has both.)
    """)
    b.code("""
        guide31, failed31 = run_without_the_fix(693)
        fetch = next(e for e in failed31.exchanges if e.actor == "gateway" and e.target == "idp")
        show(failed31, jwks_view(json.loads(fetch.response_body), title="JWKS (seed 693)"), guide31.last_decision)
        assert "31 bytes, expected 32" in guide31.last_decision.reason
    """)
    b.code("""
        GluuAdmin(guide31.idp.base_url, guide31.idp.admin_user, guide31.idp.admin_password).restrict_jwks_to_rsa()
        show(guide31.run("gateway-call"))
        show(sequence_view(guide31.exchanges(), title="EC JWKS bug, then the fix", uid="ec31"))
        guide31.close()
    """)
    return b.notebook()


# ---------------------------------------------------------------------------------------
# 03 — JWT edge cases
# ---------------------------------------------------------------------------------------

def jwt_edge_cases() -> nbformat.NotebookNode:
    b = Book("jwt")
    b.md("""
        # JWT attacks and edge cases against the gateway

        The guides end with a call through the gateway. Here we play the attacker (and the
        careless IdP) and watch what the gateway does with tokens it should refuse. Everything
        is decided by the harness's Tyk-compatible gateway (`harness.tyk.gateway`); the notebook
        only builds tokens (`harness.jose`) and asks. For each case you get the HTTP answer — as
        Tyk sends it — and the gateway's *decision*: the stage of Tyk's decision order where it
        stopped, and the reason Tyk would only log.

        Two set-ups:

        1. the Keycloak guide, run up to a valid access token, for attacks that need no private
           key (stripping the signature, key confusion, kid games, time travel);
        2. a *JWT lab* (`harness.notebook.lab.JwtLab`): the same kind of API, but the IdP is us,
           with our own RSA key in the JWKS, so we can sign any claims we like.
    """)
    b.code("""
        IDP = "emulator"
        IDP_URL = ""
    """, tags=["parameters"])
    b.code(IMPORTS + """
    from harness.jose import generate_rsa
    from harness.jose.tokens import decode_unverified
    from harness.notebook.lab import JwtLab

    def ask(lab_or_guide, token, **kw):
        \"\"\"Send a token through the gateway; show the answer and the decision.\"\"\"
        answer = lab_or_guide.call(token, **kw)
        show(decision_view(answer.decision))
        return answer
    """)
    b.md("""
        # Part 1 — a real token from the Keycloak guide

        Run the Keycloak guide until the gateway has accepted a genuine token once.
    """)
    b.code("""
        guide = Guide.open("scenarios/keycloak.yaml", idp=IDP, idp_url=IDP_URL or None)
        guide.run_through("gateway-call")
        header, claims = decode_unverified(guide.secret("access_token"))
        show(jwt_view(header, claims, title="the genuine access token"), guide.last_decision)
    """)
    b.md("""
        A small helper sends a forged token through the gateway of this guide's world. The
        tokens are built from the genuine token's claims with `harness.jose`; the gateway is
        the one configured by the guide ("Keycloak API", JWKS from Keycloak).
    """)
    b.code("""
        import requests
        from harness.jose.rawtokens import segment, sign_segments

        api_url = guide.world.gateway_url + guide.scenario.api.listen_path + "get"

        def call(token):
            resp = guide.world.session("developer", "gateway").get(api_url, headers={"Authorization": f"Bearer {token}"})
            show(decision_view(guide.last_decision))
            return resp.status_code, resp.json().get("error") if resp.status_code != 200 else "OK"
    """)
    b.md("""
        ## `alg: none` — a token without a signature

        RFC 7519 §6 defines unsecured JWTs; a verifier that honours `alg` from the token itself
        would accept one. Tyk checks the algorithm against the API's signing method (RSA) before
        anything else.
    """)
    b.code("""
        forged = f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{segment(claims)}."
        answer = call(forged)
        assert answer == (403, "Key not authorized: Unexpected signing method"), answer
        answer
    """)
    b.md("""
        ## Key confusion — HS256 signed with the RSA *public* key

        The public key is public: anyone can read it from the JWKS. If a verifier let the token
        choose HS256 and used the RSA key's bytes as the HMAC secret, the attacker could sign
        anything (RFC 8725 §2.1). Here the public key comes from the very JWKS the gateway uses.
    """)
    b.code("""
        from jwcrypto import jwk

        jwks_doc = guide.world.session("harness", "idp").get(guide.facts["discovery.jwks_uri"]).json()
        sig_key = next(k for k in jwks_doc["keys"] if k["kid"] == header["kid"])
        public_pem = jwk.JWK(**sig_key).export_to_pem()
        forged = sign_segments(segment({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}), segment(claims),
                               public_pem, "HS256")
        answer = call(forged)
        assert answer[0] == 403, answer
        answer
    """)
    b.md("""
        ## `kid` games

        With a JWKS source the gateway selects the key by the token's `kid` — exactly, first
        match wins, and an unknown `kid` does not make it refetch the JWKS. A token signed by
        an attacker's own key under the genuine `kid` fails the signature check; an unknown or
        missing `kid` fails before any signature is checked; a path-like `kid` is just an
        unknown string.
    """)
    b.code("""
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
    """)
    b.md("""
        ## Time travel — the genuine token after it expires

        Keycloak's master realm issues tokens that live 60 seconds. Instead of waiting, we move
        the gateway's clock (`world.clock`) past `exp`: the signature is still valid, the token
        is not.
    """)
    b.code("""
        import time

        token = guide.secret("access_token")
        guide.world.clock = lambda: claims["exp"] + 1
        answer = call(token)
        guide.world.clock = time.time
        assert answer == (401, "Key not authorized: token has expired"), answer
        answer
    """)
    b.code("""
        to_gateway = [e for e in guide.exchanges() if e.target == "gateway" and e.actor == "developer"]
        show(sequence_view(to_gateway, title="the genuine call, then the forged ones", uid="real"))
        guide.close()
    """)
    b.md("""
        # Part 2 — the JWT lab: we are the IdP

        `JwtLab` runs the harness gateway with one API configured like the guides (RSA, JWKS URL
        stored base64-encoded, Identity Source `sub`, Policy Field Name `pol`, default policy
        `lab-policy`), a second policy `other-api-policy` that grants a different API, and a
        JWKS we publish. `lab.token(claims)` signs with the trusted key; `lab.claims(...)` gives
        well-formed claims with overrides (`None` removes a claim).
    """)
    b.code("""
        lab = JwtLab().start()
        good = ask(lab, lab.token())
        assert good.status == 200
        show(jwt_view(*decode_unverified(lab.token()), title="a lab token"))
    """)
    b.md("""
        ## Time claims: `exp`, `nbf`, `iat`

        After the signature, Tyk checks `exp` (expired when now ≥ exp), `iat` (not in the
        future) and `nbf` (not in the future), each with an optional skew from the API
        definition. These refusals are **401**, the others 403.
    """)
    b.code("""
        now = int(lab.now())
        cases = {
            "expired 10 s ago": lab.claims(exp=now - 10),
            "not valid for 10 min (nbf)": lab.claims(nbf=now + 600),
            "issued in the future (iat)": lab.claims(iat=now + 600),
        }
        answers = {name: ask(lab, lab.token(c)) for name, c in cases.items()}
        assert [a.status for a in answers.values()] == [401, 401, 401]
        {name: f"{a.status} {a.message}" for name, a in answers.items()}
    """)
    b.md("""
        A skew tolerates clocks that disagree: with `jwt_expires_at_validation_skew: 30`, a token
        that expired 10 seconds ago still passes.
    """)
    b.code("""
        lab.configure_api(jwt_expires_at_validation_skew=30)
        late = ask(lab, lab.token(lab.claims(exp=now - 10)))
        lab.configure_api(jwt_expires_at_validation_skew=0)
        assert late.status == 200
    """)
    b.md("""
        ## Identity: which claim names the caller

        The Identity Source claim (here `sub`) is read first; when the API names another field
        (Gluu's `client_id`) and the token lacks it, Tyk falls back to `sub`. With neither, the
        token is refused even though its signature is fine.
    """)
    b.code("""
        no_sub = ask(lab, lab.token(lab.claims(sub=None)))
        lab.configure_api(jwt_identity_base_field="client_id")
        fallback = ask(lab, lab.token(lab.claims(client_id=None)))
        by_client_id = ask(lab, lab.token(lab.claims(sub=None, client_id="client-42")))
        lab.configure_api(jwt_identity_base_field="sub")
        assert (no_sub.status, fallback.status, by_client_id.status) == (403, 200, 200)
        (no_sub.message, fallback.decision.identity, by_client_id.decision.identity)
    """)
    b.md("""
        ## Policy claim: `pol`

        Without `pol`, the API's default policies apply. A `pol` naming an unknown policy is
        refused — the default policy is *not* a fallback then. A `pol` naming a real policy that
        does not grant this API is refused later, at the access-rights check.
    """)
    b.code("""
        answers = {
            "no pol": ask(lab, lab.token()),
            "pol: lab-policy": ask(lab, lab.token(lab.claims(pol="lab-policy"))),
            "pol: unknown": ask(lab, lab.token(lab.claims(pol="gold-tier"))),
            "pol: other API's policy": ask(lab, lab.token(lab.claims(pol="other-api-policy"))),
        }
        assert [a.status for a in answers.values()] == [200, 200, 403, 403]
        {name: f"{a.status} {a.message or 'OK'} (stage {a.decision.stage})" for name, a in answers.items()}
    """)
    b.md("""
        ## Why the signing method matters: key confusion on an HMAC API

        Part 1 showed the RSA API refusing an HS256 token. Configure the API the wrong way —
        signing method `hmac` with the *public key* as its source — and the same attack works:
        anyone who can read the public key can mint tokens. The API definition, not the token,
        must decide the algorithm family.
    """)
    b.code("""
        import base64

        lab.configure_api(jwt_signing_method="hmac", jwt_source=base64.b64encode(lab.public_key_pem()).decode())
        confused = ask(lab, lab.hmac_token(lab.public_key_pem(), lab.claims(sub="attacker")))
        lab.configure_api(jwt_signing_method="rsa", jwt_source=base64.b64encode(lab.jwks_url.encode()).decode())
        proper = ask(lab, lab.hmac_token(lab.public_key_pem(), lab.claims(sub="attacker")))
        assert (confused.status, proper.status) == (200, 403)
        (f"hmac API: {confused.status}", f"rsa API: {proper.status} {proper.message}")
    """)
    b.md("""
        ## One bad key spoils the JWKS

        The JWKS is decoded all or nothing. Publish a malformed EC key next to the good RSA key
        (a 33-byte `x`, as Gluu 4.2 does — notebook 02) and the perfectly good token is refused.
    """)
    b.code("""
        import base64 as b64

        def b64url(n_bytes, fill):
            return b64.urlsafe_b64encode(bytes([fill]) * n_bytes).rstrip(b"=").decode()

        bad_ec = {"kty": "EC", "crv": "P-256", "kid": "ec-1", "x": b64url(33, 1), "y": b64url(32, 2)}
        lab.set_jwks({"keys": [bad_ec, lab.key.export_public(as_dict=True)]})
        spoiled = ask(lab, lab.token())
        lab.publish_keys(lab.key)
        assert spoiled.status == 403 and "33 bytes" in spoiled.decision.reason
    """)
    b.md("""
        ## Duplicate `kid`: first match wins

        If the JWKS holds two keys with the same `kid`, Tyk only tries the first. A token signed
        by the second is refused even though its key is published.
    """)
    b.code("""
        lab.publish_keys(lab.key, lab.attacker_key)   # both have kid "lab-key-1"
        first = ask(lab, lab.token())
        second = ask(lab, lab.token(key=lab.attacker_key))
        lab.publish_keys(lab.key)
        assert (first.status, second.status) == (200, 403)
    """)
    b.md("""
        ## The `Authorization` header

        Exactly one leading `Bearer ` (any case) is stripped. Nothing at all is a 400;
        `Bearer:` is not repaired, so the token no longer parses.
    """)
    b.code("""
        answers = {
            "bearer (lower case)": ask(lab, lab.token(), scheme="bearer"),
            "no Authorization": ask(lab, None),
            "'Bearer:' prefix": ask(lab, lab.token(), scheme="Bearer:"),
        }
        assert [a.status for a in answers.values()] == [200, 400, 403]
        {name: f"{a.status} {a.message or 'OK'}" for name, a in answers.items()}
    """)
    b.code("""
        show(sequence_view(list(lab.transcript), title="JWT lab", uid="lab"))
        lab.stop()
    """)
    return b.notebook()


# ---------------------------------------------------------------------------------------
# 04 — reproduce a customer setup
# ---------------------------------------------------------------------------------------

def customer_setup() -> nbformat.NotebookNode:
    b = Book("cust")
    b.md("""
        # Reproduce a customer's setup

        A support ticket says "DCR is broken". The harness rebuilds the customer's setup from a
        YAML scenario, runs every step of the guide, and the report says which step broke, why,
        and what the HTTP traffic was. This notebook does that three times:

        1. a ready-made broken scenario from `scenarios/broken/`;
        2. a customer's variant written on the spot, then fixed;
        3. the same run as the command line does it, with `report.json` read back.
    """)
    b.code("""
        IDP = "emulator"
        IDP_URL = ""
    """, tags=["parameters"])
    b.code(IMPORTS + """
    import json
    import tempfile
    from pathlib import Path

    from harness.notebook.guide import project_root
    from harness.notebook import run_summary
    from harness.report.json_report import write_json
    from harness.scenario.loader import load_scenario, parse_scenario
    from harness.scenario.runner import check_expectation, run_scenario

    ROOT = project_root()
    REPORTS = Path(tempfile.mkdtemp(prefix="customer-"))
    """)
    b.md("""
        ## 1. "Developers cannot create OAuth clients any more"

        `scenarios/broken/keycloak-iat-exhausted.yaml`: the initial access token was created with
        a count of 1 and has already been used. Load it, read what it claims, run it.
    """)
    b.code("""
        scenario = load_scenario(ROOT / "scenarios/broken/keycloak-iat-exhausted.yaml")
        show(json_view({"name": scenario.name, "initial_access_token": scenario.idp.initial_access_token.model_dump(),
                        "expect": scenario.expect.model_dump()}, title="the scenario"))
    """)
    b.code("""
        kind = None if IDP == "emulator" else IDP
        if kind == "external":
            scenario.idp.url = IDP_URL
        result_iat = run_scenario(scenario, report_dir=REPORTS / "iat", idp_kind=kind)
        show(run_summary(result_iat))
    """)
    b.md("""
        The failed step carries the raw error (what the IdP said), the diagnosis (the likely
        cause in plain words) and the fix. Its exchanges are the evidence: the portal's
        registration request and Keycloak's `401 invalid_token` answer.
    """)
    b.code("""
        failed = result_iat.failed_step
        show(step_card(failed, show_exchanges=False))
        show(exchanges_view([e for e in failed.exchanges if e.target == "idp"]))
        ok, line = check_expectation(scenario, result_iat)
        assert ok, line
        line
    """)
    b.md("""
        ## 2. A customer's own variant

        Another customer followed the Keycloak guide, but their API definition was copied from
        an older API that used shared-secret tokens: its JWT signing method is still **HMAC**.
        We write their setup as YAML — the guide's scenario with that one line changed — and
        walk through it with `Guide`, one step at a time, up to the failing call.
    """)
    b.code("""
        guide_text = (ROOT / "scenarios/keycloak.yaml").read_text()
        customer_file = REPORTS / "customer-hmac.yaml"
        customer_file.write_text(guide_text.replace("signing_method: rsa", "signing_method: hmac"))
        guide = Guide.open(customer_file, idp=IDP, idp_url=IDP_URL or None)
        guide.run_through("token-request")
        failed = guide.run("gateway-call", expect="fail")
        show(failed, guide.last_decision)
    """)
    b.md("""
        Everything up to the token worked: registration, token, JWKS. The gateway refused the
        RS256 token at the *signing method* stage, before looking at any key, because the API
        says HMAC. The reason is what Tyk would only write to its log; the developer sees
        `403 Key not authorized: Unexpected signing method`.
    """)
    b.code("""
        assert guide.last_decision.stage == "signing_method"
        guide.close()
    """)
    b.md("""
        Put the customer's signing method back to `rsa` and the whole run is green:
    """)
    b.code("""
        fixed = parse_scenario(customer_file.read_text().replace("signing_method: hmac", "signing_method: rsa"),
                               "customer-fixed.yaml")
        if IDP == "external":
            fixed.idp.url = IDP_URL
        result_fixed = run_scenario(fixed, report_dir=REPORTS / "fixed", idp_kind=kind)
        show(run_summary(result_fixed))
        assert result_fixed.passed
    """)
    b.md("""
        ## 3. Read the report

        `dcr-harness run` writes `report.json` (and an HTML report) from the same result object.
        Everything in it is redacted. Here is the failing run of part 1, written and read back:
        the failed step, its diagnosis, and the exchanges that prove it.
    """)
    b.code("""
        path = write_json(result_iat.to_dict(), REPORTS / "iat" / "report.json")
        report = json.loads(path.read_text())
        step = next(s for s in report["steps"] if s["id"] == report["failed_step"])
        show(json_view({k: step[k] for k in ("id", "verdict", "error", "cause", "fix")}, title=f"{path}: failed step"))
        [f"{e['actor']} -> {e['target']}: {e['method']} {e['url']} -> {e['status']}" for e in step["exchanges"]]
    """)
    b.code("""
        from harness.core.transcript import Exchange

        show(sequence_view([Exchange(**e) for s in report["steps"] for e in s["exchanges"]],
                           title="the customer's run", uid="cust"))
    """)
    return b.notebook()


NOTEBOOKS: dict[str, Callable[[], nbformat.NotebookNode]] = {
    "01-keycloak-dcr.ipynb": keycloak,
    "02-gluu-dcr.ipynb": gluu,
    "03-jwt-edge-cases.ipynb": jwt_edge_cases,
    "04-reproduce-a-customer-setup.ipynb": customer_setup,
}


def render(name: str) -> str:
    """The exact text of notebook ``name`` as committed."""
    nb = NOTEBOOKS[name]()
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def main(argv: list[str]) -> int:
    stale = []
    for name in NOTEBOOKS:
        path = HERE / name
        text = render(name)
        if "--check" in argv:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        sys.stderr.write(f"stale notebooks (run notebooks/build.py): {', '.join(stale)}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
