"""The tyk-oss launcher on the real binary (version from /hello, the run's secret, a
blocking reload, a port someone else holds, stop), and every face on the real gateway:
``serve``, ``check --plan guide``, the pytest plugin's fixtures and the notebooks' Guide.

Marked ``real_tyk``: SKIP with the reason where there is no Tyk binary (tests/conftest.py)."""

from __future__ import annotations

import argparse
import json
import socket
import time
from pathlib import Path

import pytest
import requests
from rich.console import Console

from harness.cli.cmd_serve import build_world, print_summary, seed
from harness.cli.main import main
from harness.core.errors import ConfigError, LaunchError
from harness.core.processes import ChildProcess
from harness.core.redact import Redactor
from harness.launchers.registry import make_launcher
from harness.notebook.guide import Guide, GuideError
from harness.tyk.gateway.tyk_oss import TykOssGatewayLauncher, find_binary

pytestmark = pytest.mark.real_tyk
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_the_launcher_runs_stops_and_reloads(tmp_path: Path) -> None:
    launcher = TykOssGatewayLauncher(tyk_conf={"secret": "launcher-secret-1"}, log_dir=tmp_path)
    with launcher as gw:
        hello = requests.get(gw.base_url + "/hello", timeout=10).json()
        assert hello["version"] == gw.version and gw.version and gw.version.startswith("v5.")
        assert gw.describe() == f"Tyk {gw.version} (tyk-oss)"
        pids = launcher.pids
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        h = {"x-tyk-authorization": "launcher-secret-1"}
        assert requests.get(gw.base_url + "/tyk/apis", headers={"x-tyk-authorization": "wrong"}, timeout=10).status_code == 403
        api = {"name": "Open", "api_id": "open-api", "org_id": "o", "use_keyless": True, "active": True,
               "proxy": {"listen_path": "/open/", "target_url": "http://127.0.0.1:9/", "strip_listen_path": True},
               "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}}}
        assert requests.post(gw.base_url + "/tyk/apis", json=api, headers=h, timeout=10).json()["action"] == "added"
        assert requests.get(gw.base_url + "/tyk/apis", headers=h, timeout=10).json() == []  # not live before a reload
        for path in gw.reload_paths:
            assert requests.get(gw.base_url + path, headers=h, timeout=30).status_code == 200
        # the blocking reload returned once the API is live
        assert [a["api_id"] for a in requests.get(gw.base_url + "/tyk/apis", headers=h, timeout=10).json()] == ["open-api"]
    assert launcher.pids == []
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)
    assert "Tyk Gateway started" in (tmp_path / "tyk-gateway.log").read_text()


def test_a_port_someone_else_holds_is_refused_and_nothing_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tyk logs "address already in use" and keeps running: the launcher notices, stops it."""
    started: list[tuple[str, int]] = []
    real_start = ChildProcess.start

    def recording_start(self: ChildProcess) -> None:
        real_start(self)
        assert self.pid is not None
        started.append((self.name, self.pid))

    monkeypatch.setattr(ChildProcess, "start", recording_start)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        launcher = TykOssGatewayLauncher(port=port, log_dir=tmp_path)
        with pytest.raises(LaunchError, match=rf"^the Tyk gateway did not start: port {port} is taken by another process"):
            launcher.start()
        assert launcher.pids == []
    assert sorted(name for name, _ in started) == ["redis-server", "tyk"]
    assert [pid for _, pid in started if _alive(pid)] == []
    assert "address already in use" in (tmp_path / "tyk-gateway.log").read_text()


def test_serve_on_the_real_gateway(tmp_path: Path) -> None:
    args = argparse.Namespace(idp="emulator", guide="keycloak", scenario=None, until="create-developer",
                              host="127.0.0.1", portal_port=0, gateway_port=0, admin_key="serve-admin-key-0123456789",
                              report_dir=tmp_path, gateway="tyk-oss", gateway_secret=None, tyk_bin=None,
                              idp_version=None)
    served = build_world(args, Redactor())
    with served.world as w:
        seed(served)
        console = Console(record=True, width=400, soft_wrap=True)
        print_summary(console, served)
        out = console.export_text()
        label = w.gateway_label()
        assert label is not None and label.endswith("(tyk-oss)")
        assert f"Gateway:           {w.gateway_url}  ({label})" in out
        h = {"x-tyk-authorization": w.gateway_launcher.secret}
        assert [a["name"] for a in requests.get(w.gateway_url + "/tyk/apis", headers=h, timeout=10).json()] == ["Keycloak API"]


def test_check_guide_plan_on_the_real_gateway(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with make_launcher("emulator", profile="keycloak") as idp:
        rc = main(["check", "--issuer", idp.issuer("master"), "--admin-user", "admin", "--admin-password", "admin",
                   "--plan", "guide", "--gateway", "tyk-oss", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert rc == 0, out
    data = json.loads((tmp_path / "report.json").read_text())
    results = {r["id"]: r for r in data["results"]}
    assert {r["verdict"] for r in results.values()} == {"PASS", "SKIP"}
    assert results["GUIDE-IDP-CONFIGURATION"]["message"] == "not a step of the Keycloak guide scenario"
    call = results["GUIDE-GATEWAY-CALL"]
    assert call["verdict"] == "PASS" and call["message"].startswith("200 from the upstream through /keycloak-api/ "
                                                                     "(gateway: Tyk v")
    assert "Tyk Gateway started" in (tmp_path / "guide" / "tyk-gateway.log").read_text()


def test_notebook_guide_on_the_real_gateway(tmp_path: Path) -> None:
    with Guide.open(ROOT / "scenarios" / "gluu.yaml", gateway="tyk-oss", report_dir=tmp_path) as guide:
        results = guide.run_all()
        assert [r.verdict.value for r in results] == ["PASS"] * len(results)
        assert guide.gateway is None
        with pytest.raises(GuideError, match=r"^the tyk-oss gateway keeps no decision log"):
            _ = guide.last_decision
        with pytest.raises(ConfigError, match=r"cannot move it in time"):
            guide.world.clock = lambda: 0.0
        assert "(gateway: Tyk v" in guide.result("gateway-call").evidence


PLUGIN_TESTS = '''
import requests


def test_world_on_the_real_gateway(world):
    assert world.gateway_launcher.kind == "tyk-oss"
    hello = requests.get(world.gateway_url + "/hello", timeout=10).json()
    assert hello["version"] == world.gateway_launcher.version


def test_the_in_process_gateway_fixture_skips(gateway):
    raise AssertionError("not reached")
'''


@pytest.fixture(scope="session")
def tyk_binary(request: pytest.FixtureRequest) -> Path:
    """The binary found with this session's HOME (session scope: set up before pytester,
    which moves HOME to a temp dir with no ~/.cache)."""
    binary, where = find_binary(request.config.getoption("--tyk-bin"))
    assert binary is not None, where
    return binary


def test_pytest_plugin_on_the_real_gateway(tyk_binary: Path, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=PLUGIN_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--gateway", "tyk-oss", "-rs",
                                           "--tyk-bin", str(tyk_binary))
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*dcr-harness: idp=emulator profile=keycloak gateway=tyk-oss*",
                                 "*the gateway fixture is the harness's in-process gateway; --gateway tyk-oss decides "
                                 "in another process*"])
