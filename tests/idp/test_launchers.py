"""IdP launchers without a real IdP: factory errors, JDK selection, the child's
environment and argv, URL building, failure paths (a kc.sh that dies, one that never
becomes ready, a missing Maven or JDK, a broken zip), the container launcher without
Docker and the external launcher against unreachable and wrong servers."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from harness.core.containers import docker_available
from harness.core.errors import ConfigError, LaunchError
from harness.core.serving import BackgroundServer, free_port
from harness.launchers.registry import KINDS, make_launcher
from harness.products.base import IdpLauncher
from harness.products.keycloak import dist as keycloak_dist
from harness.products.keycloak.container import KeycloakContainerLauncher
from harness.products.keycloak.dist import (
    DEFAULT_VERSION,
    KeycloakDistLauncher,
    _java_version_of,
    clean_env,
    find_java_home,
)
from harness.products.keycloak.external import ExternalKeycloakLauncher

# -- helpers ---------------------------------------------------------------------------


def _fake_jdk(root: Path, name: str, *, release: str | None = None, java: bool = True) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    if java:
        exe = home / "bin" / "java"
        exe.write_text("#!/bin/sh\nexit 0\n")
        exe.chmod(0o755)
    if release is not None:
        (home / "release").write_text(f'JAVA_VERSION="{release}"\n')
    return home


def _fake_keycloak_home(root: Path, script: str) -> Path:
    home = root / "kc"
    (home / "bin").mkdir(parents=True)
    kc = home / "bin" / "kc.sh"
    kc.write_text("#!/bin/sh\n" + script)
    kc.chmod(0o755)
    return home


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No inherited KEYCLOAK_HOME / version / cache overrides; cache under tmp_path."""
    for var in ("KEYCLOAK_HOME", "DCR_KEYCLOAK_VERSION"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DCR_HARNESS_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def fake_java(tmp_path: Path) -> Path:
    return _fake_jdk(tmp_path / "jvm", "temurin-21-jdk-amd64")


# -- factory ---------------------------------------------------------------------------


def test_unknown_kind_lists_the_valid_ones() -> None:
    with pytest.raises(ConfigError) as err:
        make_launcher("docker-compose")
    assert err.value.message == "unknown IdP launcher kind 'docker-compose'"
    assert err.value.hint == "use one of: emulator, keycloak-dist, container, external"
    assert KINDS == ("emulator", "keycloak-dist", "container", "external")


def test_external_needs_a_url() -> None:
    with pytest.raises(ConfigError, match="the external IdP launcher needs a URL"):
        make_launcher("external")


def test_real_keycloak_kinds_refuse_the_gluu_profile() -> None:
    with pytest.raises(ConfigError, match="the keycloak-dist launcher runs Keycloak, not 'gluu'"):
        make_launcher("keycloak-dist", profile="gluu")


def test_unknown_emulator_profile() -> None:
    with pytest.raises(ConfigError, match="unknown emulator profile 'okta'"):
        make_launcher("emulator", profile="okta")


def test_factory_builds_without_starting(isolated_env: Path) -> None:
    dist = make_launcher("keycloak-dist", report_dir=isolated_env / "r", relative_path="/auth")
    assert isinstance(dist, KeycloakDistLauncher)
    assert isinstance(dist, IdpLauncher)
    assert dist.log_dir == isolated_env / "r"
    assert dist.base_url == f"http://127.0.0.1:{dist.port}/auth"
    assert not dist.running
    ext = make_launcher("external", url="http://127.0.0.1:9/auth/")
    assert isinstance(ext, ExternalKeycloakLauncher)
    assert ext.base_url == "http://127.0.0.1:9/auth"
    cont = make_launcher("container", report_dir=isolated_env / "c")
    assert isinstance(cont, KeycloakContainerLauncher)
    assert cont.image == f"quay.io/keycloak/keycloak:{DEFAULT_VERSION}"


def test_factory_builds_the_emulators() -> None:
    kc = make_launcher("emulator", profile="keycloak")
    assert kc.kind == "emulator" and kc.profile == "keycloak"
    gluu = make_launcher("emulator", profile="gluu")
    assert gluu.kind == "emulator" and gluu.profile == "gluu"


# -- JDK selection ---------------------------------------------------------------------


def test_newest_jdk_wins_by_version_number(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm, "java-17-openjdk-amd64")
    _fake_jdk(jvm, "temurin-25-jdk-amd64")
    _fake_jdk(jvm, "java-8-openjdk-amd64")
    _fake_jdk(jvm, "temurin-99-jdk-amd64", java=False)  # no bin/java: not a JDK
    _fake_jdk(jvm, "zulu-custom", release="21.0.4")
    (jvm / "java-1.17.0-openjdk-amd64").symlink_to(jvm / "java-17-openjdk-amd64")
    assert find_java_home(jvm, env={}) == jvm / "temurin-25-jdk-amd64"


def test_version_is_compared_as_a_number_not_a_string(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm, "java-9-openjdk")  # "9" > "17" as strings
    _fake_jdk(jvm, "java-17-openjdk")
    _fake_jdk(jvm, "java-21-openjdk")
    assert find_java_home(jvm, env={}) == jvm / "java-21-openjdk"


def test_release_file_beats_the_directory_name(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm, "default-java", release="25.0.1")
    _fake_jdk(jvm, "java-21-openjdk")
    assert find_java_home(jvm, env={}) == jvm / "default-java"


def test_java_home_env_wins(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm, "temurin-25-jdk-amd64")
    assert find_java_home(jvm, env={"JAVA_HOME": "/opt/my-jdk"}) == Path("/opt/my-jdk")


def test_no_jdk_17_or_newer(tmp_path: Path) -> None:
    jvm = tmp_path / "jvm"
    _fake_jdk(jvm, "java-8-openjdk-amd64")
    _fake_jdk(jvm, "java-1.11.0-openjdk-amd64")
    assert find_java_home(jvm, env={}) is None
    assert find_java_home(tmp_path / "absent", env={}) is None


@pytest.mark.parametrize(
    ("name", "major"),
    [
        ("temurin-25-jdk-amd64", 25),
        ("java-17-openjdk-amd64", 17),
        ("java-1.17.0-openjdk-amd64", 17),
        ("java-1.8.0-openjdk-amd64", 8),
        ("openjdk-21", 21),
        ("default-java", None),
    ],
)
def test_java_version_from_directory_name(tmp_path: Path, name: str, major: int | None) -> None:
    assert _java_version_of(tmp_path / name) == major


def test_missing_jdk_is_a_launch_error(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher(java_home=isolated_env / "no-such-jdk")
    with pytest.raises(LaunchError) as err:
        launcher._resolve_java_home()
    assert "Keycloak needs a JDK 17+ and none was found" in str(err.value)
    assert "JAVA_HOME=" in str(err.value) and "fix:" in str(err.value)


# -- configuration ---------------------------------------------------------------------


def test_inherited_kc_variables_are_stripped(
    isolated_env: Path, fake_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KC_CACHE", "ispn")
    monkeypatch.setenv("KC_DB", "postgres")
    monkeypatch.setenv("kc_lower", "x")
    monkeypatch.setenv("JAVA", "/usr/bin/some-other-java")
    monkeypatch.setenv("DCR_KEEP_ME", "1")
    launcher = KeycloakDistLauncher(java_home=fake_java, admin_user="root", admin_password="s3cret-pw",
                                    port=18123, management_port=19123)
    argv, env = launcher._configure(isolated_env / "home")
    kc_vars = {k: v for k, v in env.items() if k.upper().startswith("KC_")}
    assert kc_vars == {"KC_BOOTSTRAP_ADMIN_USERNAME": "root", "KC_BOOTSTRAP_ADMIN_PASSWORD": "s3cret-pw"}
    assert "JAVA" not in env
    assert env["JAVA_HOME"] == str(fake_java)
    assert env["DCR_KEEP_ME"] == "1"
    assert argv == [
        str(isolated_env / "home" / "bin" / "kc.sh"),
        "start-dev",
        "--http-port=18123",
        "--http-host=127.0.0.1",
        "--http-management-port=19123",
    ]


def test_clean_env_keeps_everything_else() -> None:
    assert clean_env({"KC_X": "1", "PATH": "/bin", "JAVA": "j", "JAVA_OPTS": "-Xmx1g"}) == {
        "PATH": "/bin", "JAVA_OPTS": "-Xmx1g"}


@pytest.mark.parametrize("given", ["/auth", "auth", "/auth/", " auth/ "])
def test_relative_path_urls(isolated_env: Path, fake_java: Path, given: str) -> None:
    launcher = KeycloakDistLauncher(relative_path=given, port=18124, java_home=fake_java)
    assert launcher.base_url == "http://127.0.0.1:18124/auth"
    assert launcher.issuer("dcr") == "http://127.0.0.1:18124/auth/realms/dcr"
    argv, _ = launcher._configure(isolated_env)
    assert argv[-1] == "--http-relative-path=/auth"


@pytest.mark.parametrize("given", ["", "/"])
def test_no_relative_path(isolated_env: Path, fake_java: Path, given: str) -> None:
    launcher = KeycloakDistLauncher(relative_path=given, port=18125, java_home=fake_java)
    assert launcher.base_url == "http://127.0.0.1:18125"
    assert launcher.issuer() == "http://127.0.0.1:18125/realms/master"
    argv, _ = launcher._configure(isolated_env)
    assert not any(a.startswith("--http-relative-path") for a in argv)


def test_defaults_and_env_overrides(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    launcher = KeycloakDistLauncher()
    assert launcher.version == DEFAULT_VERSION == "26.7.3"
    assert launcher.cache_dir == isolated_env / "cache" / "keycloak"
    assert (launcher.admin_user, launcher.admin_password, launcher.host) == ("admin", "admin", "127.0.0.1")
    assert launcher.port != launcher.management_port
    assert launcher.ready_timeout == 300.0
    monkeypatch.setenv("DCR_KEYCLOAK_VERSION", "26.4.7")
    monkeypatch.setenv("KEYCLOAK_HOME", str(isolated_env / "kc"))
    other = KeycloakDistLauncher(keycloak_home=isolated_env / "ignored")
    assert other.version == "26.4.7"
    assert other.keycloak_home == isolated_env / "kc"
    assert KeycloakDistLauncher("26.5.6").version == "26.5.6"


# -- distribution ----------------------------------------------------------------------


def test_missing_maven_is_a_clear_error(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = isolated_env / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    launcher = KeycloakDistLauncher("0.0.1")
    with pytest.raises(LaunchError) as err:
        launcher._ensure_distribution()
    assert "Maven (mvn) is not on PATH" in err.value.message
    assert "keycloak-quarkus-dist-0.0.1.zip" in err.value.message
    assert err.value.hint is not None and "KEYCLOAK_HOME" in err.value.hint


def _fake_mvn(isolated_env: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = isolated_env / "bin"
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"
    mvn.write_text("#!/bin/sh\n" + script)
    mvn.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")


def test_failed_maven_download_quotes_its_output(
    isolated_env: Path, fake_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_mvn(isolated_env, "echo '[ERROR] Could not transfer artifact: Connection refused'\nexit 1\n", monkeypatch)
    launcher = KeycloakDistLauncher("0.0.2", java_home=fake_java)
    with pytest.raises(LaunchError) as err:
        launcher._ensure_distribution()
    assert "Maven could not download org.keycloak:keycloak-quarkus-dist:0.0.2:zip (exit 1)" in err.value.message
    assert "Connection refused" in err.value.message
    assert not launcher.zip_path.exists()
    assert not list(launcher.cache_dir.glob(".download-*"))


def test_a_version_maven_central_does_not_serve_is_one_line_naming_the_served_ones(
    isolated_env: Path, fake_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Maven prints for a missing release (observed for 26.7.4 on 2026-12-04)."""
    _fake_mvn(isolated_env, "echo '[ERROR] Failed to execute goal ... Could not find artifact "
              "org.keycloak:keycloak-quarkus-dist:zip:26.7.4 in central (https://repo.maven.apache.org/maven2)'\n"
              "echo '[ERROR] -> [Help 1]'\nexit 1\n", monkeypatch)
    launcher = KeycloakDistLauncher("26.7.4", java_home=fake_java)
    with pytest.raises(LaunchError) as err:
        launcher._ensure_distribution()
    line = str(err.value)
    assert "\n" not in line
    assert line.startswith("Keycloak 26.7.4 is not served by Maven Central")
    assert "served versions: 26.4.7, 26.5.0," in line and line.endswith("26.7.0, 26.7.3")
    assert not launcher.zip_path.exists()


def test_served_versions_run_from_26_4_7_to_the_default_in_order() -> None:
    from harness.products.keycloak.dist import SERVED_VERSIONS

    def key(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split("."))

    assert SERVED_VERSIONS[0] == "26.4.7" and SERVED_VERSIONS[-1] == DEFAULT_VERSION
    assert list(SERVED_VERSIONS) == sorted(set(SERVED_VERSIONS), key=key)


def _write_dist_zip(path: Path, version: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo(f"keycloak-{version}/bin/kc.sh")
        info.external_attr = (stat.S_IFREG | 0o755) << 16
        zf.writestr(info, "#!/bin/sh\necho fake\n")
        zf.writestr(f"keycloak-{version}/lib/lib/main/a.jar", "jar")
        zf.writestr(f"keycloak-{version}/conf/keycloak.conf", "# conf\n")
        zf.writestr(f"keycloak-{version}/lib/quarkus/build-system.properties", "pristine\n")


def test_zip_is_unpacked_once_atomically_with_modes(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher("9.9.9")
    _write_dist_zip(launcher.zip_path, "9.9.9")
    home = launcher._ensure_distribution()
    assert home == launcher.cache_dir / "keycloak-9.9.9"
    assert os.access(home / "bin" / "kc.sh", os.X_OK)
    assert not list(launcher.cache_dir.glob(".extract-*"))
    (home / "marker").write_text("kept")
    assert launcher._ensure_distribution() == home  # not unpacked again
    assert (home / "marker").read_text() == "kept"


def test_broken_zip_leaves_no_half_install(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher("9.9.8")
    launcher.zip_path.parent.mkdir(parents=True)
    launcher.zip_path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(LaunchError, match="is not a valid zip") as err:
        launcher._ensure_distribution()
    assert err.value.hint is not None and "delete" in err.value.hint
    assert not launcher.install_dir.exists()
    assert not list(launcher.cache_dir.glob(".extract-*"))


def test_zip_without_keycloak_layout(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher("9.9.7")
    launcher.zip_path.parent.mkdir(parents=True)
    with zipfile.ZipFile(launcher.zip_path, "w") as zf:
        zf.writestr("something-else/README", "x")
    with pytest.raises(LaunchError, match="does not contain keycloak-9.9.7/bin/kc.sh"):
        launcher._ensure_distribution()
    assert not launcher.install_dir.exists()


def test_per_run_home_shares_jars_but_not_data(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher("9.9.6")
    _write_dist_zip(launcher.zip_path, "9.9.6")
    install = launcher._ensure_distribution()
    (install / "data" / "h2").mkdir(parents=True)
    (install / "data" / "h2" / "keycloakdb.mv.db").write_text("someone else's realms")
    run_a = launcher._prepare_run_dir(install)
    run_b = launcher._prepare_run_dir(install)
    assert run_a != run_b
    for run in (run_a, run_b):
        assert not (run / "data").exists()
        assert os.access(run / "bin" / "kc.sh", os.X_OK)
        jar = run / "lib" / "lib" / "main" / "a.jar"
        assert jar.read_text() == "jar"
        assert jar.stat().st_ino == (install / "lib" / "lib" / "main" / "a.jar").stat().st_ino  # hard link
    (run_a / "conf" / "keycloak.conf").write_text("changed")
    assert (install / "conf" / "keycloak.conf").read_text() == "# conf\n"


def test_quarkus_build_is_reused_only_for_the_same_build_options(isolated_env: Path) -> None:
    root = KeycloakDistLauncher("9.9.5")
    auth = KeycloakDistLauncher("9.9.5", relative_path="/auth")
    assert root._augmented_dir() != auth._augmented_dir()
    assert root._augmented_dir() == KeycloakDistLauncher("9.9.5")._augmented_dir()
    _write_dist_zip(root.zip_path, "9.9.5")
    install = root._ensure_distribution()
    first = root._prepare_run_dir(install)
    assert (first / "lib" / "quarkus" / "build-system.properties").read_text() == "pristine\n"
    # the server "augments" at boot, then the launcher keeps that build
    (first / "lib" / "quarkus" / "build-system.properties").write_text("dev build\n")
    (first / "lib" / "quarkus" / "quarkus-application.dat").write_text("app")
    root._run_dir = first
    root._keep_augmentation()
    again = KeycloakDistLauncher("9.9.5")._prepare_run_dir(install)
    assert (again / "lib" / "quarkus" / "build-system.properties").read_text() == "dev build\n"
    other = auth._prepare_run_dir(install)
    assert (other / "lib" / "quarkus" / "build-system.properties").read_text() == "pristine\n"
    assert not list(root._augmented_dir().parent.glob(".aug-*"))


def test_keycloak_home_without_kc_sh(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEYCLOAK_HOME", str(isolated_env / "nothing-here"))
    with pytest.raises(LaunchError, match="has no bin/kc.sh"):
        KeycloakDistLauncher()._ensure_distribution()


# -- process lifetime ------------------------------------------------------------------


def test_process_that_dies_gives_the_log_tail(
    isolated_env: Path, fake_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fake_keycloak_home(
        isolated_env,
        'i=1; while [ $i -le 40 ]; do echo "boot line $i"; i=$((i+1)); done\n'
        'echo "ERROR: Failed to start server in (development) mode" >&2\nexit 1\n',
    )
    monkeypatch.setenv("KEYCLOAK_HOME", str(home))
    log_dir = isolated_env / "report"
    launcher = KeycloakDistLauncher(java_home=fake_java, log_dir=log_dir, ready_timeout=60)
    with pytest.raises(LaunchError) as err:
        with launcher:
            pass
    message = err.value.message
    assert message.startswith(f"Keycloak {DEFAULT_VERSION} exited with code 1 before it was ready")
    assert str(log_dir / "keycloak.log") in message
    assert "ERROR: Failed to start server in (development) mode" in message
    assert "boot line 40" in message
    assert "boot line 12\n" in message  # 29 boot lines + the error = the last 30
    assert "boot line 11\n" not in message
    assert launcher.log_path == log_dir / "keycloak.log"
    assert not launcher.running
    launcher.stop()  # idempotent


def test_process_never_ready_times_out_and_is_killed(
    isolated_env: Path, fake_java: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _fake_keycloak_home(isolated_env, 'echo "still booting"\ntrap "" TERM\nsleep 300 &\nwait\n')
    monkeypatch.setenv("KEYCLOAK_HOME", str(home))
    launcher = KeycloakDistLauncher(java_home=fake_java, log_dir=isolated_env / "r", ready_timeout=1.5)
    monkeypatch.setattr(keycloak_dist, "STOP_GRACE_S", 1.0)
    with pytest.raises(LaunchError) as err:
        launcher.start()
    assert f"not ready at http://127.0.0.1:{launcher.port}/realms/master after 2 s" in err.value.message
    assert "last: ConnectionError" in err.value.message
    assert "still booting" in err.value.message
    assert err.value.hint is not None and "ready_timeout" in err.value.hint
    assert not launcher.running
    assert launcher not in keycloak_dist._LIVE


def test_stop_before_start_is_a_no_op(isolated_env: Path) -> None:
    launcher = KeycloakDistLauncher()
    launcher.stop()
    launcher.stop()
    assert not launcher.running


# -- container -------------------------------------------------------------------------


def test_docker_available_gives_a_reason() -> None:
    ok, reason = docker_available()
    assert isinstance(ok, bool)
    assert reason and "\n" not in reason
    if not ok:
        assert reason.startswith(("no Docker engine at ", "the 'docker' Python package"))


def test_container_launcher_without_docker_fails_clearly() -> None:
    ok, reason = docker_available()
    if ok:
        pytest.skip("a Docker engine is available: the failure path cannot be shown here")
    launcher = KeycloakContainerLauncher("26.7.3")
    with pytest.raises(LaunchError) as err:
        launcher.start()
    assert err.value.message == f"cannot run quay.io/keycloak/keycloak:26.7.3: {reason}"
    with pytest.raises(LaunchError, match="not started"):
        _ = launcher.base_url
    launcher.stop()


@pytest.mark.container
def test_container_launcher_runs_keycloak(tmp_path: Path) -> None:
    ok, reason = docker_available()
    if not ok:
        pytest.skip(f"container launcher needs a Docker engine: {reason}")
    import requests

    with KeycloakContainerLauncher(log_dir=tmp_path) as kc:
        assert requests.get(f"{kc.base_url}/realms/master", timeout=10).status_code == 200


# -- external --------------------------------------------------------------------------


def test_external_unreachable_url() -> None:
    port = free_port()
    launcher = ExternalKeycloakLauncher(f"http://127.0.0.1:{port}")
    with pytest.raises(LaunchError) as err:
        launcher.start()
    assert err.value.message.startswith(
        f"external Keycloak at http://127.0.0.1:{port}/realms/master is not reachable: cannot connect:"
    )


def _app(status: int) -> Starlette:
    async def master(request):  # type: ignore[no-untyped-def]
        return JSONResponse({"realm": "master"} if status == 200 else {"error": "nope"}, status_code=status)

    return Starlette(routes=[Route("/realms/master", master), Route("/auth/realms/master", master)])


def test_external_wrong_answer_names_the_status() -> None:
    with BackgroundServer(_app(404), name="fake-kc") as server:
        with pytest.raises(LaunchError) as err:
            ExternalKeycloakLauncher(server.url).start()
    assert err.value.message == f"external Keycloak at {server.url}/realms/master answered HTTP 404, expected 200"
    assert err.value.hint is not None and "/auth" in err.value.hint


def test_external_reachable() -> None:
    with BackgroundServer(_app(200), name="fake-kc") as server:
        with ExternalKeycloakLauncher(server.url + "/auth/", "root", "pw") as ext:
            assert ext.base_url == f"{server.url}/auth"
            assert ext.issuer("dcr") == f"{server.url}/auth/realms/dcr"
            assert (ext.admin_user, ext.admin_password, ext.kind) == ("root", "pw", "external")
            assert isinstance(ext, IdpLauncher)


def test_external_rejects_a_non_http_url() -> None:
    with pytest.raises(LaunchError, match="is not an http\\(s\\) URL"):
        ExternalKeycloakLauncher("127.0.0.1:8080")
