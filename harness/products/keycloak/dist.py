"""Run the real Keycloak server from its official distribution (no Docker needed).

The distribution is the Maven Central artifact ``org.keycloak:keycloak-quarkus-dist``
(type ``zip``), fetched once into a cache outside the repository and unpacked once.
Each server then runs from its own per-run copy of that install (jars hard-linked,
everything Keycloak writes copied), so two servers never share H2 data, augmentation
output (``lib/quarkus``) or temp files. Facts: shared/reference/keycloak.md,
"Running the real server".

Shape (shared/STYLE.md §2): constructor defaults, ``_configure()`` for argv/env,
``start()`` then ``wait_ready()`` to a deadline (a timeout error shows the log tail),
``base_url``/``issuer(realm)``, and a context manager that kills the process group
when start fails.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Mapping
from pathlib import Path

from harness.core.errors import LaunchError
from harness.core.lifecycle import StartStop
from harness.core.processes import LOG_TAIL_LINES, ChildProcess, log_tail, wait_http_ready
from harness.core.serving import free_port
from harness.products.keycloak.profile import KeycloakProfile

log = logging.getLogger(__name__)

#: Keycloak release run by default: the newest checked (shared/reference/keycloak.md), the
#: one the default profile models — so the emulator and the real server agree by default.
DEFAULT_VERSION = KeycloakProfile().version
#: Releases of ``org.keycloak:keycloak-quarkus-dist`` from 26.4.7 to :data:`DEFAULT_VERSION`
#: that Maven Central serves to the harness (``--idp-version``), oldest first. Source: the
#: Maven download itself, tried on 2026-12-04 (``mvn dependency:get -Dartifact=
#: org.keycloak:keycloak-quarkus-dist:<version>:pom``; 26.5.6 also as the zip): these
#: resolved; 26.4.6, 26.6.0, 26.7.1 and 26.7.4 were "Could not find artifact". A version
#: not listed is still tried (the list may be stale); when Maven cannot find it, the error
#: is one line naming these (:func:`not_served`).
SERVED_VERSIONS: tuple[str, ...] = (
    "26.4.7", "26.5.0", "26.5.1", "26.5.2", "26.5.3", "26.5.4", "26.5.5", "26.5.6", "26.7.0", "26.7.3",
)
#: What Maven prints when the repository has no such artifact (maven-resolver's
#: ArtifactNotFoundException: "Could not find artifact <coords> in central (<url>)").
_NOT_FOUND = re.compile(r"Could not find artifact|ArtifactNotFoundException|was not found in")
#: Env var overriding the version (``DCR_KEYCLOAK_VERSION=26.4.7``).
ENV_VERSION = "DCR_KEYCLOAK_VERSION"
#: Env var overriding the cache root (the Keycloak cache is ``<root>/keycloak``).
ENV_CACHE = "DCR_HARNESS_CACHE"
#: Env var naming an existing Keycloak install to run as is (no download, no copy).
ENV_KEYCLOAK_HOME = "KEYCLOAK_HOME"
#: Admin bootstrap env vars, Keycloak >= 26.0
#: (https://www.keycloak.org/server/bootstrap-admin-recovery).
ENV_BOOTSTRAP_USER = "KC_BOOTSTRAP_ADMIN_USERNAME"
ENV_BOOTSTRAP_PASSWORD = "KC_BOOTSTRAP_ADMIN_PASSWORD"
#: Maven coordinates of the distribution (type zip).
MAVEN_ARTIFACT = "org.keycloak:keycloak-quarkus-dist:{version}:zip"
#: Approximate download size, for the progress message.
APPROX_ZIP_MB = 177
#: Oldest JDK Keycloak 26 runs on.
MIN_JAVA = 17
#: Where Debian/Ubuntu install JDKs.
JVM_ROOT = Path("/usr/lib/jvm")
#: Seconds to wait after SIGTERM before SIGKILL.
STOP_GRACE_S = 20.0


def not_served(version: str) -> str:
    """The one line for a version Maven Central does not serve, naming those it does."""
    return (f"Keycloak {version} is not served by Maven Central "
            f"({MAVEN_ARTIFACT.format(version=version)} not found); served versions: {', '.join(SERVED_VERSIONS)}")


def default_cache_dir() -> Path:
    """``$DCR_HARNESS_CACHE/keycloak``, else ``~/.cache/dcr-harness/keycloak``."""
    root = os.environ.get(ENV_CACHE)
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "dcr-harness"
    return base / "keycloak"


def _java_version_of(home: Path) -> int | None:
    """Major version of the JDK at ``home``: from its ``release`` file (``JAVA_VERSION="25.0.1"``),
    else from the directory name (``temurin-25-jdk-amd64``, ``java-1.17.0-openjdk-amd64``)."""
    release = home / "release"
    text = ""
    try:
        text = release.read_text(errors="replace")
    except OSError:
        pass
    m = re.search(r'^JAVA_VERSION="?([0-9][0-9.]*)', text, re.M)
    raw = m.group(1) if m else None
    if raw is None:
        m = re.search(r"(?:^|[-_])(1\.[0-9]+|[0-9]+)(?:[.\-_]|$)", home.name)
        raw = m.group(1) if m else None
    if raw is None:
        return None
    parts = raw.split(".")
    try:
        major = int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(parts[0])
    except ValueError:
        return None
    return major


def find_java_home(jvm_root: Path = JVM_ROOT, env: Mapping[str, str] | None = None) -> Path | None:
    """``$JAVA_HOME`` when set, else the newest JDK (by major version, >= 17) under
    ``jvm_root`` that has ``bin/java``; ``None`` when there is none."""
    env = os.environ if env is None else env
    if env.get("JAVA_HOME"):
        return Path(env["JAVA_HOME"])
    if not jvm_root.is_dir():
        return None
    best: tuple[int, str, Path] | None = None
    for entry in sorted(jvm_root.iterdir()):
        if not (entry / "bin" / "java").is_file():
            continue
        major = _java_version_of(entry)
        if major is None or major < MIN_JAVA:
            continue
        # Prefer the real directory over a symlink to it (same version, same JDK).
        key = (major, "1" if not entry.is_symlink() else "0", entry)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2] if best else None


def clean_env(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without any ``KC_*`` variable (Keycloak reads every ``KC_*`` as an option:
    an inherited ``KC_CACHE`` makes it refuse to start) and without ``JAVA`` (kc.sh would
    prefer it over the ``JAVA_HOME`` we set)."""
    return {k: v for k, v in base.items() if not k.upper().startswith("KC_") and k != "JAVA"}


def _normalise_relative_path(path: str) -> str:
    path = (path or "").strip()
    if path in ("", "/"):
        return ""
    return "/" + path.strip("/")


# Launchers still running, stopped at interpreter exit with their per-run files (the
# process itself is also stopped by ChildProcess's own nets). A strong set: a launcher
# nobody references any more must still be stopped.
_LIVE: set[KeycloakDistLauncher] = set()


@atexit.register
def _stop_all() -> None:
    for launcher in list(_LIVE):
        try:
            launcher.stop()
        except Exception:  # noqa: BLE001 - best effort at exit
            log.exception("could not stop %s", launcher)


class KeycloakDistLauncher(StartStop):
    """The real Keycloak server in dev mode (``kc.sh start-dev``) on a loopback port."""

    kind = "keycloak-dist"
    profile = "keycloak"

    def __init__(
        self,
        version: str | None = None,
        *,
        cache_dir: Path | str | None = None,
        keycloak_home: Path | str | None = None,
        admin_user: str = "admin",
        admin_password: str = "admin",
        host: str = "127.0.0.1",
        port: int | None = None,
        management_port: int | None = None,
        relative_path: str = "",
        log_dir: Path | str | None = None,
        ready_timeout: float = 300.0,
        java_home: Path | str | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.version: str | None = version or os.environ.get(ENV_VERSION) or DEFAULT_VERSION
        self.cache_dir = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
        env_home = os.environ.get(ENV_KEYCLOAK_HOME)
        home = env_home or keycloak_home
        self.keycloak_home: Path | None = Path(home).expanduser() if home else None
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.host = host
        self.port = port or free_port(host)
        self.management_port = management_port or free_port(host)
        self.relative_path = _normalise_relative_path(relative_path)
        self.log_dir = Path(log_dir) if log_dir else None
        self.log_path: Path | None = None
        #: Plain HTTP on loopback: no certificate to trust.
        self.ca_bundle: str | None = None
        self.ready_timeout = ready_timeout
        self.java_home: Path | None = Path(java_home) if java_home else None
        self.extra_args = list(extra_args or [])
        self.boot_seconds: float | None = None
        # The server process: stopped with its group on stop(), at interpreter exit and
        # when the harness dies (ChildProcess: atexit + parent-death signal).
        self._child: ChildProcess | None = None
        self._run_dir: Path | None = None
        self._lock = threading.Lock()

    # -- addresses -------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}{self.relative_path}"

    def issuer(self, realm: str = "master") -> str:
        return f"{self.base_url}/realms/{realm}"

    def __repr__(self) -> str:
        return f"KeycloakDistLauncher(version={self.version!r}, base_url={self.base_url!r})"

    # -- distribution ----------------------------------------------------------------

    @property
    def zip_path(self) -> Path:
        return self.cache_dir / f"keycloak-quarkus-dist-{self.version}.zip"

    @property
    def install_dir(self) -> Path:
        return self.cache_dir / f"keycloak-{self.version}"

    def _ensure_distribution(self) -> Path:
        """The Keycloak install to run: ``KEYCLOAK_HOME`` as is, else the cached
        distribution (downloaded with Maven and unpacked once, atomically)."""
        if self.keycloak_home is not None:
            if not (self.keycloak_home / "bin" / "kc.sh").is_file():
                raise LaunchError(
                    f"KEYCLOAK_HOME={self.keycloak_home} has no bin/kc.sh",
                    hint="point KEYCLOAK_HOME at an unpacked Keycloak distribution or unset it",
                )
            return self.keycloak_home
        if (self.install_dir / "bin" / "kc.sh").is_file():
            return self.install_dir
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if not self.zip_path.is_file():
            self._download()
        self._extract()
        return self.install_dir

    def _download(self) -> None:
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LaunchError(
                f"Keycloak {self.version} is not cached at {self.zip_path} and Maven (mvn) is not on PATH",
                hint="install Maven, or download the keycloak-quarkus-dist zip there, or set KEYCLOAK_HOME",
            )
        log.info("downloading Keycloak %s (~%d MB) with Maven into %s", self.version, APPROX_ZIP_MB, self.cache_dir)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=".download-", dir=self.cache_dir) as tmp:
            cmd = [
                mvn, "-q", "-B", "dependency:copy",
                f"-Dartifact={MAVEN_ARTIFACT.format(version=self.version)}",
                f"-DoutputDirectory={tmp}",
            ]
            env = dict(os.environ)
            java_home = self._resolve_java_home()
            env["JAVA_HOME"] = str(java_home)
            res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1800)
            fetched = Path(tmp) / self.zip_path.name
            if res.returncode != 0 and _NOT_FOUND.search(res.stdout + res.stderr):
                log.debug("Maven's output: %s", (res.stdout + res.stderr).strip())
                raise LaunchError(not_served(str(self.version)))
            if res.returncode != 0 or not fetched.is_file():
                tail = "\n".join((res.stdout + res.stderr).strip().splitlines()[-LOG_TAIL_LINES:])
                raise LaunchError(
                    f"Maven could not download {MAVEN_ARTIFACT.format(version=self.version)} "
                    f"(exit {res.returncode}):\n{tail}",
                    hint="check the version exists on Maven Central and that the registry is reachable",
                )
            os.replace(fetched, self.zip_path)
        log.info("downloaded Keycloak %s in %.0f s", self.version, time.monotonic() - started)

    def _extract(self) -> None:
        """Unzip into a temp dir next to the target, then rename: an interrupted
        extraction never leaves a half install at ``install_dir``."""
        log.info("unpacking %s", self.zip_path.name)
        tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=self.cache_dir))
        try:
            try:
                with zipfile.ZipFile(self.zip_path) as zf:
                    for info in zf.infolist():
                        target = Path(zf.extract(info, tmp))
                        mode = (info.external_attr >> 16) & 0o777
                        if mode and not info.is_dir():
                            target.chmod(mode)
            except zipfile.BadZipFile as exc:
                raise LaunchError(
                    f"{self.zip_path} is not a valid zip ({exc})",
                    hint=f"delete {self.zip_path} so it is downloaded again",
                ) from exc
            top = tmp / f"keycloak-{self.version}"
            if not (top / "bin" / "kc.sh").is_file():
                raise LaunchError(
                    f"{self.zip_path} does not contain keycloak-{self.version}/bin/kc.sh",
                    hint=f"delete {self.zip_path} so it is downloaded again",
                )
            try:
                os.rename(top, self.install_dir)
            except OSError:
                if not (self.install_dir / "bin" / "kc.sh").is_file():
                    raise  # not a lost race with another extractor
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _resolve_java_home(self) -> Path:
        home = self.java_home or find_java_home()
        if home is None or not (home / "bin" / "java").is_file():
            where = f"JAVA_HOME={home}" if home else f"no JDK >= {MIN_JAVA} under {JVM_ROOT}"
            raise LaunchError(
                f"Keycloak needs a JDK {MIN_JAVA}+ and none was found ({where})",
                hint="install a JDK 17+ (e.g. apt-get install openjdk-17-jdk-headless) or set JAVA_HOME",
            )
        self.java_home = home
        return home

    def _prepare_run_dir(self, install: Path) -> Path:
        """A private home for this server: jars hard-linked (copied across file systems),
        ``bin``/``conf``/``lib/quarkus``/... copied, no ``data/``. Keycloak writes only
        there, so servers never share H2 state or augmentation output."""
        runs = self.cache_dir / "runs"
        runs.mkdir(parents=True, exist_ok=True)
        _remove_stale_runs(runs)
        run = Path(tempfile.mkdtemp(prefix=f"kc-{self.version}-", dir=runs))

        def link_or_copy(src: str, dst: str) -> object:
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)
            return dst

        for entry in install.iterdir():
            if entry.name == "data":
                continue  # a fresh, empty data/ for every server
            target = run / entry.name
            if entry.name == "lib":
                target.mkdir()
                for sub in entry.iterdir():
                    if sub.name == "lib" and sub.is_dir():
                        # read-only jars (~170 MB): hard links cost nothing
                        shutil.copytree(sub, target / sub.name, copy_function=link_or_copy, symlinks=True)
                    elif sub.is_dir():
                        shutil.copytree(sub, target / sub.name, symlinks=True)
                    else:
                        shutil.copy2(sub, target / sub.name)
            elif entry.is_dir():
                shutil.copytree(entry, target, symlinks=True)
            else:
                shutil.copy2(entry, target)
        augmented = self._augmented_dir()
        if (augmented / "quarkus-application.dat").is_file():
            # Reuse the Quarkus build of an earlier server with the same build options:
            # kc.sh then skips the ~20 s re-augmentation ("Updating the configuration ...").
            shutil.rmtree(run / "lib" / "quarkus")
            shutil.copytree(augmented, run / "lib" / "quarkus")
        return run

    def _augmented_dir(self) -> Path:
        """Where the ``lib/quarkus`` build output of a dev-mode server with these build
        options is kept (keyed by version, JDK, relative path and extra arguments: the
        build is only valid for the same build-time options and the same JVM)."""
        java = self.java_home or find_java_home()
        key = hashlib.sha256(
            json.dumps(["start-dev", self.version, str(java), self.relative_path, self.extra_args]).encode()
        ).hexdigest()[:12]
        return self.cache_dir / "augmented" / f"{self.version}-{key}"

    def _keep_augmentation(self) -> None:
        """After a successful boot, keep this server's ``lib/quarkus`` for the next one
        (copied to a temp dir, then renamed: never a half copy)."""
        if self._run_dir is None:
            return
        target = self._augmented_dir()
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".aug-", dir=target.parent))
        try:
            shutil.copytree(self._run_dir / "lib" / "quarkus", tmp / "quarkus")
            os.rename(tmp / "quarkus", target)
        except OSError as exc:
            log.debug("not keeping the Quarkus build: %s", exc)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    # -- configuration ---------------------------------------------------------------

    def _configure(self, home: Path) -> tuple[list[str], dict[str, str]]:
        """argv and environment for ``kc.sh start-dev`` (shared/reference/keycloak.md)."""
        argv = [
            str(home / "bin" / "kc.sh"),
            "start-dev",
            f"--http-port={self.port}",
            f"--http-host={self.host}",
            f"--http-management-port={self.management_port}",
        ]
        if self.relative_path:
            # Keycloak >= 17 has no /auth prefix; this restores the legacy layout.
            argv.append(f"--http-relative-path={self.relative_path}")
        argv.extend(self.extra_args)
        env = clean_env(os.environ)
        env[ENV_BOOTSTRAP_USER] = self.admin_user
        env[ENV_BOOTSTRAP_PASSWORD] = self.admin_password
        env["JAVA_HOME"] = str(self._resolve_java_home())
        return argv, env

    # -- lifetime --------------------------------------------------------------------

    def start(self) -> KeycloakDistLauncher:
        with self._lock:
            if self._child is not None and self._child.running:
                return self
            install = self._ensure_distribution()
            self._resolve_java_home()
            if self.keycloak_home is not None:
                home = install
                # Running someone's install as is: its data/ dir is theirs to manage.
            else:
                home = self._prepare_run_dir(install)
                self._run_dir = home
            argv, env = self._configure(home)
            log_dir = self.log_dir or Path(tempfile.mkdtemp(prefix="dcr-harness-keycloak-log-"))
            log_dir.mkdir(parents=True, exist_ok=True)
            self.log_path = log_dir / "keycloak.log"
            log.info(
                "starting Keycloak %s on %s (java %s, log %s)",
                self.version, self.base_url, env["JAVA_HOME"], self.log_path,
            )
            self._started_at = time.monotonic()
            child = ChildProcess(f"Keycloak {self.version}", argv, log_path=self.log_path, cwd=home, env=env,
                                 stop_grace=STOP_GRACE_S, append=False)
            try:
                child.start()
            except OSError as exc:
                self._cleanup_files()
                raise LaunchError(f"cannot run {argv[0]}: {exc.strerror}") from exc
            self._child = child
            _LIVE.add(self)
            if self._run_dir is not None:
                (self._run_dir / ".dcr-harness.pid").write_text(str(child.pid))
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self) -> None:
        """Poll ``GET <base>/realms/master`` until 200, to a deadline; fail fast if the
        JVM exits; on timeout the error carries the last log lines."""
        assert self._child is not None, "start() first"
        self.boot_seconds = wait_http_ready(self._child, f"{self.base_url}/realms/master",
                                            name=f"Keycloak {self.version}", started_at=self._started_at,
                                            timeout=self.ready_timeout, interval=0.5)
        self._keep_augmentation()
        log.info("Keycloak %s ready at %s in %.0f s", self.version, self.base_url, self.boot_seconds)

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        return log_tail(self.log_path, lines)

    @property
    def running(self) -> bool:
        return self._child is not None and self._child.running

    def stop(self) -> None:
        """SIGTERM the process group, wait, then SIGKILL. Idempotent."""
        with self._lock:
            child, self._child = self._child, None
            if child is not None:
                if child.running:
                    log.info("stopping Keycloak %s at %s", self.version, self.base_url)
                # The JVM may outlive the kc.sh wrapper: the whole group goes.
                child.stop()
            _LIVE.discard(self)
            self._cleanup_files()

    def _cleanup_files(self) -> None:
        if self._run_dir is not None:
            shutil.rmtree(self._run_dir, ignore_errors=True)
            self._run_dir = None



def _remove_stale_runs(runs: Path) -> None:
    """Delete per-run homes left by a process that was killed (its pid is gone)."""
    for run in runs.glob("kc-*"):
        pid_file = run / ".dcr-harness.pid"
        try:
            pid = int(pid_file.read_text())
        except (OSError, ValueError):
            # no pid yet: only stale if old (another launcher may be preparing it)
            try:
                if time.time() - run.stat().st_mtime > 3600:
                    shutil.rmtree(run, ignore_errors=True)
            except OSError:
                pass
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(run, ignore_errors=True)
        except PermissionError:
            pass
