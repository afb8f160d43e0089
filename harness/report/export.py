"""Reproducers to share (issue 18, item 5): a run's transcript as a Postman collection, a
curl script or a HAR file — built from ``report.json``, whose exchanges were redacted when
they were recorded (:mod:`harness.core.transcript`), so nothing here ever saw a secret.

Every masked value (``***redacted:<fingerprint>***``, also percent-encoded in form bodies)
becomes a named variable: one per distinct secret (the fingerprint tells two secrets
apart and the same secret again), named after where it stood (``Authorization: Bearer`` →
``bearer_token``, ``"client_secret": ...`` → ``client_secret``). Base URLs become variables
too (``idp``, ``gateway``, ``portal``, ``upstream``: the exchange's target), so the same
calls can be pointed at a customer's hosts.

Formats (each an open specification):

- Postman Collection v2.1 (schema.getpostman.com, collection v2.1.0): one folder per step,
  one request per exchange in order, ``{{variable}}`` placeholders, the variables listed
  with the recorded base URLs and empty secret values;
- a bash script of curl calls (``set -euo pipefail``), secrets read from the environment
  with a guard naming each one, base URLs overridable from the environment;
- HAR 1.2 (W3C Web Performance WG draft "HTTP Archive (HAR) format"): one page per step,
  one entry per exchange with request, response (redacted as recorded) and timings.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from harness import __version__
from harness.core.errors import ConfigError
from harness.core.textfile import read_text_file

#: Output formats and the default file name each is written to in the report directory.
FORMATS: dict[str, str] = {"postman": "export.postman.json", "curl": "export.sh", "har": "export.har"}

POSTMAN_SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
#: A masked secret as the transcript writes it (harness.core.redact.mask), plain or
#: percent-encoded (a form body).
MASK = re.compile(r"\*\*\*redacted:([0-9a-f]{6,64})\*\*\*|%2A%2A%2Aredacted%3A([0-9a-f]{6,64})%2A%2A%2A", re.I)
#: Variable names for secrets sent as a whole header value (no scheme before them).
HEADER_SECRETS = {"x-tyk-authorization": "tyk_gateway_secret", "authorization": "api_key"}
#: Headers the export leaves out: set by the HTTP client itself.
SKIP_HEADERS = frozenset({"content-length", "host", "connection", "accept-encoding", "user-agent"})


@dataclass(frozen=True)
class Call:
    """One recorded exchange with the step it belongs to."""

    step: str
    step_title: str
    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    target: str
    status: int | None
    response_headers: dict[str, str]
    response_body: str | None
    error: str | None
    elapsed_ms: float
    started: float


@dataclass
class Variables:
    """Secret and base-URL variables, named once and reused for the same value."""

    secrets: dict[str, str] = field(default_factory=dict)  # fingerprint -> variable name
    bases: dict[str, str] = field(default_factory=dict)  # scheme://host:port -> variable name
    where: dict[str, str] = field(default_factory=dict)  # variable name -> where it is first used

    def _unique(self, name: str) -> str:
        taken = set(self.secrets.values()) | set(self.bases.values())
        if name not in taken:
            return name
        n = 2
        while f"{name}_{n}" in taken:
            n += 1
        return f"{name}_{n}"

    def secret(self, fingerprint: str, hint: str, where: str = "") -> str:
        if fingerprint not in self.secrets:
            name = self._unique(_identifier(HEADER_SECRETS.get(hint.lower(), hint)) or "secret")
            self.secrets[fingerprint] = name
            self.where[name] = where
        return self.secrets[fingerprint]

    def base(self, origin: str, target: str) -> str:
        if origin not in self.bases:
            self.bases[origin] = self._unique(_identifier(target) or "host")
        return self.bases[origin]


def _identifier(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def _context_name(text: str, start: int) -> str:
    """What the masked value at ``start`` stands for: the JSON key, form field or header
    scheme just before it."""
    before = text[max(0, start - 80):start]
    for pattern in (r'"([\w.-]+)"\s*:\s*"?$', r"([\w.-]+)=$", r"\b(Bearer|Basic)\s+$"):
        m = re.search(pattern, before, re.I)
        if m:
            word = m.group(1)
            return {"bearer": "bearer_token", "basic": "basic_credentials"}.get(word.lower(), word)
    return "secret"


def templated(text: str, variables: Variables, *, hint: str = "", where: str = "") -> list[tuple[str, bool]]:
    """``text`` cut into literal pieces and variable names (``(name, True)``) for every
    masked secret in it."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in MASK.finditer(text):
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        context = _context_name(text, m.start())
        name = variables.secret(m.group(1) or m.group(2), hint if context == "secret" and hint else context,
                                f"{where} ({hint or context})" if where else "")
        out.append((name, True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def load_calls(report_dir: Path) -> tuple[str, list[Call]]:
    """The run's name and its exchanges in order, from ``report_dir/report.json`` (a
    ``dcr-harness run`` report: ``steps``; or a ``check`` report: ``results``)."""
    if not report_dir.exists():
        raise ConfigError(f"{report_dir}: no such report directory", hint="give a folder written by dcr-harness run")
    if not report_dir.is_dir():
        raise ConfigError(f"{report_dir}: not a directory", hint="give the report folder, not a file in it")
    path = report_dir / "report.json"
    if not path.is_file():
        raise ConfigError(f"{report_dir}: no report.json in it (not a report directory)",
                          hint="give a folder written by dcr-harness run or check (--report-dir)")
    text = read_text_file(path, "report")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc})", hint="give a report.json written by dcr-harness") from None
    except RecursionError:
        raise ConfigError(f"{path}: JSON nested too deeply to be a dcr-harness report") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: not a dcr-harness report (a JSON object with steps or results)")
    groups = doc.get("steps") if isinstance(doc.get("steps"), list) else doc.get("results")
    if not isinstance(groups, list):
        raise ConfigError(f"{path}: not a dcr-harness run or check report (no steps or results)",
                          hint="a suite's index has no transcript: export one scenario's report folder")
    calls: list[Call] = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        for ex in group.get("exchanges") or []:
            if isinstance(ex, dict) and isinstance(ex.get("url"), str) and isinstance(ex.get("method"), str):
                calls.append(_call(group, ex))
    name = doc.get("scenario") or doc.get("issuer") or report_dir.name
    return str(name), calls


def _call(group: dict[str, Any], ex: dict[str, Any]) -> Call:
    def headers(value: Any) -> dict[str, str]:
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    status = ex.get("status")
    return Call(step=str(group.get("id") or ""), step_title=str(group.get("title") or group.get("id") or ""),
                method=ex["method"].upper(), url=ex["url"], headers=headers(ex.get("request_headers")),
                body=text(ex.get("request_body")), target=str(ex.get("target") or "host"),
                status=status if isinstance(status, int) else None,
                response_headers=headers(ex.get("response_headers")), response_body=text(ex.get("response_body")),
                error=text(ex.get("error")), elapsed_ms=float(ex.get("elapsed_ms") or 0.0),
                started=float(ex.get("started") or 0.0))


def _split_url(url: str, variables: Variables, target: str) -> tuple[str, str]:
    """(base variable name, path and query) of ``url``."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    rest = url[len(origin):] or "/"
    return variables.base(origin, target), rest


def _content_type(headers: dict[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def _headers(call: Call) -> Iterable[tuple[str, str]]:
    return ((k, v) for k, v in call.headers.items() if k.lower() not in SKIP_HEADERS)


# --- Postman ---------------------------------------------------------------------------------

def _postman_text(pieces: list[tuple[str, bool]]) -> str:
    return "".join("{{" + p + "}}" if is_var else p for p, is_var in pieces)


def to_postman(name: str, calls: list[Call]) -> dict[str, Any]:
    """A Postman Collection v2.1 document."""
    variables = Variables()
    folders: list[dict[str, Any]] = []
    for call in calls:
        if not folders or folders[-1]["_step"] != call.step:
            folders.append({"_step": call.step, "name": call.step_title or call.step, "item": []})
        base, rest = _split_url(call.url, variables, call.target)
        where = f"step {call.step}, {call.method} {urlsplit(call.url).path}"
        raw_rest = _postman_text(templated(rest, variables, where=where))
        path_part, _, query = raw_rest.partition("?")
        url: dict[str, Any] = {"raw": "{{" + base + "}}" + raw_rest, "host": ["{{" + base + "}}"],
                               "path": [p for p in path_part.split("/") if p]}
        if query:
            url["query"] = [{"key": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)]
        request: dict[str, Any] = {
            "method": call.method,
            "header": [{"key": k, "value": _postman_text(templated(v, variables, hint=k, where=where))}
                       for k, v in _headers(call)],
            "url": url,
        }
        if call.body is not None:
            body = _postman_text(templated(call.body, variables, hint="body", where=where))
            if "x-www-form-urlencoded" in _content_type(call.headers):
                request["body"] = {"mode": "urlencoded", "urlencoded": [
                    {"key": unquote(k), "value": _form_value(v)}
                    for k, _, v in (pair.partition("=") for pair in body.split("&") if pair)]}
            else:
                request["body"] = {"mode": "raw", "raw": body,
                                   "options": {"raw": {"language": "json" if "json" in _content_type(call.headers)
                                                       else "text"}}}
        path_only = rest.split("?")[0]
        folders[-1]["item"].append({"name": f"{call.method} {path_only}", "request": request})
    for folder in folders:
        folder.pop("_step")
    var_list = [{"key": v, "value": origin, "type": "string", "description": "base URL recorded by the run"}
                for origin, v in variables.bases.items()]
    var_list += [{"key": v, "value": "", "type": "string",
                  "description": f"secret, redacted in the run's report: set it before sending; first used in "
                                 f"{variables.where.get(v) or 'the run'}"}
                 for v in variables.secrets.values()]
    return {
        "info": {"_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"dcr-harness:{name}")),
                 "name": f"dcr-harness: {name}",
                 "description": "Exported from a dcr-harness run report. Secrets are variables with empty "
                                "values (the report holds them redacted); base URLs are variables.",
                 "schema": POSTMAN_SCHEMA},
        "item": folders,
        "variable": var_list,
    }


def _form_value(value: str) -> str:
    """A form value, percent-decoded except for ``{{variables}}``."""
    return unquote(value.replace("+", " "))


# --- curl ------------------------------------------------------------------------------------

def _shell(pieces: list[tuple[str, bool]], env: dict[str, str]) -> str:
    """A double-quoted bash word: literal pieces escaped, variables as ``${NAME}``."""
    out = []
    for piece, is_var in pieces:
        if is_var:
            out.append("${" + env[piece] + "}")
        else:
            out.append(re.sub(r'([\\"$`])', r"\\\1", piece))
    return '"' + "".join(out) + '"'


def to_curl(name: str, calls: list[Call]) -> str:
    """A bash script of curl calls."""
    variables = Variables()
    lines: list[str] = []
    pieces_per_call: list[tuple[Call, str, list[tuple[str, bool]], list[tuple[str, list[tuple[str, bool]]]],
                                list[tuple[str, bool]] | None]] = []
    for call in calls:
        base, rest = _split_url(call.url, variables, call.target)
        where = f"step {call.step}, {call.method} {urlsplit(call.url).path}"
        url_pieces = [(base, True), *templated(rest, variables, where=where)]
        header_pieces = [(k, templated(v, variables, hint=k, where=where)) for k, v in _headers(call)]
        body_pieces = (templated(call.body, variables, hint="body", where=where)
                       if call.body is not None else None)
        pieces_per_call.append((call, base, url_pieces, header_pieces, body_pieces))
    env = {v: v.upper() for v in [*variables.bases.values(), *variables.secrets.values()]}
    lines += ["#!/usr/bin/env bash",
              f"# dcr-harness {__version__}: the calls of run {name!r}, in order, as curl commands.",
              "# Secrets were redacted in the run's report: set each one in the environment first.",
              "# Base URLs default to the ones the run used; set them to point at other hosts.",
              "# A secret inside a form body (application/x-www-form-urlencoded) must be URL-encoded.",
              "# CURL_OPTS: more curl flags for every call, e.g. '--cacert ca.pem' for a self-signed IdP.",
              "set -euo pipefail", ""]
    for origin, var in variables.bases.items():
        lines.append(f'{env[var]}="${{{env[var]}:-{origin}}}"')
    for var in variables.secrets.values():
        first = variables.where.get(var)
        lines.append(f'# {env[var]}: first used in {first}' if first else f"# {env[var]}")
        lines.append(f': "${{{env[var]}:?set {env[var]} (redacted in the report)}}"')
    step = None
    for call, _base, url_pieces, header_pieces, body_pieces in pieces_per_call:
        if call.step != step:
            step = call.step
            lines += ["", f"# --- step {call.step}: {call.step_title}"]
        recorded = f"{call.status}" if call.status is not None else f"no answer ({call.error})"
        lines.append(f"# {call.method} answered {recorded} in the run")
        cmd = [f"curl -sS ${{CURL_OPTS:-}} -X {call.method}"]
        cmd += [f"  -H {_shell([(k + ': ', False), *v], env)}" for k, v in header_pieces]
        if body_pieces is not None:
            cmd.append(f"  --data-raw {_shell(body_pieces, env)}")
        cmd.append(f"  {_shell(url_pieces, env)}")
        lines.append(" \\\n".join(cmd))
        lines.append("echo")
    return "\n".join(lines) + "\n"


# --- HAR -------------------------------------------------------------------------------------

def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts or 0, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_har(name: str, calls: list[Call]) -> dict[str, Any]:
    """A HAR 1.2 document (values redacted as the report recorded them)."""
    pages: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for call in calls:
        if not pages or pages[-1]["id"] != call.step:
            pages.append({"startedDateTime": _iso(call.started), "id": call.step, "title": call.step_title,
                          "pageTimings": {}})
        query = urlsplit(call.url).query
        request: dict[str, Any] = {
            "method": call.method, "url": call.url, "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in call.headers.items()],
            "queryString": [{"name": k, "value": v} for k, v in parse_qsl(query, keep_blank_values=True)],
            "headersSize": -1, "bodySize": len(call.body.encode()) if call.body is not None else 0,
        }
        if call.body is not None:
            request["postData"] = {"mimeType": _content_type(call.headers), "text": call.body}
        body = call.response_body or ""
        response = {
            "status": call.status or 0, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": k, "value": v} for k, v in call.response_headers.items()],
            "content": {"size": len(body.encode()), "mimeType": _content_type(call.response_headers), "text": body},
            "redirectURL": "", "headersSize": -1, "bodySize": len(body.encode()) if call.status else -1,
        }
        entry: dict[str, Any] = {
            "pageref": call.step, "startedDateTime": _iso(call.started), "time": round(call.elapsed_ms, 3),
            "request": request, "response": response, "cache": {},
            "timings": {"send": 0, "wait": round(call.elapsed_ms, 3), "receive": 0},
        }
        if call.error:
            entry["comment"] = f"no answer: {call.error}"
        entries.append(entry)
    return {"log": {"version": "1.2", "creator": {"name": "dcr-harness", "version": __version__},
                    "comment": f"run {name!r}; secrets redacted as in the run's report",
                    "pages": pages, "entries": entries}}


def export(report_dir: Path, fmt: str) -> tuple[str, int]:
    """The export of ``report_dir`` in ``fmt`` as text, and how many calls it holds."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    name, calls = load_calls(report_dir)
    if fmt == "curl":
        return to_curl(name, calls), len(calls)
    doc = to_postman(name, calls) if fmt == "postman" else to_har(name, calls)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n", len(calls)


__all__ = ["FORMATS", "MASK", "POSTMAN_SCHEMA", "export", "load_calls", "to_curl", "to_har", "to_postman"]
