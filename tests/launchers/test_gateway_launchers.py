"""The gateway launchers of the registry (harness/launchers/registry.py, role ``gateway``):
kinds, options and their errors, where the real Tyk binary is looked for and the one-line
error when there is none, Redis, the child-process safety nets, the external kind against
a gateway someone else runs (here: a harness gateway playing the customer's), and what a
real gateway cannot do (move its clock). Nothing here needs the Tyk binary or Docker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

from harness.cli.main import main
from harness.core.containers import docker_available
from harness.core.errors import ConfigError, LaunchError
from harness.core.processes import ChildProcess, listening_pids, live_pids
from harness.launchers.registry import help_text, kinds, make_gateway, make_launcher, resolve, unavailable
from harness.scenario.loader import load_scenario
from harness.scenario.runner import run_scenario
from harness.scenario.world import World
from harness.tyk.gateway import tyk_oss
from harness.tyk.gateway.container import TykContainerLauncher
from harness.tyk.gateway.external import ExternalGatewayLauncher
from harness.tyk.gateway.launcher import GatewayLauncher, HarnessGatewayLauncher
from harness.tyk.gateway.redis_server import RedisServer, find_redis
from harness.tyk.gateway.tyk_oss import TykOssGatewayLauncher, find_binary, parse_logfmt, real_tyk_conf
from harness.tyk.portal.gateway_sync import GatewaySync, GatewaySyncError

ROOT = Path(__file__).resolve().parents[2]
NO_BINARY = ("no Tyk gateway binary: the Go module proxy here refuses github.com/TykTechnologies/tyk "
             "(403 \"This module version is not available\"), so the harness cannot build it")


@pytest.fixture
def no_tyk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No Tyk binary anywhere: none named, none on PATH, an empty cache."""
    monkeypatch.delenv(tyk_oss.ENV_TYK_BIN, raising=False)
    monkeypatch.setenv(tyk_oss.ENV_CACHE, str(tmp_path / "cache"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def _fake_tyk(path: Path, templates: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    if templates:
        (path.parent / "templates").mkdir(exist_ok=True)
        (path.parent / "templates" / "error.json").write_text("{}")
    return path


# ---- kinds, help, options -------------------------------------------------------------------


def test_the_gateway_kinds_and_a_url() -> None:
    assert kinds("gateway") == ("harness", "tyk-oss", "container", "external")
    assert resolve("https://gw.example.com", role="gateway") == ("external", "https://gw.example.com")
    text = help_text("gateway", default="harness")
    assert text.startswith("harness (default; the harness's own Tyk-compatible gateway), tyk-oss (the real open-source "
                           "Tyk gateway: a Tyk binary you provide, and redis-server), container (Docker: ")
    assert text.endswith(", or a URL of a running Tyk gateway (with --gateway-secret)")
    with pytest.raises(ConfigError, match=r"^--gateway 'nginx' is not a launcher; use one of harness, tyk-oss, "
                                          r"container, external or an http\(s\) URL$"):
        make_gateway("nginx")


@pytest.mark.parametrize(("kind", "option", "value", "where"), [
    ("harness", "tyk_bin", "/usr/bin/tyk", "--gateway tyk-oss"),
    ("tyk-oss", "secret", "s3cret", "--gateway external"),
    ("container", "tyk_bin", "/usr/bin/tyk", "--gateway tyk-oss"),
])
def test_an_option_for_another_kind_says_where_it_applies(kind: str, option: str, value: str, where: str) -> None:
    with pytest.raises(ConfigError) as err:
        make_gateway(kind, **{option: value})
    flag = {"tyk_bin": "--tyk-bin", "secret": "--gateway-secret"}[option]
    assert err.value.message.startswith(f"{flag} does not apply to the {kind} launcher of ")
    assert err.value.hint == f"it applies to {where}"


def test_world_options_go_only_to_the_kinds_that_take_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DCR_GATEWAY_SECRET", raising=False)
    offered = {"tyk_conf": {"secret": "x"}, "clock": time.time, "transcript": None, "host": "127.0.0.1", "port": 0}
    ext = make_gateway("http://127.0.0.1:9", offered=offered, secret="s")
    assert isinstance(ext, ExternalGatewayLauncher) and ext.secret == "s" and ext.base_url == "http://127.0.0.1:9"
    tyk = make_gateway("tyk-oss", offered=offered, report_dir="/tmp/r", tyk_bin="/opt/tyk")
    assert isinstance(tyk, TykOssGatewayLauncher)
    assert (tyk.secret, tyk.tyk_bin, tyk.log_dir) == ("x", "/opt/tyk", Path("/tmp/r"))
    assert isinstance(make_gateway("container", offered=offered), TykContainerLauncher)


def test_a_customer_gateway_needs_its_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DCR_GATEWAY_SECRET", raising=False)
    with pytest.raises(ConfigError) as err:
        make_gateway("https://gw.example.com/")
    assert str(err.value) == ("the gateway at https://gw.example.com needs its tyk.conf secret "
                              "(fix: pass --gateway-secret S, or set $DCR_GATEWAY_SECRET)")
    monkeypatch.setenv("DCR_GATEWAY_SECRET", "from-env")
    assert make_gateway("https://gw.example.com/").secret == "from-env"


def test_every_gateway_launcher_has_the_protocol() -> None:
    members = [m for m in dir(GatewayLauncher) if not m.startswith("_")] + list(GatewayLauncher.__annotations__)
    assert {"kind", "version", "secret", "reload_paths", "shared", "base_url", "describe", "why_refused"} <= set(members)
    for launcher in (make_gateway("harness"), make_gateway("tyk-oss"), make_gateway("container"),
                     make_gateway("http://127.0.0.1:9", secret="s")):
        # (isinstance would read base_url, which only a started launcher has)
        missing = [m for m in members if not (hasattr(type(launcher), m) or m in vars(launcher))]
        assert not missing, (type(launcher).__name__, missing)
        assert launcher.reload_paths and isinstance(launcher.shared, bool)
    assert make_gateway("tyk-oss").reload_paths == ("/tyk/reload?block=true",)
    assert make_gateway("http://127.0.0.1:9", secret="s").shared is True


# ---- where the Tyk binary comes from ---------------------------------------------------------


def test_no_binary_is_one_clear_line(no_tyk: Path) -> None:
    assert find_binary() == (None, NO_BINARY)
    assert unavailable("tyk-oss", "gateway") == f"--gateway tyk-oss needs a Tyk gateway binary and redis-server: {NO_BINARY}"
    with pytest.raises(LaunchError) as err:
        TykOssGatewayLauncher().start()
    assert err.value.message == NO_BINARY
    assert "--tyk-bin PATH or $DCR_HARNESS_TYK_BIN" in str(err.value.hint)
    assert "\n" not in str(err.value)


def test_the_cli_says_it_in_one_line(no_tyk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--gateway", "tyk-oss",
                 "--report-dir", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith(f"error: {NO_BINARY} (fix: give a Tyk gateway binary with --tyk-bin PATH")
    assert err.count("\n") == 1


def test_binary_order_explicit_then_path_then_cache(no_tyk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached = _fake_tyk(tyk_oss.cached_binary())
    assert cached == tmp_path / "cache" / "tyk" / "381c1935" / "tyk"
    assert find_binary() == (cached, "the cache")
    on_path = _fake_tyk(no_tyk / "tyk")
    assert find_binary() == (on_path, "PATH")
    named = _fake_tyk(tmp_path / "named" / "tyk")
    monkeypatch.setenv(tyk_oss.ENV_TYK_BIN, str(named))
    assert find_binary() == (named, "$DCR_HARNESS_TYK_BIN")
    given = _fake_tyk(tmp_path / "given" / "tyk")
    assert find_binary(given) == (given, "--tyk-bin")
    assert find_binary(tmp_path / "missing") == (None, f"--tyk-bin={tmp_path / 'missing'} is not an executable file")
    assert unavailable("tyk-oss", "gateway", tyk_bin=str(tmp_path / "missing")) is not None


def test_a_binary_without_templates_is_refused(no_tyk: Path, tmp_path: Path) -> None:
    bare = _fake_tyk(tmp_path / "bare" / "tyk", templates=False)
    with pytest.raises(LaunchError, match=r"^no Tyk templates/ folder \(with error.json\) beside "):
        TykOssGatewayLauncher(tyk_bin=bare).start()


def test_without_redis_server_one_line_naming_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("harness.tyk.gateway.redis_server.find_redis", lambda: None)
    with pytest.raises(LaunchError) as err:
        RedisServer(tmp_path).start()
    assert str(err.value) == ("the real Tyk gateway needs Redis and redis-server is not on PATH "
                              "(fix: apt-get install redis-server (Debian/Ubuntu), or put a redis-server on PATH)")
    assert tyk_oss.availability(_fake_tyk(tmp_path / "t" / "tyk")) == (
        False, "redis-server is not on PATH (apt-get install redis-server (Debian/Ubuntu), or put a redis-server on PATH)")


@pytest.mark.skipif(find_redis() is None, reason="redis-server is not installed (apt-get install redis-server)")
def test_redis_server_starts_answers_and_stops(tmp_path: Path) -> None:
    with RedisServer(tmp_path) as redis:
        pid = redis.pid
        assert pid in live_pids()
        with socket.create_connection(("127.0.0.1", redis.port), timeout=5) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(16) == b"+PONG\r\n"
    assert pid is not None and not _alive(pid)


# ---- the tyk.conf and the log ----------------------------------------------------------------


def test_the_real_gateway_conf() -> None:
    conf, ca = real_tyk_conf({"secret": "s", "jwt_ssl_insecure_skip_verify": True,
                              "dcr_harness": {"jwks_ca_bundle": "/tmp/ca.pem"}})
    assert (conf, ca) == ({"secret": "s", "jwt_ssl_insecure_skip_verify": True}, "/tmp/ca.pem")
    with pytest.raises(ConfigError, match=r"^tyk.conf dcr_harness.legacy_x5c_pem_fallback switches a behaviour of "
                                          r"the harness's own gateway; the real Tyk gateway has no such setting"):
        real_tyk_conf({"dcr_harness": {"legacy_x5c_pem_fallback": False}})
    launcher = TykOssGatewayLauncher(tyk_conf={"secret": "s", "jwks": {"cache": {"timeout": 60}}})
    run = Path("/run/x")
    written = launcher._configure(run, Path("/t"), 8080, 6379)  # noqa: SLF001 - the conf as written
    assert written["policies"] == {"policy_source": "file", "policy_path": "/run/x/policies"}
    assert (written["jwks"], written["listen_port"], written["storage"]["port"]) == ({"cache": {"timeout": 60}}, 8080, 6379)


def test_why_refused_reads_tyks_middleware_lines(tmp_path: Path) -> None:
    log = tmp_path / "tyk.log"
    log.write_text('time="t" level=info message="Tyk Gateway started" prefix=main\n')
    launcher = TykOssGatewayLauncher()
    launcher._tyk = ChildProcess("tyk", ["tyk"], log_path=log)  # noqa: SLF001 - a log without a process
    mark = launcher.log_mark()
    with log.open("a") as fh:
        fh.write('time="t" level=warning message="Failed to retrieve OAuth client." error="key not found" mw=JWTMiddleware\n')
        fh.write('time="t" level=error message="Couldn\'t get token" error="go-jose/go-jose: invalid EC public key, '
                 'wrong length for x" mw=JWTMiddleware type=request\n')
        fh.write('time="t" level=error message="JWT validation error" error="No matching KID could be found" '
                 'mw=JWTMiddleware\n')
    assert launcher.why_refused(mark) == "JWT validation error: No matching KID could be found"
    end = launcher.log_mark()
    with log.open("a") as fh:
        fh.write('time="t" level=info message="Attempted access to unauthorised API" key="****efa6" mw=AccessRightsCheck\n')
    assert launcher.why_refused(end) == "Attempted access to unauthorised API"
    assert launcher.why_refused(launcher.log_mark()) is None
    assert parse_logfmt('level=error message="a \\"quoted\\" b" x=1') == {"level": "error", "message": 'a "quoted" b', "x": "1"}


# ---- child processes never outlive the harness -----------------------------------------------


def test_a_child_is_stopped_with_its_group(tmp_path: Path) -> None:
    child = ChildProcess("sleeper", ["sh", "-c", "sleep 300 & sleep 300"], log_path=tmp_path / "log")
    child.start()
    pid = child.pid
    assert pid is not None and pid in live_pids()
    child.stop()
    child.stop()  # idempotent
    assert not _alive(pid) and pid not in live_pids()
    deadline = time.monotonic() + 10  # the group's other member got SIGKILL; init reaps it
    while _group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _group_alive(pid)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="the parent-death signal is Linux's")
def test_a_child_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """SIGKILL leaves no time to clean up: the kernel's parent-death signal kills the child."""
    script = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from harness.core.processes import ChildProcess
        c = ChildProcess("sleeper", ["sleep", "300"], log_path=Path({str(tmp_path / 'log')!r}))
        c.start()
        print(c.pid, flush=True)
        time.sleep(300)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    # setpriv sets the signal, then execs the program: wait for the exec (a parent killed
    # within the first milliseconds, before setpriv ran, would leave the child behind).
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}/comm").read_text().strip() != "sleep" and time.monotonic() < deadline:
        time.sleep(0.01)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    assert _gone_within(pid, 10)


def test_listening_pids_finds_this_process() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        found = listening_pids(port)
        if found is None:
            pytest.skip("no /proc here")
        assert os.getpid() in found
    assert listening_pids(port) == set()


# ---- what only the harness gateway can do ----------------------------------------------------


@pytest.mark.parametrize("gateway", ["tyk-oss", "container", "http://127.0.0.1:9"])
def test_moving_a_real_gateways_clock_is_an_error(gateway: str) -> None:
    world = World(make_launcher("emulator"), gateway=gateway, gateway_options={"secret": "s"} if "://" in gateway else None)
    with pytest.raises(ConfigError) as err:
        world.clock = lambda: time.time() + 3600
    kind = world.gateway_launcher.kind
    assert str(err.value) == (f"the {kind} gateway runs on this machine's clock in its own process: the World cannot "
                              "move it in time (fix: use --gateway harness to move the gateway's clock)")
    harness_world = World(make_launcher("emulator"))
    harness_world.clock = later = lambda: 42.0
    assert harness_world.clock is later


def test_the_container_kind_without_docker_says_why() -> None:
    ok, reason = docker_available()
    if ok:
        pytest.skip("a Docker engine is available: the refusal cannot be shown here")
    assert unavailable("container", "gateway") == f"--gateway container needs a Docker engine: {reason}"
    with pytest.raises(LaunchError, match=r"^cannot run tykio/tyk-gateway:"):
        TykContainerLauncher().start()


# ---- a customer's gateway: --gateway URL -----------------------------------------------------


@pytest.fixture
def customer() -> HarnessGatewayLauncher:
    """A running gateway someone else configured: one API and one policy of its own."""
    gw = HarnessGatewayLauncher(tyk_conf={"secret": "customer-secret-1"}).start()
    h = {"x-tyk-authorization": "customer-secret-1"}
    api = {"name": "Theirs", "api_id": "their-api", "org_id": "o", "use_keyless": True, "active": True,
           "proxy": {"listen_path": "/theirs/", "target_url": "http://127.0.0.1:9/", "strip_listen_path": True},
           "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}}}
    assert requests.post(gw.base_url + "/tyk/apis", json=api, headers=h, timeout=10).status_code == 200
    pol = {"id": "their-policy", "name": "Theirs", "org_id": "o", "active": True, "rate": 10, "per": 60,
           "quota_max": -1, "access_rights": {"their-api": {"api_id": "their-api", "versions": ["Default"]}}}
    assert requests.post(gw.base_url + "/tyk/policies", json=pol, headers=h, timeout=10).status_code == 200
    assert requests.get(gw.base_url + "/tyk/reload/group", headers=h, timeout=10).status_code == 200
    yield gw
    gw.stop()


def _ids(gw: HarnessGatewayLauncher, what: str, key: str) -> set[str]:
    got = requests.get(f"{gw.base_url}/tyk/{what}", headers={"x-tyk-authorization": gw.secret}, timeout=10).json()
    return {o[key] for o in got}


def test_a_run_on_a_customer_gateway_removes_only_what_it_created(customer: HarnessGatewayLauncher, tmp_path: Path) -> None:
    sc = load_scenario(ROOT / "scenarios" / "keycloak.yaml")
    seen: dict[str, set[str]] = {}

    def during(world: World) -> None:
        assert world.gateway is None  # another process: no in-process gateway to look into
        seen["hook"] = set()

    result = run_scenario(sc, report_dir=tmp_path, gateway=customer.base_url,
                          gateway_options={"secret": "customer-secret-1"}, world_hook=during)
    assert result.passed, [s.to_dict() for s in result.steps if s.verdict.value != "PASS"]
    # The version is what the gateway's /hello says (the harness gateway says "dcr-harness").
    assert result.gateway == {"kind": "external", "version": "dcr-harness", "base_url": customer.base_url}
    steps = {s.id: s for s in result.steps}
    assert steps["gateway-call"].evidence == (
        f"200 from the upstream through /keycloak-api/ (gateway: Tyk dcr-harness (external at {customer.base_url}))")
    assert steps["dashboard-settings"].evidence.endswith(
        f"(not applied: the gateway at {customer.base_url} keeps its own tyk.conf)")
    # What was there before is untouched; what the run created is gone.
    assert _ids(customer, "apis", "api_id") == {"their-api"}
    assert _ids(customer, "policies", "id") == {"their-policy"}
    assert "customer-secret-1" not in (tmp_path / "portal.sqlite").read_bytes().decode("latin-1")


def test_the_cli_on_a_customer_gateway(customer: HarnessGatewayLauncher, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCR_GATEWAY_SECRET", "customer-secret-1")
    code = main(["run", str(ROOT / "scenarios" / "keycloak.yaml"), "--gateway", customer.base_url,
                 "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.splitlines()[0] == (f"Scenario 'Keycloak guide' ({ROOT / 'scenarios' / 'keycloak.yaml'}) on IdP emulator "
                                   f"and gateway Tyk dcr-harness (external at {customer.base_url}); "
                                   f"report in {tmp_path}/")
    report = (tmp_path / "report.json").read_text()
    assert json.loads(report)["gateway"]["kind"] == "external"
    assert "customer-secret-1" not in report


def test_sync_never_modifies_what_it_did_not_create(customer: HarnessGatewayLauncher) -> None:
    from harness.core.transcript import RecordingSession, Transcript

    sync = GatewaySync(customer.base_url, customer.secret, RecordingSession(Transcript(), actor="portal", target="gateway"),
                       shared=True)
    with pytest.raises(GatewaySyncError, match=r"already has API 'their-api', which this run did not create"):
        sync.put_api({"api_id": "their-api", "name": "mine now"})
    with pytest.raises(GatewaySyncError, match=r"does not delete API 'their-api'"):
        sync.delete_api("their-api")
    with pytest.raises(GatewaySyncError, match=r"already has policy 'their-policy'"):
        sync.put_policy({"id": "their-policy", "name": "x"})
    assert _ids(customer, "apis", "api_id") == {"their-api"}


def test_a_wrong_secret_or_no_gateway_is_a_launch_error(customer: HarnessGatewayLauncher) -> None:
    with pytest.raises(LaunchError, match=r"refuses the secret \(HTTP 403 on /tyk/apis\)"):
        ExternalGatewayLauncher(customer.base_url, secret="wrong").start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(LaunchError, match=r"is unreachable: ConnectionError"):
        ExternalGatewayLauncher(f"http://127.0.0.1:{port}", secret="x").start()


# ---- helpers ---------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    """A live (not zombie) process in group ``pgid`` (/proc/<pid>/stat: state, ppid, pgrp)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


# ---- the guide plan on a gateway that cannot run -------------------------------------------


def test_guide_plan_skips_when_the_gateway_cannot_run(no_tyk: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A gateway that cannot start says nothing about the IdP under test: SKIP with the reason."""
    with make_launcher("emulator", profile="keycloak") as idp:
        code = main(["check", "--issuer", idp.issuer("master"), "--admin-user", "admin", "--admin-password", "admin",
                     "--plan", "guide", "--gateway", "tyk-oss", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    results = json.loads((tmp_path / "report.json").read_text())["results"]
    assert {r["verdict"] for r in results} == {"SKIP"}
    assert {r["message"] for r in results} == {
        f"--gateway tyk-oss needs a Tyk gateway binary and redis-server: {NO_BINARY}"}


def test_guide_plan_skips_when_the_customer_gateway_refuses(customer: HarnessGatewayLauncher, tmp_path: Path) -> None:
    from harness.conformance.context import Skip
    from harness.core.redact import Redactor
    from harness.scenario.runner import ScenarioGuideRunner

    runner = ScenarioGuideRunner(customer.base_url, {"secret": "not-the-secret"})
    with make_launcher("emulator", profile="keycloak") as idp, pytest.raises(Skip) as skipped:
        runner.run(runner.load(ROOT / "scenarios" / "keycloak.yaml"), launcher=idp, report_dir=tmp_path,
                   scenario_file="scenarios/keycloak.yaml", redactor=Redactor())
    assert str(skipped.value).startswith(f"the external gateway could not be started: the gateway at {customer.base_url} "
                                         "refuses the secret (HTTP 403 on /tyk/apis)")


# ---- the real gateway's log in the report directory ----------------------------------------


def test_each_gateway_claims_its_own_log_and_the_world_redacts_it(tmp_path: Path) -> None:
    from harness.tyk.gateway.tyk_oss import claim_log

    assert [claim_log(tmp_path).name for _ in range(3)] == ["tyk-gateway.log", "tyk-gateway-2.log", "tyk-gateway-3.log"]
    world = World(make_launcher("emulator"), gateway="tyk-oss", report_dir=tmp_path)
    secret = "eyJhbGciOiJSUzI1NiJ9.a-token-the-run-knows.sig"
    world.redactor.add(secret)
    log = tmp_path / "tyk-gateway.log"
    log.write_text(f'time="t" level=debug message="Raw data was: Bearer {secret}"\n')
    world.gateway_launcher.log_path = log  # as the launcher sets it when it starts
    world.stop()
    text = log.read_text()
    assert secret not in text and "Raw data was: Bearer ***redacted:" in text
