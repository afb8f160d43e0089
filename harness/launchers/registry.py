"""The one launcher registry: which class runs for each launcher kind, what a URL means,
which options each takes, and the help text every face shows.

Every face goes through it: ``dcr-harness run``/``serve``/``idp serve``, the pytest plugin
(``--idp``, the ``idp`` fixture, the check items) and the notebooks' Guide. A launcher is
found by its *role* (``idp`` today; ``gateway`` for the gateway the World runs) and its
*kind* (``--idp emulator``), then by the wire *profile* it must speak (``keycloak``,
``gluu``; a gateway speaks ``tyk``). The table below is the only place that knows these
combinations; :data:`IdpKind` is the only list of IdP kinds (the scenario schema's
``idp.launcher`` uses it).

Launcher modules are imported lazily, when one is built: choosing the emulator never
imports testcontainers or Docker, and choosing a real server never imports the emulator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast, get_args

from harness.core.containers import docker_available
from harness.core.errors import ConfigError
from harness.core.tls import CertificateKind, TlsFiles, idp_tls_dir
from harness.core.tls import generate as generate_tls
from harness.products.base import IdpLauncher

if TYPE_CHECKING:  # importing the gateway package is not free; only building one needs it
    from harness.tyk.gateway.launcher import GatewayLauncher

#: What a launcher provides: an identity provider, the API gateway, or a *reference*
#: IdP — an independent server that ``dcr-harness check`` and the tests judge (issue 16),
#: with no Tyk guide of its own, so not a kind the faces' ``--idp`` offers.
Role = Literal["idp", "gateway", "reference"]
#: IdP launcher kinds, in the order shown to users (``--idp``, ``idp.launcher``).
IdpKind = Literal["emulator", "keycloak-dist", "container", "external"]
#: Gateway launcher kinds, in the order shown to users (``--gateway``; a URL means ``external``).
GatewayKind = Literal["harness", "tyk-oss", "container", "external"]
#: The gateway a run uses unless told otherwise: the harness's own.
DEFAULT_GATEWAY = "harness"
#: Reference IdP kinds (``make_reference``).
ReferenceKind = Literal["hydra", "spring-as"]
#: The wire profile every gateway speaks.
TYK = "tyk"
#: The profile of a reference IdP: the RFC text only, no product quirk.
GENERIC = "generic"
#: How the gateway launchers' user options are called by every face (``--gateway-secret``;
#: the notebooks' ``Guide.open(gateway_secret=...)`` says the same in its errors).
GATEWAY_OPTION_NAMES: dict[str, str] = {"secret": "--gateway-secret", "tyk_bin": "--tyk-bin"}

_ROLE_NAMES: dict[str, str] = {"idp": "IdP", "gateway": "gateway", "reference": "reference IdP"}
_COMMON = frozenset({"admin_user", "admin_password"})


@dataclass(frozen=True)
class Product:
    """The class one kind runs for one profile, and what its constructor takes."""

    #: Shown in errors: "the keycloak-dist launcher runs Keycloak".
    name: str
    #: ``package.module:Class``, imported only when built.
    target: str
    #: Constructor keywords a caller may pass through the registry.
    options: frozenset[str]
    #: Serves HTTPS with certificate files the harness generates (``ssl_certfile``,
    #: ``ssl_keyfile`` and the Protocol's ``ca_bundle``).
    tls: bool = False
    #: Keeps its server log in the report directory (``log_dir``).
    log_dir: bool = False

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    def load(self) -> Callable[..., Any]:
        module, _, name = self.target.partition(":")
        return cast(Callable[..., Any], getattr(import_module(module), name))


@dataclass(frozen=True)
class LauncherSpec:
    """One kind of launcher of one role."""

    role: Role
    kind: str
    #: What the kind is, for help texts (after the kind's name, in parentheses).
    summary: str
    #: The class run for each profile, in the order shown to users.
    products: Mapping[str, Product] = field(hash=False)
    #: Connects to a server someone else runs at a URL: the kind a URL value means.
    url: bool = False
    #: What the machine must have (e.g. "a Docker engine"), and how to find out.
    needs: str | None = None
    available: Callable[..., tuple[bool, str]] | None = None
    #: Options of the kind that change what is available (``tyk_bin``): passed to ``available``.
    available_options: frozenset[str] = frozenset()
    #: How a user provides what ``needs`` names (one line), shown beside the reason.
    provide: Callable[[], str] | None = None
    #: Its progress (download, build, boot) is always logged, not only with ``-v``.
    progress: bool = False
    #: Starting one costs tens of seconds (a JVM, a container): suites of scenarios start
    #: one per worker and share it between the scenarios that ask for the same options
    #: (:class:`harness.scenario.suite.LauncherPool`); a cheap kind starts one per scenario.
    shared: bool = False

    def availability(self, **options: Any) -> tuple[bool, str]:
        """``(True, ...)`` when this machine can run the kind, else ``(False, one-line reason)``.
        ``options``: the launcher options given; those in ``available_options`` are considered."""
        if self.available is None:
            return True, "nothing to check"
        return self.available(**{k: v for k, v in options.items() if k in self.available_options and v is not None})


def _tyk_oss_available(tyk_bin: str | None = None) -> tuple[bool, str]:
    """A Tyk gateway binary and redis-server (imported only when asked)."""
    from harness.tyk.gateway.tyk_oss import availability

    return availability(tyk_bin)


def _tyk_oss_provide() -> str:
    """Where to put a Tyk binary (and redis-server) so that ``tyk-oss`` finds them."""
    from harness.tyk.gateway.redis_server import INSTALL_HINT
    from harness.tyk.gateway.tyk_oss import no_binary_hint

    return f"{no_binary_hint()}; redis-server: {INSTALL_HINT}"


_SPECS: tuple[LauncherSpec, ...] = (
    LauncherSpec("idp", "emulator", "", {
        "keycloak": Product("the Keycloak emulator", "harness.products.keycloak.emulator.launcher:KeycloakEmulatorLauncher",
                            _COMMON | {"relative_path", "version", "host", "port"}, tls=True),
        "gluu": Product("the Gluu emulator", "harness.products.gluu.emulator.launcher:GluuEmulatorLauncher",
                        _COMMON | {"version", "key_seed", "host", "port"}, tls=True),
    }),
    LauncherSpec("idp", "keycloak-dist", "real Keycloak from Maven Central", {
        "keycloak": Product("Keycloak", "harness.products.keycloak.dist:KeycloakDistLauncher",
                            _COMMON | {"version", "relative_path", "host", "port"}, log_dir=True),
    }, progress=True, shared=True),
    # Gluu 4 has no official container; its open-source successor Janssen has one
    # (harness/products/gluu/container.py, docs/gluu-vs-janssen.md).
    LauncherSpec("idp", "container", "Docker: Keycloak, or Janssen for the gluu profile", {
        "keycloak": Product("Keycloak", "harness.products.keycloak.container:KeycloakContainerLauncher",
                            _COMMON | {"version", "relative_path"}, log_dir=True),
        "gluu": Product("Janssen", "harness.products.gluu.container:JanssenContainerLauncher",
                        _COMMON | {"version"}, log_dir=True),
    }, needs="a Docker engine", available=docker_available, progress=True, shared=True),
    LauncherSpec("idp", "external", "a URL of an external IdP", {
        "keycloak": Product("Keycloak", "harness.products.keycloak.external:ExternalKeycloakLauncher", _COMMON),
    }, url=True, progress=True),
    # Reference IdPs: independent servers built by the harness itself (no Docker). They are
    # check targets, not guide IdPs: the guide's steps (admin API, realm, initial access
    # token) are Keycloak's and Gluu's, so ``run``/``serve`` do not offer them.
    LauncherSpec("reference", "hydra", "Ory Hydra built through the Go module proxy", {
        GENERIC: Product("Ory Hydra", "harness.products.hydra.launcher:HydraLauncher",
                         frozenset({"version", "host", "port"}), log_dir=True),
    }, progress=True),
    LauncherSpec("reference", "spring-as", "Spring Authorization Server built with Maven", {
        GENERIC: Product("Spring Authorization Server", "harness.products.spring_as.launcher:SpringAsLauncher",
                         frozenset({"version", "host", "port"}), log_dir=True),
    }, progress=True),
    LauncherSpec("gateway", "harness", "the harness's own Tyk-compatible gateway", {
        TYK: Product("the harness gateway", "harness.tyk.gateway.launcher:HarnessGatewayLauncher",
                     frozenset({"tyk_conf", "transcript", "clock", "host", "port"})),
    }),
    # The harness cannot build Tyk here (the Go module proxy refuses its module): it runs a
    # binary the user has (harness/tyk/gateway/tyk_oss.py says where it looks).
    LauncherSpec("gateway", "tyk-oss", "the real open-source Tyk gateway: a Tyk binary you provide, and redis-server", {
        TYK: Product("the Tyk gateway", "harness.tyk.gateway.tyk_oss:TykOssGatewayLauncher",
                     frozenset({"tyk_conf", "tyk_bin", "host", "port"}), log_dir=True),
    }, needs="a Tyk gateway binary and redis-server", available=_tyk_oss_available,
        available_options=frozenset({"tyk_bin"}), provide=_tyk_oss_provide, progress=True),
    LauncherSpec("gateway", "container", "Docker: tykio/tyk-gateway with Redis", {
        TYK: Product("the Tyk gateway image", "harness.tyk.gateway.container:TykContainerLauncher",
                     frozenset({"tyk_conf", "host", "port"}), log_dir=True),
    }, needs="a Docker engine", available=docker_available, progress=True),
    LauncherSpec("gateway", "external", "a URL of a running Tyk gateway (with --gateway-secret)", {
        TYK: Product("a Tyk gateway", "harness.tyk.gateway.external:ExternalGatewayLauncher", frozenset({"secret"})),
    }, url=True, progress=True),
)
_BY_KEY: dict[tuple[str, str], LauncherSpec] = {(s.role, s.kind): s for s in _SPECS}
assert tuple(s.kind for s in _SPECS if s.role == "idp") == get_args(IdpKind), "IdpKind and the table disagree"
assert tuple(s.kind for s in _SPECS if s.role == "gateway") == get_args(GatewayKind), "GatewayKind and the table disagree"
assert tuple(s.kind for s in _SPECS if s.role == "reference") == get_args(ReferenceKind), "ReferenceKind and the table disagree"

#: IdP kinds, in the order shown to users.
KINDS: tuple[str, ...] = get_args(IdpKind)
#: Loggers of the launchers whose progress (download, build, boot) is always shown.
PROGRESS_LOGGERS: tuple[str, ...] = tuple(dict.fromkeys(
    p.module for s in _SPECS if s.progress for p in s.products.values()))


# ---- looking kinds up ---------------------------------------------------------------------

def is_url(value: str) -> bool:
    """The one rule for every ``--idp``-style value: one containing ``://`` is the address
    of a server someone else runs (``--idp https://sso.example.com/auth``), not a kind."""
    return "://" in value


def specs(role: Role = "idp") -> tuple[LauncherSpec, ...]:
    """The kinds of ``role``, in the order shown to users."""
    return tuple(s for s in _SPECS if s.role == role)


def kinds(role: Role = "idp") -> tuple[str, ...]:
    return tuple(s.kind for s in specs(role))


def profiles(role: Role = "idp") -> tuple[str, ...]:
    """Every profile some kind of ``role`` runs (``keycloak``, ``gluu``), in table order."""
    return tuple(dict.fromkeys(p for s in specs(role) for p in s.products))


def spec(kind: str, role: Role = "idp") -> LauncherSpec:
    """The spec of ``kind``; ConfigError naming every kind of ``role`` when it has none."""
    found = _BY_KEY.get((role, kind))
    if found is None:
        raise ConfigError(f"unknown {_ROLE_NAMES[role]} launcher kind {kind!r}",
                          hint=f"use one of: {', '.join(kinds(role))}")
    return found


def url_kind(role: Role = "idp") -> str | None:
    """The kind a URL means for ``role`` (``external``), or None when it has none yet."""
    return next((s.kind for s in specs(role) if s.url), None)


def resolve(value: str, *, role: Role = "idp", option: str | None = None) -> tuple[str, str | None]:
    """``(kind, url)`` for a value given by a user: a URL means the role's external kind
    (:func:`is_url`), anything else must be a kind of the role.

    ``option`` names where the value came from (``--idp``) for the error, which lists the
    kinds: ``--idp 'x' is not a launcher; use one of emulator, ... or an http(s) URL``."""
    target = url_kind(role)
    if is_url(value) and target is not None:
        return target, value
    if (role, value) in _BY_KEY:
        return value, None
    if option is None:
        spec(value, role)  # raises the registry's own error
    names = ", ".join(kinds(role))
    raise ConfigError(f"{option} {value!r} is not a launcher; use one of {names}"
                      + (" or an http(s) URL" if target is not None else ""))


def help_text(role: Role = "idp", *, default: str | None = None, note: str = "default") -> str:
    """The kinds of ``role`` for an option's help, e.g. "emulator (default), keycloak-dist
    (real Keycloak from Maven Central), container (Docker: ...), or a URL of an external IdP"."""
    parts: list[str] = []
    for s in specs(role):
        if s.url:
            parts.append(s.summary)
            continue
        details = [d for d in (note if s.kind == default else "", s.summary) if d]
        parts.append(f"{s.kind} ({'; '.join(details)})" if details else s.kind)
    return (", ".join(parts[:-1]) + f", or {parts[-1]}") if len(parts) > 1 else parts[0]


def unavailable(kind: str, role: Role = "idp", **options: Any) -> str | None:
    """Why this machine cannot run ``kind`` ("--idp container needs a Docker engine: no
    Docker engine at ..."), or None when it can. Faces skip (pytest) or fail early with it.
    ``options``: the launcher options given (``tyk_bin``), for kinds whose availability
    depends on them."""
    s = spec(kind, role)
    ok, reason = s.availability(**options)
    return None if ok else f"--{role} {kind} needs {s.needs}: {reason}"


def how_to_provide(kind: str, role: Role = "idp") -> str | None:
    """How a user gives this machine what ``kind`` needs (one line), or None when the kind
    names no way: said beside :func:`unavailable`'s reason where a face skips."""
    s = spec(kind, role)
    return s.provide() if s.provide is not None else None


def accepts(kind: str, option: str, role: Role = "idp") -> bool:
    """Does some class of ``kind`` (a kind or a URL) take ``option``? E.g. only the
    harness gateway takes a ``clock`` the World can move."""
    kind, _ = resolve(kind, role=role)
    return any(option in p.options for p in spec(kind, role).products.values())


# ---- building -----------------------------------------------------------------------------

def _product(s: LauncherSpec, profile: str) -> Product:
    found = s.products.get(profile)
    if found is not None:
        return found
    mine = list(s.products)
    others = [o.kind for o in specs(s.role) if profile in o.products]
    if not others:
        raise ConfigError(f"unknown {s.kind} profile {profile!r}", hint=f"use one of: {', '.join(mine)}")
    runs = " or ".join(p.name for p in s.products.values())
    raise ConfigError(f"the {s.kind} launcher runs {runs}, not {profile!r}",
                      hint=f"use --{s.role} {' or '.join(others)} for the {profile} profile, "
                           f"or --{s.role}-profile {' or '.join(mine)}")


def _where(role: Role, option: str) -> str:
    """Where ``option`` applies: "--idp emulator with profile gluu, ..."."""
    one = len(profiles(role)) == 1  # every gateway speaks tyk: no profile to name
    return ", ".join(f"--{role} {s.kind}" + ("" if one else f" with profile {p}") for s in specs(role)
                     for p, prod in s.products.items() if option in prod.options) or "no launcher"


def _build(s: LauncherSpec, profile: str, *, report_dir: Path | None, url: str | None,
           tls: CertificateKind | TlsFiles | None, names: Mapping[str, str], options: dict[str, Any]) -> Any:
    product = _product(s, profile)
    given = {k: v for k, v in options.items() if v is not None}
    for name in given:
        if name not in product.options:
            raise ConfigError(f"{names.get(name, name)} does not apply to the {s.kind} launcher of {product.name}",
                              hint=f"it applies to {_where(s.role, name)}")
    if s.url:
        if not url:
            in_file = ", or set idp.url in the scenario" if s.role == "idp" else ""
            raise ConfigError(f"the {s.kind} {_ROLE_NAMES[s.role]} launcher needs a URL",
                              hint=f"pass --{s.role} http://host:port{in_file}")
        given["base_url"] = url
    if tls is not None:
        if not product.tls:
            with_tls = " or ".join(dict.fromkeys(k.kind for k in specs(s.role)
                                                 if any(p.tls for p in k.products.values())))
            label = names.get("tls", "tls")
            raise ConfigError(f"{label} generates a certificate for the {with_tls}; the {s.kind} launcher "
                              f"serves its own TLS", hint=f"turn {label} off, or use --{s.role} {with_tls}")
        if isinstance(tls, TlsFiles):
            files = tls
        else:
            if report_dir is None:
                raise ConfigError("a generated TLS certificate needs a report directory to live in")
            files = generate_tls(idp_tls_dir(report_dir), tls)
        given.update(ssl_certfile=str(files.certfile), ssl_keyfile=str(files.keyfile), ca_bundle=str(files.ca_bundle))
    if product.log_dir and report_dir is not None:
        given["log_dir"] = Path(report_dir)
    return product.load()(**given)


def make_launcher(
    kind: str,
    *,
    profile: str = "keycloak",
    report_dir: Path | str | None = None,
    url: str | None = None,
    tls: CertificateKind | TlsFiles | None = None,
    names: Mapping[str, str] | None = None,
    **options: Any,
) -> IdpLauncher:
    """An IdP launcher (not started) of ``kind`` — or of the external kind when ``kind`` is
    a URL — running ``profile``.

    ``options`` go to the launcher's constructor (``admin_user``, ``admin_password``,
    ``version``, ``relative_path``, ``key_seed``, ``host``, ``port``: each only where the
    table says the class takes it; ``None`` means "not given"). ``url`` is the address of
    the external kind (ignored by kinds that start their own server). ``tls`` asks for
    HTTPS with a certificate the harness generates into ``<report_dir>/tls/`` (its kind:
    ``self-signed``/``ca-signed``) or given as files; the launcher's ``ca_bundle`` then
    names what clients trust. ``report_dir`` also keeps the server log of real servers.
    ``names`` maps option names to how the caller calls them in errors (``idp.key_seed``).

    Raises ConfigError, one line naming what to fix: an unknown kind, a profile the kind
    does not run, an option the class does not take, the external kind without a URL,
    TLS for a kind that serves its own.
    """
    kind, given_url = resolve(kind)
    s = spec(kind)
    report = Path(report_dir) if report_dir is not None else None
    built = _build(s, profile, report_dir=report, url=given_url or url, tls=tls, names=names or {}, options=options)
    return cast(IdpLauncher, built)


def make_gateway(
    kind: str = DEFAULT_GATEWAY,
    *,
    report_dir: Path | str | None = None,
    offered: Mapping[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
    **options: Any,
) -> GatewayLauncher:
    """A gateway launcher (not started) of ``kind`` — or of the external kind when ``kind``
    is a URL (``--gateway https://gw.example.com``).

    ``options`` are what the user gave (``secret``, ``tyk_bin``; ``None`` = not given): each
    must apply to the kind, else ConfigError naming where it applies. ``offered`` are what
    the World can give any gateway (``tyk_conf``, ``transcript``, ``clock``, ``host``,
    ``port``): each passed only to a class that takes it. ``report_dir`` keeps a real
    gateway's log. ``names``: how the caller calls the options in errors (default: the
    CLI flags, :data:`GATEWAY_OPTION_NAMES`)."""
    kind, url = resolve(kind, role="gateway", option="--gateway")
    s = spec(kind, "gateway")
    takes = _product(s, TYK).options
    given = {k: v for k, v in (offered or {}).items() if k in takes}
    given.update(options)
    built = _build(s, TYK, report_dir=Path(report_dir) if report_dir is not None else None, url=url, tls=None,
                   names=names if names is not None else GATEWAY_OPTION_NAMES, options=given)
    return cast("GatewayLauncher", built)


def make_reference(kind: str, *, report_dir: Path | str | None = None, **options: Any) -> IdpLauncher:
    """A reference IdP launcher (not started): ``hydra`` or ``spring-as``, profile
    ``generic`` (no product quirk applies). ``options``: ``version``, ``host``, ``port``;
    ``report_dir`` keeps the server log."""
    s = spec(kind, "reference")
    report = Path(report_dir) if report_dir is not None else None
    built = _build(s, GENERIC, report_dir=report, url=None, tls=None, names={}, options=options)
    return cast(IdpLauncher, built)
