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
# A support ticket says "DCR is broken". The harness rebuilds the customer's setup from a
# YAML scenario, runs every step of the guide, and the report says which step broke, why,
# and what the HTTP traffic was. This notebook does that three times:
#
# 1. a ready-made broken scenario from `scenarios/broken/`;
# 2. a customer's variant written on the spot, then fixed;
# 3. the same run as the command line does it, with `report.json` read back.

# %% tags=["parameters"]
IDP = "emulator"
IDP_URL = ""

# %%
import json
import tempfile
from pathlib import Path

from harness.notebook import exchanges_view, json_view, run_summary, sequence_view, show, step_card
from harness.notebook.guide import Guide, project_root
from harness.report.json_report import write_json
from harness.scenario.loader import load_scenario, parse_scenario
from harness.scenario.runner import check_expectation, run_scenario

ROOT = project_root()
REPORTS = Path(tempfile.mkdtemp(prefix="customer-"))

# %% [markdown]
# ## 1. "Developers cannot create OAuth clients any more"
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
result_iat = run_scenario(scenario, report_dir=REPORTS / "iat", idp_kind=kind)
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
# ## 2. A customer's own variant
#
# Another customer followed the Keycloak guide, but their API definition was copied from
# an older API that used shared-secret tokens: its JWT signing method is still **HMAC**.
# We write their setup as YAML — the guide's scenario with that one line changed — and
# walk through it with `Guide`, one step at a time, up to the failing call.

# %%
guide_text = (ROOT / "scenarios/keycloak.yaml").read_text()
customer_file = REPORTS / "customer-hmac.yaml"
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
guide.close()

# %% [markdown]
# Put the customer's signing method back to `rsa` and the whole run is green:

# %%
fixed = parse_scenario(customer_file.read_text().replace("signing_method: hmac", "signing_method: rsa"),
                       "customer-fixed.yaml")
if IDP == "external":
    fixed.idp.url = IDP_URL
result_fixed = run_scenario(fixed, report_dir=REPORTS / "fixed", idp_kind=kind)
show(run_summary(result_fixed))
assert result_fixed.passed

# %% [markdown]
# ## 3. Read the report
#
# `dcr-harness run` writes `report.json` (and an HTML report) from the same result object.
# Everything in it is redacted. Here is the failing run of part 1, written and read back:
# the failed step, its diagnosis, and the exchanges that prove it.

# %%
path = write_json(result_iat.to_dict(), REPORTS / "iat" / "report.json")
report = json.loads(path.read_text())
step = next(s for s in report["steps"] if s["id"] == report["failed_step"])
show(json_view({k: step[k] for k in ("id", "verdict", "error", "cause", "fix")}, title=f"{path}: failed step"))
[f"{e['actor']} -> {e['target']}: {e['method']} {e['url']} -> {e['status']}" for e in step["exchanges"]]

# %%
from harness.core.transcript import Exchange

show(sequence_view([Exchange(**e) for s in report["steps"] for e in s["exchanges"]],
                   title="the customer's run", uid="cust"))
