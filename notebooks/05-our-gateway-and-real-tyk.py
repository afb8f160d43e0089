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
# # Our gateway and the real Tyk gateway, side by side
#
# Every other notebook ends at **our gateway**: the harness's own Tyk-compatible gateway
# (`harness.tyk.gateway`), which runs in the notebook's process, keeps a log of its decisions
# and has a clock we can move. Here the same Keycloak guide also runs on the **real
# open-source Tyk gateway** (`--gateway tyk-oss`): a Tyk binary with its own `redis-server`,
# started and stopped by the harness. Every answer below is labelled with the gateway that
# gave it.
#
# 1. The guide, step by step, on both gateways — the steps and their verdicts.
# 2. The same token sent to both, then a few of the forged tokens of
#    [notebook 03](03-jwt-edge-cases.ipynb): status and error message in one table.
# 3. What differs by nature: our gateway's decision log against the line Tyk logs.
# 4. JWKS key rotation: the IdP rotates its signing key, both gateways refuse the new tokens
#    while they hold the old key set in their cache, and what makes them take the new key.
#
# **Needs a Tyk gateway binary.** The harness cannot build one here (the Go module proxy
# refuses Tyk's module); it runs one you have: `--tyk-bin PATH` or `$DCR_HARNESS_TYK_BIN`, `tyk`
# on PATH, or `~/.cache/dcr-harness/tyk/<commit>/tyk` (`harness/tyk/gateway/tyk_oss.py`,
# `find_binary`). Without one, the outputs below are those committed from the last run
# (Tyk's version is in them), and `python -m harness.notebook.execute` skips this notebook,
# saying what is missing and how to provide it. The differential behind
# [docs/gateway-vs-tyk.md](../docs/gateway-vs-tyk.md) compares the two gateways on 390 cases;
# this notebook shows a few of them live.

# %% tags=["parameters"]
IDP = "emulator"
IDP_URL = ""
TYK_BIN = ""
#: Seconds a gateway keeps a fetched JWKS (tyk.conf `jwks.cache.timeout`; Tyk's default is 240).
JWKS_CACHE_TTL = 15

# %%
import contextlib
import time

from harness.core.errors import ConfigError
from harness.jose import generate_rsa
from harness.jose.rawtokens import segment, sign_segments
from harness.jose.tokens import decode_unverified
from harness.launchers.registry import how_to_provide, unavailable
from harness.notebook import decision_view, json_view, show, table_view
from harness.notebook.guide import Guide, GuideError
from harness.scenario.loader import load_scenario
from harness.tyk.gateway.tyk_oss import find_binary

missing = unavailable("tyk-oss", "gateway", tyk_bin=TYK_BIN or None)
if missing:
    raise RuntimeError(f"{missing}. To run this notebook: {how_to_provide('tyk-oss', 'gateway')}")
binary, found_in = find_binary(TYK_BIN or None)
print(f"the real Tyk gateway: a binary from {found_in}, run with its own redis-server")

# %% [markdown]
# # Part 1 — the Keycloak guide on both gateways
#
# Two worlds (portal, gateway, upstream) share **one Keycloak**: the first guide starts the
# IdP (the emulator, or the Keycloak at `IDP_URL`) and the second uses it as an external
# Keycloak. So both gateways fetch the same JWKS and the same token can be sent to both.
# Each guide registers its own OAuth client through its own portal. Both gateways keep a
# fetched JWKS for `JWKS_CACHE_TTL` seconds instead of Tyk's default 240 (tyk.conf
# `jwks.cache.timeout`, the scenario's `gateway.jwks_cache_ttl`), so that Part 4 can wait for
# the real gateway's cache to expire.

# %%
scenario = load_scenario("../scenarios/keycloak.yaml")
scenario = scenario.model_copy(update={"gateway": scenario.gateway.model_copy(update={"jwks_cache_ttl": JWKS_CACHE_TTL})})
guides = contextlib.ExitStack()  # closed in the last cell: each guide stops its servers, the real Tyk and its Redis too
ours = guides.enter_context(Guide.open(scenario, idp=IDP, idp_url=IDP_URL or None))
ours.run_through("idp-start")
tyk = guides.enter_context(Guide.open(scenario, idp="external", idp_url=ours.facts["idp.base_url"],
                                      gateway="tyk-oss", tyk_bin=TYK_BIN or None))
for guide in (ours, tyk):
    guide.run_through("gateway-call")
print("our gateway:", ours.world.gateway_launcher.kind, "(in this process)")
print("real Tyk:   ", tyk.world.gateway_launcher.describe())

# %% [markdown]
# Every step of the guide, with its verdict on each gateway. The steps before `create-api`
# do not involve a gateway; from `create-api` on, the portal drives whichever gateway runs
# through Tyk's REST API (`/tyk/apis`, `/tyk/policies`, then a reload), as the Dashboard does.

# %%
rows = []
for a in ours.results:
    b = tyk.result(a.id)
    step = a
    rows.append({"step": step.id, "our gateway": a.verdict.value, "real Tyk": b.verdict.value,
                 "real Tyk's evidence": b.evidence if step.id in ("create-api", "gateway-call") else ""})
show(table_view(rows, title="the Keycloak guide, step by step", redactor=tyk.redactor))
assert all(r["our gateway"] == r["real Tyk"] == "PASS" for r in rows), rows

# %% [markdown]
# What each world registered (secrets masked): two clients of the same Keycloak, two APIs,
# one per gateway.

# %%
show(table_view([{"gateway": name, "client id": g.facts["client.id"], "client secret": g.facts["client.secret"],
                  "API id": g.facts["api.id"], "JWKS": g.facts["api.jwks_uri"]}
                 for name, g in (("our gateway", ours), ("real Tyk", tyk))], redactor=ours.redactor))

# %% [markdown]
# # Part 2 — the same token, and forged ones, on both gateways
#
# `ask` sends one token to the guide's API on both gateways and returns one row: each
# gateway's status and error message, whether they are equal, and *why* each refused —
# from our gateway's decision log, and from the line the real Tyk wrote to its log
# (`why_refused`: its last middleware error line after the request).

# %%
def answer_of(guide, token):
    """(status, message, why) of ``guide``'s gateway for ``token``."""
    launcher = guide.world.gateway_launcher
    mark = launcher.log_mark() if guide.world.gateway is None else None
    url = guide.world.gateway_url + guide.scenario.api.listen_path + "get"
    resp = guide.world.session("developer", "gateway").get(url, headers={"Authorization": f"Bearer {token}"})
    message = "OK" if resp.status_code == 200 else resp.json().get("error")
    if mark is None:
        decision = guide.last_decision
        why = f"{decision.stage}: {decision.reason}"
    else:
        why = launcher.why_refused(mark) or "(nothing logged)"
    return resp.status_code, message, why


def ask(case, token):
    (s1, m1, why1), (s2, m2, why2) = answer_of(ours, token), answer_of(tyk, token)
    return {"case": case, "our gateway": f"{s1} {m1}", "real Tyk": f"{s2} {m2}",
            "same": "yes" if (s1, m1) == (s2, m2) else "NO",
            "our gateway's decision": why1, "real Tyk's log": why2 if s2 != 200 else ""}


genuine = ours.secret("access_token")
header, claims = decode_unverified(genuine)
show(table_view([ask("the guide's token (from our world's client)", genuine),
                 ask("the guide's token (from the real Tyk world's client)", tyk.secret("access_token"))],
                redactor=ours.redactor))

# %% [markdown]
# Now a few of notebook 03's forged tokens, built from the genuine token's claims with
# `harness.jose` (no private key of the IdP is needed for any of them):
#
# * `alg: none` — no signature at all (RFC 7519 §6);
# * key confusion — HS256 "signed" with the RSA public key from the JWKS (RFC 8725 §2.1);
# * an attacker's RSA key under the genuine `kid`, an unknown `kid`, no `kid`;
# * `alg: rs256` — algorithm names are case-sensitive (RFC 7515 §4.1.1);
# * the genuine signature over changed claims (`sub` swapped).

# %%
from jwcrypto import jwk

jwks_doc = ours.world.session("harness", "idp").get(ours.facts["discovery.jwks_uri"]).json()
public_pem = jwk.JWK(**next(k for k in jwks_doc["keys"] if k["kid"] == header["kid"])).export_to_pem()
attacker = generate_rsa(kid=header["kid"])
signature = genuine.rsplit(".", 1)[1]
forged = {
    "alg: none": f"{segment({'alg': 'none', 'typ': 'JWT', 'kid': header['kid']})}.{segment(claims)}.",
    "HS256 with the RSA public key": sign_segments(segment({"alg": "HS256", "typ": "JWT", "kid": header["kid"]}),
                                                   segment(claims), public_pem, "HS256"),
    "attacker's key, genuine kid": sign_segments(segment({"alg": "RS256", "typ": "JWT", "kid": header["kid"]}),
                                                 segment(claims), attacker, "RS256"),
    "unknown kid": sign_segments(segment({"alg": "RS256", "typ": "JWT", "kid": "no-such-key"}), segment(claims),
                                 attacker, "RS256"),
    "no kid": sign_segments(segment({"alg": "RS256", "typ": "JWT"}), segment(claims), attacker, "RS256"),
    "alg: rs256 (lower case)": f"{segment({**header, 'alg': 'rs256'})}.{segment(claims)}.{signature}",
    "genuine signature, sub changed": f"{segment(header)}.{segment({**claims, 'sub': 'someone-else'})}.{signature}",
}
edge = [ask(case, token) for case, token in forged.items()]
show(table_view(edge, title="forged tokens: our gateway and the real Tyk", redactor=ours.redactor))
assert all(r["same"] == "yes" for r in edge), edge

# %% [markdown]
# Status and message are the same on both gateways for every case: that is what a client
# sees, and what [docs/gateway-vs-tyk.md](../docs/gateway-vs-tyk.md) measures on 390 cases.
# The *reasons* are worded differently: Tyk logs the Go error it met
# (`crypto/rsa: verification error`, `No matching KID could be found`), our gateway names the
# stage of Tyk's decision order where it stopped and says more (which kid, which keys).

# %% [markdown]
# # Part 3 — what differs by nature
#
# The real Tyk decides in another process. There is no decision object to read — only its
# log — and its clock is the machine's. The guide says so instead of answering nothing:

# %%
for what, attempt in (("tyk.last_decision", lambda: tyk.last_decision),
                      ("tyk.world.clock = ...", lambda: setattr(tyk.world, "clock", time.time))):
    try:
        attempt()
    except (GuideError, ConfigError) as exc:
        print(f"{what}\n  {type(exc).__name__}: {exc}\n")

# %% [markdown]
# For the last forged token, here is everything each gateway tells us: our gateway's
# decision (the stage of Tyk's decision order, the reason Tyk would only log, the identity
# and policies when it gets that far), and the line the real Tyk logged, as written
# (logrus text format; in the committed outputs its time is a placeholder).

# %%
launcher = tyk.world.gateway_launcher
mark = launcher.log_mark()
answer_of(ours, forged["genuine signature, sub changed"])
answer_of(tyk, forged["genuine signature, sub changed"])
show(decision_view(ours.last_decision))
logged = launcher.log_path.read_bytes()[mark:].decode(errors="replace").splitlines()
print("real Tyk logged:")
for line in logged:
    if "mw=" in line:
        print(" ", line)
assert any("JWT validation error" in line for line in logged), logged

# %% [markdown]
# # Part 4 — JWKS key rotation
#
# Both gateways read the IdP's keys from the JWKS URL in the API definition (`jwt_source`)
# and keep the fetched set **per API** for `jwks.cache.timeout` seconds (Tyk's source:
# `getSecretFromURL` in `mw_jwt.go`, the cache built by `buildJWKSCache` in `server.go`,
# 240 s by default; ours: `harness/tyk/gateway/jwks.py`). A token whose
# `kid` is not in the cached set is refused with `No matching KID could be found` — and
# **does not** make the gateway fetch the set again. Only two things do: the cache entry
# expiring, or `DELETE /tyk/cache/jwks/{apiID}` on the gateway's REST API.
#
# We watch this on both gateways, starting from an empty cache (`DELETE /tyk/cache/jwks/{apiID}`
# on each) so that both cache entries start now.

# %%
idp = ours.world.session("harness", "idp")


def new_token():
    """A client-credentials token for our world's client (RFC 6749 §4.4), as the guide asks for one."""
    from harness.registrar.token import client_credentials

    return client_credentials(idp, ours.facts["discovery.token_endpoint"], ours.facts["client.id"],
                              ours.secret("client.secret")).access_token


def flush_jwks_cache(guide):
    """``DELETE /tyk/cache/jwks/{apiID}`` on ``guide``'s gateway (Tyk's REST API, its server.go)."""
    launcher = guide.world.gateway_launcher
    resp = guide.world.session("harness", "gateway").delete(
        f"{guide.world.gateway_url}/tyk/cache/jwks/{guide.facts['api.id']}",
        headers={"x-tyk-authorization": launcher.secret})
    return f"{resp.status_code} {resp.json()}"


print("our gateway:", flush_jwks_cache(ours))
print("real Tyk:   ", flush_jwks_cache(tyk))
before = new_token()
show(table_view([ask("a token of the current key (the JWKS is fetched and cached)", before)], redactor=ours.redactor))

# %% [markdown]
# ## The IdP rotates its key
#
# In Keycloak an administrator rotates the realm's signing key by adding another
# `rsa-generated` key provider with a higher priority than the current one (100): Realm
# settings → Keys → Add provider, or the admin REST call below (`KeycloakAdmin.rotate_signing_key`:
# `POST /admin/realms/{realm}/components`). New tokens are signed by the new key; the old key
# stays published, so tokens it signed still verify. (The emulator does the same;
# `harness/products/keycloak/emulator/keys.py`.)

# %%
from harness.products.keycloak.admin import KeycloakAdmin

admin = KeycloakAdmin(ours.facts["idp.base_url"], scenario.idp.admin_user, scenario.idp.admin_password, session=idp)
admin.rotate_signing_key(scenario.idp.realm)
after = new_token()
published = idp.get(ours.facts["discovery.jwks_uri"]).json()["keys"]
show(json_view({"kid of the token before": decode_unverified(before)[0]["kid"],
                "kid of the token after": decode_unverified(after)[0]["kid"],
                "signing key now (admin API)": admin.active_rs256_kid(scenario.idp.realm)[0],
                "published signing keys (JWKS)": [k["kid"] for k in published if k.get("use") == "sig"]},
               title="the rotation at the IdP"))

# %% [markdown]
# Both gateways still hold the JWKS they fetched a moment ago, which does not have the new
# key. The new token is refused by both — and the old one still passes.

# %%
cached = [ask("new key's token, old JWKS cached", after), ask("old key's token", before)]
show(table_view(cached, title="right after the rotation", redactor=ours.redactor))
assert [r["our gateway"] for r in cached] == [r["real Tyk"] for r in cached] == ["403 Key not authorized", "200 OK"], cached

# %% [markdown]
# ## What makes the gateways take the new key: the cache expiring
#
# **Our gateway**: its clock is ours, so we move it past the cache timeout. The next request
# finds no cache entry and fetches the JWKS again (the transcript shows the gateway's
# second `GET …/certs`), and the new token passes.

# %%
def jwks_fetches():
    return sum(1 for e in ours.world.transcript if e.actor == "gateway" and e.url == ours.facts["api.jwks_uri"])


fetched = jwks_fetches()
ours.world.clock = lambda: time.time() + JWKS_CACHE_TTL + 1
status, message, why = answer_of(ours, after)
ours.world.clock = time.time
print(f"our gateway, clock moved {JWKS_CACHE_TTL + 1} s on: {status} {message} — {why}")
print(f"JWKS fetches by our gateway during that request: {jwks_fetches() - fetched}")
assert (status, jwks_fetches() - fetched) == (200, 1)

# %% [markdown]
# **The real Tyk**: its clock is the machine's, so we wait — asking again every half second,
# until it accepts the new token or a deadline passes. It accepts once its cache entry is
# `JWKS_CACHE_TTL` seconds old: only then does it fetch the JWKS again.

# %%
deadline = time.monotonic() + JWKS_CACHE_TTL + 30
while True:
    status, message, _ = answer_of(tyk, after)
    if status == 200 or time.monotonic() > deadline:
        break
    time.sleep(0.5)  # poll interval, bounded by the deadline above
print(f"real Tyk, once its JWKS cache entry expired: {status} {message}")
assert status == 200, (status, message)

# %% [markdown]
# ## … or flushing the cache
#
# An operator need not wait: `DELETE /tyk/cache/jwks/{apiID}` (Tyk's REST API; `server.go`
# routes it to `invalidateJWKSCacheForAPIID` in `mw_jwt.go`) drops the API's cache,
# and the next request fetches the JWKS. Rotate once more, and flush instead of waiting.

# %%
admin.rotate_signing_key(scenario.idp.realm)
third = new_token()
rows = [ask("third key's token, JWKS cached", third)]
print("our gateway:", flush_jwks_cache(ours))
print("real Tyk:   ", flush_jwks_cache(tyk))
rows.append(ask("third key's token, after DELETE /tyk/cache/jwks/{apiID}", third))
show(table_view(rows, title="the second rotation", redactor=ours.redactor))
assert [r["our gateway"] for r in rows] == [r["real Tyk"] for r in rows] == ["403 Key not authorized", "200 OK"], rows

# %% [markdown]
# So, after a key rotation at the IdP, a Tyk gateway refuses the new tokens with
# `403 Key not authorized` for up to `jwks.cache.timeout` seconds (240 by default), whatever
# their `kid`. An IdP that publishes the next key at least that long before it signs with it
# avoids the gap (in Keycloak: add the new provider with `active` off, switch it on later; not
# shown here — the emulator models active keys only).
#
# Closing the guides deletes the two OAuth clients at the IdP and stops every server: the
# portals, our gateway, the real Tyk and its Redis, and the IdP.

# %%
import os


def running(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


tyk_pids = tyk.world.gateway_launcher.pids  # the Tyk gateway and its redis-server
guides.close()
print(f"of the real Tyk's {len(tyk_pids)} processes (tyk, redis-server), still running:",
      [p for p in tyk_pids if running(p)])
assert len(tyk_pids) == 2 and not any(running(p) for p in tyk_pids)
