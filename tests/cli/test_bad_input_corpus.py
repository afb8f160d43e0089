"""Every ``dcr-harness`` command against a corpus of bad inputs (issue 18, item 4).

shared/DESIGN.md, Principles: "Bad input (a malformed scenario, an unreachable IdP, an IdP
that answers garbage) gets a clear, single-line error naming what to fix". Each case runs
the CLI as a subprocess (``python -m harness.cli.main``), so what is checked is what a user
sees: the exit code (2 = bad input, ``harness.cli.main``), exactly one error line on stderr
(for argparse's own errors the usage line may come first; the last line is the error), no
"Traceback" on stdout or stderr, and no secret given on the command line or in a file shown
unredacted.

Extending the corpus: add a :class:`Bad` to ``CASES`` (argv may use ``{d}``, the folder of
the bad files built by :func:`corpus`, and ``{idp}``, the garbage IdP's URL, e.g.
``{idp}/html``). A new command (e.g. ``export``) adds its cases here and its name to
``COMMANDS``; ``test_every_command_is_in_the_corpus`` fails until it has one.

Commands that serve (``serve``, ``idp serve``, ``gateway serve``) must refuse before serving:
a case that is still running after ``SERVE_WAIT_S`` is killed (its process group) and fails.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYCLOAK = ROOT / "scenarios" / "keycloak.yaml"
FILE_CONFIG = ROOT / "fixtures" / "tyk" / "file-config"
#: Seconds a case may run (the IdP deadline is 10 s: a drip ends within it).
SERVE_WAIT_S = 40.0
#: Secrets put on command lines and in files of the corpus: none may be printed.
SECRETS = ("corpus-admin-pw-4f1e", "corpus-iat-8d2c", "corpus-gw-secret-77aa", "corpus-dev-pw-90b1",
           "corpus-admin-key-31c5")

#: Every command and sub-command of the CLI (harness.cli.main.build_parser).
COMMANDS = ("run", "validate", "schema", "idp serve", "gateway serve", "check", "serve", "import", "export")


@dataclass(frozen=True)
class Bad:
    """One bad input: ``argv`` after ``dcr-harness``; ``says``: substrings of the error line.

    ``failed_step``: the input is a scenario run's IdP (``run --idp URL``), whose faults are
    a failed guide step, as ``scenarios/broken/keycloak-idp-down.yaml`` expects: exit 1
    ("a scenario step failed", harness.cli.main), nothing on stderr, and one
    ``FAILED at step ...`` line on stdout naming the cause (the report is written too).
    ``exit_code`` 3: a server the command needs could not be started or reached (an
    external IdP or gateway URL for ``serve``/``run``: harness.cli.main's documented code),
    still one error line."""

    id: str
    argv: tuple[str, ...]
    says: tuple[str, ...] = ()
    failed_step: bool = False
    exit_code: int = 2

    @property
    def command(self) -> str:
        if not self.argv:
            return ""
        return " ".join(self.argv[:2]) if self.argv[0] in ("idp", "gateway") else self.argv[0]


SCENARIO_FILES: dict[str, tuple[str, ...]] = {
    # file name in the corpus folder -> what its error line says
    "missing.yaml": ("does not exist",),
    "latin1.yaml": ("not UTF-8",),
    "binary.yaml": ("binary",),
    "empty.yaml": ("YAML mapping",),
    "list.yaml": ("YAML mapping",),
    "scalar.yaml": ("YAML mapping",),
    "syntax.yaml": ("not valid YAML",),
    "duplicate.yaml": ("duplicate.yaml:6: duplicate key 'name'", "first at line 4"),
    "name_typo.yaml": ("unknown field 'name_typo'", "did you mean 'name'?"),
    "placeholder.yaml": ("${discovery.nonexistent}", "placeholder.yaml:"),
    "secret_type.yaml": ("developer.password",),
    "folder.yaml": ("does not exist",),  # a folder, not a file
    "alias_bomb.yaml": ("field 'api.name'",),  # "billion laughs": 9 levels of 9 aliases
    "deep.yaml": ("nested too deeply",),
}


def _scenario_cases() -> list[Bad]:
    out: list[Bad] = []
    for name, says in SCENARIO_FILES.items():
        stem = name.removesuffix(".yaml")
        out.append(Bad(f"validate-{stem}", ("validate", f"{{d}}/{name}"), says))
        if name != "folder.yaml":  # run FOLDER runs the scenarios in it (a suite)
            out.append(Bad(f"run-{stem}", ("run", f"{{d}}/{name}", "--report-dir", "{d}/reports"), says))
        out.append(Bad(f"serve-{stem}", ("serve", "--scenario", f"{{d}}/{name}", "--report-dir", "{d}/reports"), says))
    return out


def _port_cases() -> list[Bad]:
    out: list[Bad] = []
    for command, flag in (("idp serve", "--port"), ("gateway serve", "--port"),
                          ("serve", "--portal-port"), ("serve", "--gateway-port")):
        base = tuple(command.split())
        if command == "gateway serve":
            base += ("--apps", "{d}/apps", "--policies", "{d}/policies.json")
        for value in ("99999", "-1", "abc"):
            out.append(Bad(f"{command.replace(' ', '-')}{flag}={value}", (*base, f"{flag}={value}"), (flag,)))
    return out


CASES: list[Bad] = [
    *_scenario_cases(),
    *_port_cases(),
    # run
    Bad("run-unknown-idp-kind", ("run", str(KEYCLOAK), "--idp", "nope"), ("--idp", "nope")),
    Bad("run-unknown-gateway-kind", ("run", str(KEYCLOAK), "--gateway", "nope"), ("--gateway", "nope")),
    Bad("run-unknown-idp-version", ("run", str(KEYCLOAK), "--idp-version", "0.0.1"), ("0.0.1",)),
    Bad("run-idp-unreachable", ("run", str(KEYCLOAK), "--idp", "http://127.0.0.1:9", "--report-dir", "{d}/reports"),
        ("idp-start", "127.0.0.1:9"), failed_step=True),
    *[Bad(f"run-idp-answers-{mode}", ("run", str(KEYCLOAK), "--idp", f"{{idp}}/{mode}", "--report-dir",
                                       "{d}/reports"), ("idp-start", f"/{mode}/realms/master"), failed_step=True)
      for mode in ("html", "nonjson", "truncated", "drip")],
    Bad("run-jobs-zero", ("run", str(KEYCLOAK), "-j", "0"), ("-j 0",)),
    Bad("run-empty-folder", ("run", "{d}/emptydir"), ("emptydir",)),
    Bad("run-no-args", ("run",), ("SCENARIO",)),
    Bad("run-report-dir-unwritable", ("run", str(KEYCLOAK), "--report-dir", "{d}/policies.json/reports"),
        ("--report-dir", "policies.json/reports")),
    Bad("run-suite-report-dir-unwritable", ("run", str(KEYCLOAK), str(KEYCLOAK), "--report-dir",
                                             "{d}/policies.json/reports"), ("--report-dir",)),
    Bad("run-gateway-unreachable", ("run", str(KEYCLOAK), "--gateway", "http://127.0.0.1:9", "--gateway-secret",
                                    SECRETS[2], "--report-dir", "{d}/reports"), ("127.0.0.1:9",), exit_code=3),
    *[Bad(f"run-gateway-answers-{mode}", ("run", str(KEYCLOAK), "--gateway", f"{{idp}}/{mode}", "--gateway-secret",
                                          SECRETS[2], "--report-dir", "{d}/reports"), (f"/{mode}",), exit_code=3)
      for mode in ("html", "drip")],
    Bad("run-matrix-unknown-key", ("run", str(KEYCLOAK), "--matrix", "nope=1"), ("--matrix",)),
    # validate / schema
    Bad("validate-no-args", ("validate",), ("scenario",)),
    Bad("schema-output-in-missing-folder", ("schema", "-o", "{d}/no/such/folder/schema.json"), ("schema.json",)),
    Bad("schema-output-is-a-folder", ("schema", "-o", "{d}/emptydir"), ("emptydir",)),
    # idp serve
    Bad("idp-serve-unknown-profile", ("idp", "serve", "--profile", "okta"), ("--profile",)),
    Bad("idp-serve-unknown-gluu-version", ("idp", "serve", "--profile", "gluu", "--gluu-version", "9.9"),
        ("--gluu-version",)),
    Bad("idp-serve-bad-host", ("idp", "serve", "--host", "no-such-host.invalid", "--admin-password", SECRETS[0]),
        ("no-such-host.invalid",)),
    Bad("idp-no-action", ("idp",), ("ACTION",)),
    # gateway serve
    Bad("gateway-serve-missing-apps", ("gateway", "serve", "--apps", "{d}/nope", "--policies", "{d}/policies.json"),
        ("nope",)),
    Bad("gateway-serve-missing-policies", ("gateway", "serve", "--apps", "{d}/apps", "--policies", "{d}/nope.json"),
        ("nope.json",)),
    Bad("gateway-serve-binary-policies", ("gateway", "serve", "--apps", "{d}/apps", "--policies", "{d}/binary.json"),
        ("binary.json",)),
    Bad("gateway-serve-policies-not-object", ("gateway", "serve", "--apps", "{d}/apps", "--policies",
                                               "{d}/list.json"), ("list.json",)),
    Bad("gateway-serve-binary-api", ("gateway", "serve", "--apps", "{d}/import-binary", "--policies",
                                      "{d}/policies.json"), ("api.json",)),
    Bad("gateway-serve-api-not-object", ("gateway", "serve", "--apps", "{d}/import-list", "--policies",
                                          "{d}/policies.json"), ("api.json",)),
    Bad("gateway-serve-deep-policies", ("gateway", "serve", "--apps", "{d}/apps", "--policies",
                                         "{d}/import-deep/api.json"), ("api.json", "nested too deeply")),
    Bad("gateway-serve-latin1-tyk-conf", ("gateway", "serve", "--apps", "{d}/apps", "--policies", "{d}/policies.json",
                                           "--tyk-conf", "{d}/latin1.yaml"), ("latin1.yaml",)),
    Bad("gateway-serve-missing-args", ("gateway", "serve"), ("--apps",)),
    # check
    Bad("check-no-issuer", ("check",), ("--issuer",)),
    Bad("check-issuer-as-argument", ("check", "http://127.0.0.1:9"), ("http://127.0.0.1:9",)),
    Bad("check-report-dir-unwritable", ("check", "--issuer", "http://127.0.0.1:9", "--report-dir",
                                        "{d}/policies.json/reports"), ("--report-dir",)),
    Bad("check-admin-user-without-password", ("check", "--issuer", "http://127.0.0.1:9", "--admin-user", "a"),
        ("--admin-password",)),
    Bad("check-issuer-not-url", ("check", "--issuer", "not a url"), ("--issuer",)),
    Bad("check-unreachable", ("check", "--issuer", "http://127.0.0.1:9/realms/master", "--admin-user", "admin",
                              "--admin-password", SECRETS[0]), ("127.0.0.1:9",)),
    Bad("check-unknown-profile", ("check", "--issuer", "http://127.0.0.1:9", "--profile", "okta"), ("--profile",)),
    Bad("check-unknown-idp-version", ("check", "--issuer", "http://127.0.0.1:9", "--profile", "keycloak",
                                      "--idp-version", "0.0.1"), ("0.0.1",)),
    Bad("check-unknown-gateway-kind", ("check", "--issuer", "http://127.0.0.1:9", "--gateway", "nope",
                                       "--initial-access-token", SECRETS[1]), ("--gateway", "nope")),
    Bad("check-unknown-plan", ("check", "--issuer", "http://127.0.0.1:9", "--plan", "nope"), ("--plan",)),
    *[Bad(f"check-idp-answers-{mode}", ("check", "--issuer", f"{{idp}}/{mode}/realms/master",
                                         "--initial-access-token", SECRETS[1], "--report-dir", "{d}/reports"),
          ("no discovery document", f"/{mode}/realms/master"))
      for mode in ("html", "nonjson", "truncated", "drip")],
    # serve
    Bad("serve-unknown-idp-kind", ("serve", "--idp", "nope"), ("--idp", "nope")),
    Bad("serve-unknown-gateway-kind", ("serve", "--gateway", "nope", "--admin-key", SECRETS[4]), ("--gateway", "nope")),
    Bad("serve-unknown-idp-version", ("serve", "--idp-version", "0.0.1", "--report-dir", "{d}/reports"), ("0.0.1",)),
    Bad("serve-unknown-guide", ("serve", "--guide", "okta"), ("--guide",)),
    Bad("serve-unknown-until-step", ("serve", "--guide", "keycloak", "--until", "bogus", "--report-dir", "{d}/reports"),
        ("--until 'bogus'",)),
    Bad("serve-idp-unreachable", ("serve", "--idp", "http://127.0.0.1:9", "--report-dir", "{d}/reports"),
        ("127.0.0.1:9",), exit_code=3),
    Bad("serve-report-dir-unwritable", ("serve", "--report-dir", "{d}/policies.json/reports"), ("--report-dir",)),
    # import
    Bad("import-missing-folder", ("import", "{d}/nope", "-o", "-"), ("nope",)),
    Bad("import-empty-folder", ("import", "{d}/emptydir", "-o", "-"), ("emptydir",)),
    Bad("import-binary-json", ("import", "{d}/import-binary", "-o", "-"), ("api.json",)),
    Bad("import-json-not-object", ("import", "{d}/import-list", "-o", "-"), ("api.json",)),
    Bad("import-latin1-json", ("import", "{d}/import-latin1", "-o", "-"), ("api.json",)),
    Bad("import-deep-json", ("import", "{d}/import-deep", "-o", "-"), ("api.json", "nested too deeply")),
    Bad("import-missing-api-file", ("import", "--api", "{d}/nope.json", "-o", "-"), ("nope.json",)),
    Bad("import-nothing", ("import", "-o", "-"), ("nothing to import",)),
    Bad("import-no-output", ("import", "{d}/import-binary"), ("-o",)),
    Bad("import-output-unwritable", ("import", str(ROOT / "fixtures" / "tyk-export" / "keycloak-customer"), "-o",
                                     "{d}/policies.json/scenario.yaml"), ("-o",)),
    Bad("import-unknown-entry", ("import", str(ROOT / "fixtures" / "tyk-export" / "keycloak-customer"), "--entry",
                                 "nope", "-o", "-"), ("'nope'",)),
    # export
    Bad("export-missing-folder", ("export", "{d}/nope"), ("no such report directory",)),
    Bad("export-a-file", ("export", "{d}/policies.json"), ("not a directory",)),
    Bad("export-not-a-report", ("export", "{d}/emptydir"), ("no report.json",)),
    Bad("export-binary-report", ("export", "{d}/report-binary"), ("report.json", "binary")),
    Bad("export-garbage-report", ("export", "{d}/report-garbage"), ("report.json", "not valid JSON")),
    Bad("export-list-report", ("export", "{d}/report-list"), ("report.json", "not a dcr-harness report")),
    Bad("export-deep-report", ("export", "{d}/report-deep"), ("report.json", "nested too deeply")),
    Bad("export-unknown-format", ("export", "{d}/report-ok", "--format", "pdf"), ("--format",)),
    Bad("export-output-unwritable", ("export", "{d}/report-ok", "-o", "{d}/policies.json/x.json"), ("-o",)),
    Bad("export-no-args", ("export",), ("REPORT_DIR",)),
    # the top level
    Bad("no-command", (), ("COMMAND",)),
    Bad("unknown-command", ("frobnicate",), ("frobnicate",)),
]


VALID = KEYCLOAK.read_text(encoding="utf-8")


def _write_corpus(d: Path) -> None:
    (d / "latin1.yaml").write_bytes("name: Caf\u00e9 guide\n".encode("latin-1"))
    (d / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    (d / "empty.yaml").write_bytes(b"")
    (d / "list.yaml").write_text("- name: a\n- name: b\n", encoding="utf-8")
    (d / "scalar.yaml").write_text("just a string\n", encoding="utf-8")
    (d / "syntax.yaml").write_text("name: [unclosed\napi:\n  name: A\n", encoding="utf-8")
    (d / "duplicate.yaml").write_text(VALID.replace("name: Keycloak guide\n", "name: Keycloak guide\n\nname: again\n"),
                                      encoding="utf-8")
    (d / "name_typo.yaml").write_text(VALID.replace("name: Keycloak guide\n", "name_typo: Keycloak guide\n"),
                                      encoding="utf-8")
    (d / "placeholder.yaml").write_text(VALID.replace("endpoint: ${discovery.token_endpoint}",
                                                      "endpoint: ${discovery.nonexistent}"), encoding="utf-8")
    (d / "secret_type.yaml").write_text(VALID.replace("password: developer-password-1",
                                                      f"password: [{SECRETS[3]}]"), encoding="utf-8")
    levels = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (d / "alias_bomb.yaml").write_text(f"name: x\napi:\n  name: [{', '.join(levels)}]\n", encoding="utf-8")
    (d / "deep.yaml").write_text("name: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    (d / "folder.yaml").mkdir()
    (d / "emptydir").mkdir()
    shutil.copytree(FILE_CONFIG / "apps", d / "apps")  # a good gateway configuration
    shutil.copy(FILE_CONFIG / "policies.json", d / "policies.json")
    (d / "binary.json").write_bytes(b"\x00\x01\x02" + bytes(range(256)))
    (d / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    for folder, content in (("import-binary", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256))),
                            ("import-list", b'[{"name": "not an object"}]'),
                            ("import-latin1", '{"name": "Caf\u00e9"}'.encode("latin-1")),
                            ("import-deep", b"[" * 100_000 + b"]" * 100_000)):
        (d / folder).mkdir()
        (d / folder / "api.json").write_bytes(content)
    for folder, content in (("report-binary", b"\x00\x01" + bytes(range(256))), ("report-garbage", b"{not json"),
                            ("report-list", b"[1, 2]"), ("report-deep", b"[" * 100_000 + b"]" * 100_000),
                            ("report-ok", b'{"scenario": "x", "steps": []}')):
        (d / folder).mkdir()
        (d / folder / "report.json").write_bytes(content)


class _GarbageIdp(http.server.BaseHTTPRequestHandler):
    """An "IdP" whose every answer is garbage; the first path segment picks which."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        mode = self.path.strip("/").split("/")[0]
        if mode == "drip":  # 1 byte a second, never finishing
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(120):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            return
        body, ctype = {
            "html": (b"<html><body><h1>Sign in</h1></body></html>", "text/html"),
            "nonjson": (b"this is not JSON", "application/json"),
            "truncated": (b'{"issuer": "http://127.0.0.1/realms/master", "token_endpoint": "http://1', "application/json"),
        }.get(mode, (b"not found", "text/plain"))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815 (http.server's name)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (http.server's signature)
        pass


@pytest.fixture(scope="module")
def garbage_idp() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GarbageIdp)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("bad-input")
    _write_corpus(d)
    return d


def run_cli(argv: list[str], cwd: Path, timeout: float = SERVE_WAIT_S) -> tuple[int | None, str, str]:
    """``dcr-harness argv`` in a child process; a child still running after ``timeout``
    (it served instead of refusing) is killed with its process group: exit code None."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("DCR_INITIAL_ACCESS_TOKEN", None)
    env.pop("DCR_ADMIN_PASSWORD", None)
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli.main", *argv], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_one_error_line(case: Bad, corpus: Path, garbage_idp: str) -> None:
    argv = [a.replace("{d}", str(corpus)).replace("{idp}", garbage_idp) for a in case.argv]
    code, out, err = run_cli(argv, cwd=corpus)
    shown = f"$ dcr-harness {' '.join(argv)}\n--- exit {code}\n--- stdout\n{out}--- stderr\n{err}"
    assert code is not None, f"still running after {SERVE_WAIT_S} s (served instead of refusing)\n{shown}"
    assert "Traceback" not in out + err, shown
    for secret in SECRETS:
        assert secret not in out + err, f"secret {secret!r} shown\n{shown}"
    if case.failed_step:
        assert code == 1 and not err.strip(), shown
        failed = [line for line in out.splitlines() if line.startswith("FAILED at step ")]
        assert len(failed) == 1 and all(text in failed[0] for text in case.says), shown
        return
    assert code == case.exit_code, shown
    lines = [line for line in err.splitlines() if line.strip()]
    if lines and lines[0].startswith("usage: "):  # argparse: its usage line(s), then the error
        lines = [line for line in lines if line.startswith("dcr-harness")][-1:]
    assert len(lines) == 1, f"not exactly one error line on stderr\n{shown}"
    line = lines[0]
    assert "error" in line, shown
    for text in case.says:
        assert text in line, f"the error line does not say {text!r}\n{shown}"


def test_every_command_is_in_the_corpus() -> None:
    """A command added to the CLI gets bad-input cases here."""
    from harness.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse's sub-parsers action
    found: list[str] = []
    for name, p in sub.choices.items():  # type: ignore[union-attr]  # a _SubParsersAction has choices
        nested = [a for a in p._actions if getattr(a, "choices", None) and a.dest.endswith("_command")]
        found += [f"{name} {n}" for n in nested[0].choices] if nested else [name]
    covered = {c.command for c in CASES}
    assert sorted(found) == sorted(COMMANDS), "COMMANDS is not the CLI's list of commands"
    assert not set(COMMANDS) - covered, f"commands without bad-input cases: {set(COMMANDS) - covered}"


def _deep_json(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def test_gateway_rest_api_refuses_deeply_nested_json(corpus: Path) -> None:
    """A 100,000-deep JSON array to ``gateway serve``'s Tyk REST API is a 400 with a JSON
    error, and the gateway keeps answering (no crash, no recursion error)."""
    import requests

    (corpus / "tyk.conf").write_text(json.dumps({"secret": SECRETS[2]}), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli.main", "gateway", "serve", "--apps",
                             str(corpus / "apps"), "--policies", str(corpus / "policies.json"), "--tyk-conf",
                             str(corpus / "tyk.conf"), "--port", str(port)], cwd=corpus, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        headers = {"x-tyk-authorization": SECRETS[2]}
        deadline = time.monotonic() + SERVE_WAIT_S
        while True:
            try:
                requests.get(f"{url}/tyk/apis", headers=headers, timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None and time.monotonic() < deadline, "the gateway did not start"
                time.sleep(0.2)
        for path in ("/tyk/apis", "/tyk/policies"):
            resp = requests.post(f"{url}{path}", data=_deep_json(100_000), headers=headers, timeout=30)
            assert resp.status_code == 400, (path, resp.status_code, resp.text[:300])
            body = resp.json()
            assert isinstance(body, dict) and body.get("status") == "error", body
        assert requests.get(f"{url}/tyk/apis", headers=headers, timeout=5).status_code == 200
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert b"Traceback" not in out + err, err.decode("utf-8", "replace")[-2000:]


@pytest.mark.parametrize(("email", "password"), [
    ("d\u00e9v\u00e9loppeur@ex\u00e4mple.com", "p\u00e4ssw\u00f6rd-corpus-1"),  # Latin-1 characters
    ("developer@example.com", "\u043f\u0430\u0440\u043e\u043b\u044c-corpus-\u2713"),  # none of Latin-1
], ids=["latin1-email", "cyrillic-password"])
def test_non_ascii_developer_runs_the_wizard(email: str, password: str, corpus: Path) -> None:
    """A developer's email and password are Unicode text: the guide runs through the portal's
    wizard with them (RFC 7617 §2.1, Basic credentials as UTF-8), and the password is redacted."""
    scenario = corpus / f"dev-{abs(hash(email + password))}.yaml"
    scenario.write_text(VALID.replace("email: developer@example.com", f'email: "{email}"')
                        .replace("password: developer-password-1", f'password: "{password}"'), encoding="utf-8")
    code, out, err = run_cli(["run", str(scenario), "--report-dir", str(corpus / f"{scenario.stem}-report")],
                             cwd=corpus)
    shown = f"--- exit {code}\n--- stdout\n{out}--- stderr\n{err}"
    assert "Traceback" not in out + err, shown
    assert code == 0 and "All 14 steps passed." in out, shown
    assert password not in out + err, shown
