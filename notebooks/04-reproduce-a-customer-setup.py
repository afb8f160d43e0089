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
# # Reproduce a customer's setup
#
# A support ticket says "DCR is broken". The customer attaches their Tyk exports: API
# definitions, policies, the portal catalogue and configuration, `tyk.conf` and
# `tyk_analytics.conf`. `dcr-harness import` turns those files into a scenario that
# rebuilds the same setup against a local IdP, `dcr-harness run` performs every step of
# the guide on it, and the report says which step broke, why, and what the HTTP traffic
# was. This notebook does that with a sample export from
# [`fixtures/tyk-export/`](../fixtures/tyk-export/README.md):
#
# 1. import the customer's export and run it: every step passes;
# 2. break it the way a customer would (the token endpoint pasted as the *Client
#    Registration Endpoint*), import and run again, read the diagnosis, `report.json`
#    and the HTML report, and export the run for the ticket (Postman, curl, HAR);
# 3. then two ways without an export: a ready-made broken scenario, and a variant written
#    on the spot.
#
# The commands are the command line's own (`python -m harness.cli.main` is `dcr-harness`),
# run from the repository root; their output is shown as printed.

# %% tags=["parameters"]
IDP = "emulator"
IDP_URL = ""

# %%
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path

from harness.notebook import exchanges_view, json_view, run_summary, sequence_view, show, step_card
from harness.notebook.guide import Guide, project_root
from harness.scenario.loader import load_scenario, parse_scenario
from harness.scenario.runner import check_expectation, run_scenario

ROOT = project_root()
WORK = Path(tempfile.mkdtemp(prefix="customer-"))


def dcr_harness(*args):
    """Run ``dcr-harness ARGS`` (this checkout's) from the repository root; print its output."""
    done = subprocess.run([sys.executable, "-m", "harness.cli.main", *map(str, args)], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, "COLUMNS": "1000", "NO_COLOR": "1", "TERM": "dumb"})
    print(re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr))  # no terminal styles in a notebook
    return done.returncode

# %% [markdown]
# # Part 1 — from the customer's export
#
# ## The export
#
# `fixtures/tyk-export/keycloak-customer/` is shaped like a real export (made-up hosts, ids
# and secrets): Keycloak realm `acme` behind HTTPS with a self-signed certificate, three
# APIs, three policies, a catalogue entry that overrides the global DCR settings with the
# Keycloak provider, and an initial access token. The catalogue entry's DCR settings are
# what matters most (the initial access token is masked here, and the import never copies it).

# %%
export = ROOT / "fixtures/tyk-export/keycloak-customer"
print("\n".join(str(p.relative_to(export)) for p in sorted(export.rglob("*")) if p.is_file()))
catalogue = json.loads((export / "catalogue.json").read_text())
show(json_view(catalogue["apis"][0]["config"]["dcr_options"], title="catalogue.json: the Payments API's dcr_options"))

# %% [markdown]
# ## `dcr-harness import`
#
# The import reads every `.json` and `.conf` file of the folder, picks the catalogue entry
# with DCR enabled, and writes a scenario: the customer's API, policy, catalogue and DCR
# settings, their `tyk.conf`/`tyk_analytics.conf` flags, and their IdP URLs mapped onto a
# local one (`${idp.origin}`), with the product recognised from the URLs. Secrets are left
# out: the scenario's initial access token is `${initial_access_token}`, the one the run
# creates for itself.

# %%
acme = WORK / "acme.yaml"
assert dcr_harness("import", export, "-o", acme) == 0
scenario = load_scenario(acme)
show(json_view({"name": scenario.name, "idp": scenario.idp.model_dump(include={"profile", "launcher", "realm"}),
                "catalogue.dcr": scenario.catalogue.dcr.model_dump(exclude={"access_token"})}, title=f"{acme.name} (excerpt)"))

# %% [markdown]
# ## `dcr-harness run`
#
# The imported scenario runs on the Keycloak emulator (HTTPS with a generated certificate,
# as the customer's skip flags expect). Every step passes: the customer's setup itself is
# fine.

# %%
assert dcr_harness("run", acme, "--report-dir", WORK / "acme-report") == 0

# %% [markdown]
# ## Break it the way a customer would
#
# The discovery document lists `registration_endpoint` right next to `token_endpoint`, and
# the guide asks for both at different moments. A classic support case: the *token*
# endpoint pasted into the catalogue's *Client Registration Endpoint*. We make that edit in
# a copy of the export, as the customer did in the Dashboard, then import and run again.

# %%
broken_export = WORK / "broken-export"
shutil.copytree(export, broken_export)
catalogue = json.loads((broken_export / "catalogue.json").read_text())
options = catalogue["apis"][0]["config"]["dcr_options"]
options["registration_endpoint"] = options["registration_endpoint"].replace(
    "clients-registrations/openid-connect", "protocol/openid-connect/token")
(broken_export / "catalogue.json").write_text(json.dumps(catalogue, indent=2))
options["registration_endpoint"]

# %%
broken = WORK / "broken.yaml"
assert dcr_harness("import", broken_export, "-o", broken) == 0
status = dcr_harness("run", broken, "--report-dir", WORK / "broken-report")
assert status == 1, status

# %% [markdown]
# ## Read the diagnosis
#
# The run stops at the step that failed, the developer's *Create* in the OAuth client
# wizard. Keycloak's token endpoint answered the JSON registration request with **415
# Unsupported Media Type** (it only takes form posts); the harness turns that into a cause
# in plain words and a fix. `report.json` holds the same, with the HTTP exchanges that prove
# it (secrets redacted).

# %%
report = json.loads((WORK / "broken-report" / "report.json").read_text())
step = next(s for s in report["steps"] if s["id"] == report["failed_step"])
show(json_view({k: step[k] for k in ("id", "verdict", "cause", "fix")}, title="report.json: the failed step"))
[f"{e['actor']} -> {e['target']}: {e['method']} {e['url']} -> {e['status']}" for e in step["exchanges"]]
assert step["id"] == "oauth-client-wizard" and "registration_endpoint" in step["fix"]

# %% [markdown]
# ## The HTML report
#
# `report.html` (next to `report.json`, one self-contained file to open in a browser or
# attach to the ticket) shows the same run: a summary, then one card per step with its HTTP
# evidence. Its key lines for this run — the summary and the failed step's card, as text:

# %%
html_report = (WORK / "broken-report" / "report.html").read_text()
text = unescape(re.sub(r"<[^>]+>", "\n", re.sub(r"<(style|script)\b.*?</\1>", "", html_report, flags=re.S)))
lines = [line.strip() for line in text.splitlines() if line.strip()]
card = lines.index("oauth-client-wizard")
evidence = lines.index("HTTP evidence", card)
print("\n".join(lines[:1] + [line for line in lines[:card] if line.startswith("FAILED at step")]))
print("...")
print("\n".join(line for line in lines[card - 1:evidence + 1] if line != "message"))

# %% [markdown]
# ## Share the run
#
# Everything the run wrote under its report directory is redacted (`report.json`,
# `report.html`, `junit.xml`) and can be attached to the ticket as it is. To let someone
# replay the calls, `dcr-harness export` turns the run into a Postman collection (v2.1), a
# curl script or a HAR file. The report holds every secret masked, so an export cannot
# hold one either: each masked value becomes a named variable (the same secret, the same
# variable), to be filled in by whoever replays it; base URLs are variables too, so the
# calls can be pointed at the customer's hosts.

# %%
sorted(p.name for p in (WORK / "broken-report").iterdir() if p.suffix in (".json", ".html", ".xml"))

# %%
for fmt in ("postman", "curl", "har"):
    assert dcr_harness("export", WORK / "broken-report", "--format", fmt) == 0

# %% [markdown]
# The curl script starts with the base URLs (overridable from the environment) and one
# guard per secret, saying where the run first used it; then one curl per call, step by
# step, with what the server answered in the run:

# %%
script = (WORK / "broken-report" / "export.sh").read_text().splitlines()
first_call = next(i for i, line in enumerate(script) if line.startswith("curl "))
print("\n".join(script[:first_call + 4]))

# %% [markdown]
# The Postman collection's variables: the base URLs with the values the run used, and the
# secrets with empty values.

# %%
collection = json.loads((WORK / "broken-report" / "export.postman.json").read_text())
[(v["key"], v["value"] or "(secret: set it)") for v in collection["variable"]]

# %% [markdown]
# More broken exports, each a real support case, are in `fixtures/tyk-export-broken/` (one
# folder each; import and run them the same way):

# %%
sorted(p.name for p in (ROOT / "fixtures/tyk-export-broken").iterdir() if p.is_dir())

# %% [markdown]
# # Part 2 — without an export
#
# When there is no export, the setup is written as a scenario by hand. The harness keeps
# a set of broken ones in `scenarios/broken/`; and the guide's own scenario can be edited.

# %% [markdown]
# ## 2a. "Developers cannot create OAuth clients any more"
#
# `scenarios/broken/keycloak-iat-exhausted.yaml`: the initial access token was created with
# a count of 1 and has already been used. Load it, read what it claims, run it.

# %%
scenario = load_scenario(ROOT / "scenarios/broken/keycloak-iat-exhausted.yaml")
show(json_view({"name": scenario.name, "initial_access_token": scenario.idp.initial_access_token.model_dump(),
                "expect": scenario.expect.model_dump()}, title="the scenario"))

# %%
kind = None if IDP == "emulator" else IDP
if kind == "external":
    scenario.idp.url = IDP_URL
result_iat = run_scenario(scenario, report_dir=WORK / "iat", idp_kind=kind)
show(run_summary(result_iat))

# %% [markdown]
# The failed step carries the raw error (what the IdP said), the diagnosis (the likely
# cause in plain words) and the fix. Its exchanges are the evidence: the portal's
# registration request and Keycloak's `401 invalid_token` answer.

# %%
failed = result_iat.failed_step
show(step_card(failed, show_exchanges=False))
show(exchanges_view([e for e in failed.exchanges if e.target == "idp"]))
ok, line = check_expectation(scenario, result_iat)
assert ok, line
line

# %% [markdown]
# ## 2b. A customer's own variant, written on the spot
#
# Another customer followed the Keycloak guide, but their API definition was copied from
# an older API that used shared-secret tokens: its JWT signing method is still **HMAC**.
# We write their setup as YAML — the guide's scenario with that one line changed — and
# walk through it with `Guide`, one step at a time, up to the failing call.

# %%
guide_text = (ROOT / "scenarios/keycloak.yaml").read_text()
customer_file = WORK / "customer-hmac.yaml"
customer_file.write_text(guide_text.replace("signing_method: rsa", "signing_method: hmac"))
guide = Guide.open(customer_file, idp=IDP, idp_url=IDP_URL or None)
guide.run_through("token-request")
failed = guide.run("gateway-call", expect="fail")
show(failed, guide.last_decision)

# %% [markdown]
# Everything up to the token worked: registration, token, JWKS. The gateway refused the
# RS256 token at the *signing method* stage, before looking at any key, because the API
# says HMAC. The reason is what Tyk would only write to its log; the developer sees
# `403 Key not authorized: Unexpected signing method`.

# %%
assert guide.last_decision.stage == "signing_method"

# %% [markdown]
# Put the customer's signing method back to `rsa` and the whole run is green:

# %%
fixed = parse_scenario(customer_file.read_text().replace("signing_method: hmac", "signing_method: rsa"),
                       "customer-fixed.yaml")
if IDP == "external":
    fixed.idp.url = IDP_URL
result_fixed = run_scenario(fixed, report_dir=WORK / "fixed", idp_kind=kind)
show(run_summary(result_fixed))
assert result_fixed.passed

# %% [markdown]
# The customer's HMAC run, as the sequence of every exchange:

# %%
show(sequence_view(guide.exchanges(), title="the customer's HMAC run", uid="cust"))
guide.close()
