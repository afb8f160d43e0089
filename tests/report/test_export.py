"""``dcr-harness export REPORT_DIR --format postman|curl|har`` (issue 18, item 5): each
format has the shape its specification gives (checked with pydantic models of our own),
every secret of the run is a variable (never its value), and the calls are the run's, in
order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict

from harness.report.export import MASK, POSTMAN_SCHEMA, export, load_calls
from harness.report.suite import write_run_reports
from harness.scenario.loader import parse_scenario
from harness.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parents[2]
#: Planted in the scenario: none may appear in an export.
DEV_PASSWORD = "Planted-Dev-Pw-4711"
ADMIN_PASSWORD = "Planted-Admin-Pw-0815"
JWT = re.compile(r"eyJ[\w-]{8,}\.[\w-]{8,}\.")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    text = (ROOT / "scenarios" / "keycloak.yaml").read_text()
    text = text.replace("password: developer-password-1", f"password: {DEV_PASSWORD}")
    text = text.replace("admin_password: admin", f"admin_password: {ADMIN_PASSWORD}")
    assert DEV_PASSWORD in text and ADMIN_PASSWORD in text
    out = tmp_path_factory.mktemp("export") / "run"
    result = run_scenario(parse_scenario(text), report_dir=out)
    assert result.passed, result.failed_step
    write_run_reports(result, out)  # what dcr-harness run writes
    return out


# --- the formats' shapes (our own models of the published specifications) ------------------

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PmKeyValue(_Strict):
    key: str
    value: str
    type: str | None = None
    description: str | None = None


class PmUrl(_Strict):
    raw: str
    host: list[str]
    path: list[str]
    query: list[PmKeyValue] | None = None


class PmBody(_Strict):
    mode: Literal["raw", "urlencoded"]
    raw: str | None = None
    urlencoded: list[PmKeyValue] | None = None
    options: dict[str, Any] | None = None


class PmRequest(_Strict):
    method: str
    header: list[PmKeyValue]
    url: PmUrl
    body: PmBody | None = None


class PmItem(_Strict):
    name: str
    request: PmRequest


class PmFolder(_Strict):
    name: str
    item: list[PmItem]


class PmInfo(_Strict):
    postman_id: str | None = None
    name: str
    description: str
    schema_: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def __init__(self, **data: Any) -> None:
        data["postman_id"] = data.pop("_postman_id", None)
        data["schema_"] = data.pop("schema")
        super().__init__(**data)


class PmCollection(_Strict):
    info: PmInfo
    item: list[PmFolder]
    variable: list[PmKeyValue]


class HarNameValue(_Strict):
    name: str
    value: str


class HarPostData(_Strict):
    mimeType: str
    text: str


class HarRequest(_Strict):
    method: str
    url: str
    httpVersion: str
    cookies: list[Any]
    headers: list[HarNameValue]
    queryString: list[HarNameValue]
    postData: HarPostData | None = None
    headersSize: int
    bodySize: int


class HarContent(_Strict):
    size: int
    mimeType: str
    text: str


class HarResponse(_Strict):
    status: int
    statusText: str
    httpVersion: str
    cookies: list[Any]
    headers: list[HarNameValue]
    content: HarContent
    redirectURL: str
    headersSize: int
    bodySize: int


class HarTimings(_Strict):
    send: float
    wait: float
    receive: float


class HarEntry(_Strict):
    pageref: str
    startedDateTime: str
    time: float
    request: HarRequest
    response: HarResponse
    cache: dict[str, Any]
    timings: HarTimings
    comment: str | None = None


class HarPage(_Strict):
    startedDateTime: str
    id: str
    title: str
    pageTimings: dict[str, Any]


class HarLog(_Strict):
    version: Literal["1.2"]
    creator: dict[str, str]
    comment: str
    pages: list[HarPage]
    entries: list[HarEntry]


class Har(_Strict):
    log: HarLog


# --- tests --------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["postman", "curl", "har"])
def test_no_secret_of_the_run_is_in_any_export(report_dir: Path, fmt: str) -> None:
    text, count = export(report_dir, fmt)
    assert count > 20
    assert DEV_PASSWORD not in text and ADMIN_PASSWORD not in text
    assert not JWT.search(text), "a token (JWT) is in the export"
    if fmt != "har":  # the HAR is the record, masks as the report holds them; the others use variables
        assert not MASK.search(text), "a masked value was left in place of a variable"


def test_postman_collection_v2_1(report_dir: Path) -> None:
    doc = json.loads(export(report_dir, "postman")[0])
    coll = PmCollection(**doc)
    assert coll.info.schema_ == POSTMAN_SCHEMA
    _, calls = load_calls(report_dir)
    requests = [i.request for f in coll.item for i in f.item]
    assert [(r.method, r.url.raw.split("}}", 1)[1].split("?")[0]) for r in requests] == \
        [(c.method, re.sub(r"^\w+://[^/]+", "", c.url).split("?")[0]) for c in calls]
    defined = {v.key for v in coll.variable}
    used = set(re.findall(r"\{\{(\w+)\}\}", json.dumps(doc["item"])))
    assert used == defined, (used - defined, defined - used)
    secrets = {v.key: v for v in coll.variable if v.value == ""}
    assert {"password", "client_secret", "basic_credentials", "tyk_gateway_secret"} <= set(secrets)
    assert all("redacted" in (v.description or "") for v in secrets.values())
    # the registration at the IdP carries the initial access token as a variable
    reg = next(r for r in requests if r.method == "POST" and "clients-registrations" in r.url.raw)
    auth = next(h.value for h in reg.header if h.key.lower() == "authorization")
    assert re.fullmatch(r"Bearer \{\{\w+\}\}", auth)
    bases = {v.key: v.value for v in coll.variable if v.value}
    assert set(bases) == {"idp", "gateway", "portal", "upstream"}
    assert all(re.fullmatch(r"http://127\.0\.0\.1:\d+", b) for b in bases.values())


def test_curl_script_is_bash_with_every_secret_guarded(report_dir: Path, tmp_path: Path) -> None:
    text = export(report_dir, "curl")[0]
    script = tmp_path / "export.sh"
    script.write_text(text)
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    used = set(re.findall(r"\$\{(\w+)\}", text))
    guarded = set(re.findall(r': "\$\{(\w+):\?', text))
    defaulted = set(re.findall(r'^(\w+)="\$\{\w+:-', text, re.M))
    assert used == guarded | defaulted and not guarded & defaulted
    assert {"PASSWORD", "CLIENT_SECRET", "TYK_GATEWAY_SECRET"} <= guarded
    # without the secrets set, the script stops at the first guard, naming it, before any call
    run = subprocess.run(["bash", str(script)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode != 0 and "set PASSWORD" in run.stderr


def test_curl_script_sends_the_recorded_calls(report_dir: Path, tmp_path: Path) -> None:
    """With every variable set and ``curl`` replaced by a recorder, the script makes the
    run's calls in order, with the secrets substituted where the masks stood."""
    text = export(report_dir, "curl")[0]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "curl").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done; echo ---\n')
    (bin_dir / "curl").chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    env.update({v: f"value-of-{v}" for v in re.findall(r': "\$\{(\w+):\?', text)})
    script = tmp_path / "export.sh"
    script.write_text(text)
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, check=True).stdout
    _, calls = load_calls(report_dir)
    sent = [c for c in out.split("---\n") if c.strip()]
    assert len(sent) == len(calls)
    first = sent[0].split("\n")
    assert first[:2] == ["-sS", "-X"] and first[2] == calls[0].method
    assert "password=value-of-PASSWORD" in sent[0] and first[-2] == calls[0].url


def test_har_1_2(report_dir: Path) -> None:
    har = Har(**json.loads(export(report_dir, "har")[0]))
    _, calls = load_calls(report_dir)
    assert [(e.request.method, e.request.url, e.response.status) for e in har.log.entries] == \
        [(c.method, c.url, c.status) for c in calls]
    assert {e.pageref for e in har.log.entries} == {p.id for p in har.log.pages}
    assert har.log.creator["name"] == "dcr-harness"


def test_the_command_writes_each_format_next_to_the_report(report_dir: Path, tmp_path: Path) -> None:
    for fmt, name in (("postman", "export.postman.json"), ("curl", "export.sh"), ("har", "export.har")):
        res = subprocess.run([sys.executable, "-m", "harness.cli.main", "export", str(report_dir), "--format", fmt],
                             capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 0, res.stderr
        assert res.stdout.strip().startswith(f"Wrote {report_dir / name} ({fmt}, ")
        assert (report_dir / name).is_file()
    out = tmp_path / "c.json"
    res = subprocess.run([sys.executable, "-m", "harness.cli.main", "export", str(report_dir), "-o", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and json.loads(out.read_text())["info"]["schema"] == POSTMAN_SCHEMA
