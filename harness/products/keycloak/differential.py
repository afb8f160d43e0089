"""Differential check: one exchange sequence played against two Keycloak-speaking
servers (the emulator and the real Keycloak), compared after normalisation.

The sequence follows the Keycloak guide (admin token, initial access token, RFC 7591
registration, client_credentials token, RFC 7592 management) and the error cases
around it (shared/reference/keycloak.md). Each exchange becomes an
:class:`Observation`: status, notable headers, the JSON body with volatile values
(ids, timestamps, tokens, key material, base URL, realm name) replaced by
placeholders, plus derived facts that only make sense within one run (e.g. "the
registration access token was rotated"). Two runs are equal when their
observations are equal; :func:`compare` lists every difference as
``exchange / field: emulator=... real=...``.

Used by ``tests/real_keycloak/test_differential.py``; the observations of a real
server are kept in ``fixtures/keycloak/observed-<version>.json`` for offline diffing.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from harness.jose import decode_unverified
from harness.products.keycloak.differential_admin import play_admin_section
from harness.products.keycloak.initial_access import TokenStillValid, wait_until_expired

log = logging.getLogger(__name__)

#: Response headers compared (lower-case). Absence is recorded as absence.
NOTABLE_HEADERS: tuple[str, ...] = ("content-type", "cache-control", "pragma", "www-authenticate", "location")

#: Security headers Keycloak's filter adds to most answers (not to unmatched paths),
#: compared on the exchanges of the admin/method section (``security_headers=True``).
SECURITY_HEADERS: tuple[str, ...] = (
    "x-frame-options", "x-content-type-options", "referrer-policy", "strict-transport-security", "allow",
)

#: Fields whose *values* change from run to run; only their JSON type is compared.
VOLATILE_FIELDS: frozenset[str] = frozenset(
    {
        # secrets and tokens
        "access_token", "refresh_token", "id_token", "token", "client_secret",
        "registration_access_token", "session_state", "sid",
        # identifiers
        "id", "jti", "sub", "kid",
        # times
        "iat", "exp", "nbf", "auth_time", "timestamp", "client_id_issued_at",
        # key material
        "n", "x5c", "x5t", "x5t#S256",
        # admin REST API (realm keys, users, clients; observed 26.7.3)
        "certificate", "publicKey", "validTo", "createdTimestamp",
        "client.secret.creation.time", "containerId", "parentId",
    }
)

#: Lifetimes Keycloak computes as ``exp - now`` when it writes the response, so a
#: request that straddles a second boundary reports one second less (observed on
#: 26.7.3 under load: ``expires_in: 299``, ``refresh_expires_in: 1799``). Compared
#: rounded to the nearest multiple of 5 seconds.
LIFETIME_FIELDS: frozenset[str] = frozenset({"expires_in", "refresh_expires_in"})

#: Discovery fields whose values are compared (the others: presence only). These are
#: the ones a DCR client, a portal or a gateway reads.
DISCOVERY_VALUE_FIELDS: tuple[str, ...] = (
    "issuer",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
    "introspection_endpoint",
    "grant_types_supported",
    "token_endpoint_auth_methods_supported",
    "token_endpoint_auth_signing_alg_values_supported",
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "scopes_supported",
    "claims_supported",
)

#: The guide's registration metadata (Tyk portal, Keycloak driver; shared/seeds/).
GUIDE_METADATA: dict[str, Any] = {
    "client_name": "dcr-harness differential",
    "grant_types": ["client_credentials"],
    "response_types": ["token"],
    "token_endpoint_auth_method": "client_secret_post",
}

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_GARBAGE_TOKEN = "not-a-jwt.garbage.token"
#: Seconds of life of the initial access token the sequence lets expire.
SHORT_IAT_EXPIRATION_S = 1


def _type_tag(value: Any) -> str:
    if isinstance(value, bool):
        return "<bool>"
    if isinstance(value, int):
        return "<int>"
    if isinstance(value, float):
        return "<float>"
    if isinstance(value, str):
        if _JWT_RE.fullmatch(value):
            return "<jwt>"
        if _UUID_RE.fullmatch(value):
            return "<uuid>"
        return "<str>" if value else "<empty-str>"
    if value is None:
        return "<null>"
    if isinstance(value, list):
        return "<list>"
    return "<object>"


class Normaliser:
    """Replaces run-specific values by stable placeholders.

    Known values (base URL, realm name, client ids) become named labels
    (``{base}``, ``{realm}``, ``{client_a}``) so relations are still checked (a
    ``registration_client_uri`` must end with *this* client's id); values of
    :data:`VOLATILE_FIELDS` become a type tag (``<uuid>``, ``<jwt>``, ``<int>``);
    UUIDs and JWTs inside other strings become ``<uuid>`` / ``<jwt>``. Lists of
    scalars are sorted: no ordering in this protocol carries meaning, and Keycloak
    itself emits some lists (algorithms, JWKS keys) in hash order.
    """

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}

    def label(self, value: str, name: str) -> None:
        if value:
            self.labels[value] = "{" + name + "}"

    def text(self, s: str) -> str:
        if s in self.labels:
            return self.labels[s]
        for value in sorted(self.labels, key=len, reverse=True):
            if value in s:
                s = s.replace(value, self.labels[value])
        s = _JWT_RE.sub("<jwt>", s)
        return _UUID_RE.sub("<uuid>", s)

    def value(self, obj: Any, key: str | None = None) -> Any:
        if key in VOLATILE_FIELDS:
            if isinstance(obj, str) and obj in self.labels:
                return self.labels[obj]
            if isinstance(obj, list):
                return [_type_tag(v) for v in obj]
            return _type_tag(obj)
        if key in LIFETIME_FIELDS and isinstance(obj, int) and not isinstance(obj, bool):
            return 5 * round(obj / 5)
        if isinstance(obj, dict):
            return {str(k): self.value(v, str(k)) for k, v in sorted(obj.items())}
        if isinstance(obj, list):
            items = [self.value(v) for v in obj]
            # No list here carries an order: JWK Set "keys" (RFC 7517 §5.1: the order
            # implies no preference), grant/response types, roles, *_supported values.
            # Keycloak itself emits several of them in hash order.
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
            return items
        if isinstance(obj, str):
            if key == "scope":
                # a space-separated set (RFC 6749 §3.3): Keycloak emits it in hash order
                return " ".join(sorted(self.text(obj).split()))
            return self.text(obj)
        return obj


@dataclass
class Observation:
    """One exchange, normalised: what is compared between two servers."""

    name: str
    request: str  # "POST {base}/realms/{realm}/..."
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    derived: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Observation:
        return cls(**data)


@dataclass(frozen=True)
class Difference:
    """One field that differs; ``emulator`` is the first run compared, ``real`` the second."""

    exchange: str
    field: str
    emulator: Any
    real: Any
    labels: tuple[str, str] = ("emulator", "real")

    def __str__(self) -> str:
        a, b = self.labels
        return f"[{self.exchange}] {self.field}: {a}={self.emulator!r} {b}={self.real!r}"


class SequenceError(AssertionError):
    """The sequence could not go on (a step the next ones depend on failed)."""


class DifferentialRun:
    """Plays the differential sequence (:meth:`_play`) against one server and collects observations.

    ``base_url`` is the server root (with any ``/auth`` relative path). A fresh realm
    (random name) is created and deleted again, so the run shares nothing with other
    users of the server. ``wait_for_expiry`` waits for the short-lived initial access
    token to expire (polls the clock to a bounded deadline).
    """

    def __init__(
        self,
        base_url: str,
        admin_user: str = "admin",
        admin_password: str = "admin",
        *,
        session: requests.Session | None = None,
        realm: str | None = None,
        timeout: float = 30.0,
        expiry_deadline_s: float = 15.0,
    ) -> None:
        self.base = base_url.rstrip("/")
        self.admin_user = admin_user
        self.admin_password = admin_password
        self.http = session or requests.Session()
        self.realm = realm or f"dcrdiff{secrets.token_hex(4)}"
        self.timeout = timeout
        self.expiry_deadline_s = expiry_deadline_s
        self.norm = Normaliser()
        self.norm.label(self.base, "base")
        self.norm.label(self.realm, "realm")
        self.observations: list[Observation] = []
        self.facts: dict[str, Any] = {}

    # -- plumbing ----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.base + path.replace("{realm}", self.realm)

    def exchange(
        self,
        name: str,
        method: str,
        path: str,
        *,
        expect: int | Iterable[int] | None = None,
        derive: Callable[[requests.Response, Any], dict[str, Any]] | None = None,
        security_headers: bool = False,
        **kwargs: Any,
    ) -> tuple[requests.Response, Any]:
        """Send one request, record its normalised observation, return (response, raw JSON).
        ``expect`` names statuses the rest of the sequence depends on (else SequenceError)."""
        url = path if path.startswith("http") else self._url(path)
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        resp = self.http.request(method, url, **kwargs)
        try:
            raw: Any = resp.json() if resp.content else None
        except ValueError:
            raw = None
        if raw is not None:
            body: Any = self.norm.value(raw)
        elif resp.content:
            body = "text:" + self.norm.text(resp.text[:300])
        else:
            body = None
        compared = NOTABLE_HEADERS + (SECURITY_HEADERS if security_headers else ())
        headers = {h: self.norm.text(_norm_header(h, resp.headers[h])) for h in compared if h in resp.headers}
        obs = Observation(
            name=name,
            request=f"{method} {self.norm.text(url)}",
            status=resp.status_code,
            headers=headers,
            body=body,
        )
        if derive is not None:
            obs.derived = derive(resp, raw)
        self.observations.append(obs)
        if expect is not None:
            allowed = {expect} if isinstance(expect, int) else set(expect)
            if resp.status_code not in allowed:
                raise SequenceError(
                    f"{name}: {obs.request} answered {resp.status_code}, the sequence needs "
                    f"{sorted(allowed)}; body: {json.dumps(body)[:400]}"
                )
        return resp, raw

    def observe(self, name: str, what: str, data: dict[str, Any], derived: dict[str, Any] | None = None) -> None:
        """Record a non-HTTP observation (a token's header or claims)."""
        self.observations.append(
            Observation(name=name, request=what, status=None, body=self.norm.value(data), derived=derived or {})
        )

    def _admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.facts['admin_token']}"}

    def _register(self, name: str, metadata: Any, token: str | None, *, expect: Any = None,
                  content_type: str = "application/json", raw_body: str | None = None) -> tuple[requests.Response, Any]:
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = raw_body if raw_body is not None else json.dumps(metadata)
        return self.exchange(name, "POST", "/realms/{realm}/clients-registrations/openid-connect",
                             headers=headers, data=data, expect=expect)

    def _token(self, name: str, form: dict[str, str], *, auth: tuple[str, str] | None = None,
               expect: Any = None) -> tuple[requests.Response, Any]:
        return self.exchange(name, "POST", "/realms/{realm}/protocol/openid-connect/token",
                             data=form, auth=auth, expect=expect)

    def _create_iat(self, name: str, expiration: int, count: int) -> str:
        _, raw = self.exchange(
            name, "POST", "/admin/realms/{realm}/clients-initial-access",
            headers=self._admin_headers(), json={"expiration": expiration, "count": count}, expect=(200, 201),
        )
        return str(raw["token"])

    def _wait_expired(self, token: str) -> None:
        """Wait until the clock is past the token's own ``exp`` (bounded poll)."""
        try:
            wait_until_expired(token, expiration=SHORT_IAT_EXPIRATION_S, deadline_s=self.expiry_deadline_s)
        except TokenStillValid as exc:
            raise SequenceError(str(exc)) from None

    # -- the sequence ------------------------------------------------------------------

    def play(self) -> list[Observation]:
        """Run the whole sequence (cleaning up its realm) and return the observations."""
        try:
            self._play()
        finally:
            if "admin_token" in self.facts:
                try:
                    self.http.delete(self._url("/admin/realms/{realm}"), headers=self._admin_headers(), timeout=self.timeout)
                except requests.RequestException:
                    log.warning("could not delete differential realm %s", self.realm)
        return self.observations

    def _play(self) -> None:
        # --- admin: token (password grant, admin-cli) and a fresh realm -----------------
        _, raw = self.exchange(
            "admin.token", "POST", "/realms/master/protocol/openid-connect/token",
            data={"grant_type": "password", "client_id": "admin-cli",
                  "username": self.admin_user, "password": self.admin_password},
            expect=200,
        )
        self.facts["admin_token"] = raw["access_token"]
        self.exchange("admin.wrong_password", "POST", "/realms/master/protocol/openid-connect/token",
                      data={"grant_type": "password", "client_id": "admin-cli",
                            "username": self.admin_user, "password": "wrong-" + secrets.token_hex(4)})
        self.exchange("admin.create_realm", "POST", "/admin/realms", headers=self._admin_headers(),
                      json={"realm": self.realm, "enabled": True}, expect=201)
        self.exchange("admin.no_token", "POST", "/admin/realms/{realm}/clients-initial-access",
                      json={"expiration": 60, "count": 1})

        # --- discovery and keys ---------------------------------------------------------
        self.exchange("discovery", "GET", "/realms/{realm}/.well-known/openid-configuration",
                      expect=200, derive=_discovery_derive)
        # compare values of the fields that matter, presence of the rest
        disc = self.observations[-1]
        disc.body = {k: (v if k in DISCOVERY_VALUE_FIELDS else _type_tag(v)) for k, v in (disc.body or {}).items()}
        _, jwks = self.exchange("jwks", "GET", "/realms/{realm}/protocol/openid-connect/certs", expect=200)
        self.facts["jwks_kids"] = {k.get("kid"): k.get("use") for k in jwks.get("keys", [])}

        # --- initial access tokens (admin REST API) ---------------------------------------
        iat = self._create_iat("iat.create", expiration=600, count=10)
        iat_once = self._create_iat("iat.create_count_1", expiration=600, count=1)
        iat_short = self._create_iat("iat.create_short_lived", expiration=SHORT_IAT_EXPIRATION_S, count=5)
        _, short_claims = decode_unverified(iat_short)
        self.observe("iat.claims", "initial access token claims", short_claims,
                     {"exp_minus_iat": int(short_claims.get("exp", 0)) - int(short_claims.get("iat", 0))})

        # --- RFC 7591 registration: errors before any success ------------------------------
        self._register("register.no_token", GUIDE_METADATA, None)
        self._register("register.garbage_token", GUIDE_METADATA, _GARBAGE_TOKEN)
        self._register("register.non_json_content_type", None, None, content_type="text/plain",
                       raw_body=json.dumps(GUIDE_METADATA))
        self._register("register.malformed_json", None, None, raw_body='{"client_name": ')
        self._register("register.client_id_in_body", {**GUIDE_METADATA, "client_id": "chosen-by-caller"}, iat)
        self._register("register.unknown_metadata", {**GUIDE_METADATA, "tyk_policy_id": "abc"}, iat)
        self._register("register.disallowed_scope", {**GUIDE_METADATA, "scope": "openid"}, iat)

        # --- successful registration (the guide's metadata) --------------------------------
        _, client_a = self._register("register.guide_metadata", GUIDE_METADATA, iat, expect=201)
        self.norm.label(client_a["client_id"], "client_a")
        self.observations[-1].body = self.norm.value(client_a)  # re-normalise with the label
        self.observations[-1].derived = {
            "registration_client_uri_is_own": client_a.get("registration_client_uri")
            == f"{self.base}/realms/{self.realm}/clients-registrations/openid-connect/{client_a['client_id']}",
        }
        secret_a = client_a["client_secret"]

        # grant_types [client_credentials] without response_types, no auth method (default basic)
        _, client_c = self._register(
            "register.client_credentials_only", {"client_name": "dcr-harness cc only", "grant_types": ["client_credentials"]},
            iat, expect=201,
        )
        self.norm.label(client_c["client_id"], "client_c")
        self.observations[-1].body = self.norm.value(client_c)

        # an initial access token of count 1: first use works, second is refused
        _, client_b = self._register(
            "register.defaults_with_redirect",
            {"client_name": "dcr-harness defaults", "redirect_uris": ["http://127.0.0.1:9/cb"]},
            iat_once, expect=201,
        )
        self.norm.label(client_b["client_id"], "client_b")
        self.observations[-1].body = self.norm.value(client_b)
        self._register("register.iat_exhausted", GUIDE_METADATA, iat_once)

        # an expired initial access token
        self._wait_expired(iat_short)
        self._register("register.iat_expired", GUIDE_METADATA, iat_short)

        # --- token endpoint (client_credentials) ------------------------------------------
        cid = client_a["client_id"]
        _, tok = self._token("token.client_secret_post",
                             {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret_a},
                             expect=200)
        header, claims = decode_unverified(tok["access_token"])
        self.observe("access_token.header", "access token JOSE header", header,
                     {"kid_is_realm_sig_key": self.facts["jwks_kids"].get(header.get("kid")) == "sig"})
        self.observe("access_token.claims", "access token claims", claims, {
            "exp_minus_iat": int(claims.get("exp", 0)) - int(claims.get("iat", 0)),
            # within a second: see LIFETIME_FIELDS
            "exp_minus_iat_matches_expires_in": abs(
                int(claims.get("exp", 0)) - int(claims.get("iat", 0)) - int(tok.get("expires_in", -99))) <= 1,
            "jti_prefix": str(claims.get("jti", "")).split(":")[0] if ":" in str(claims.get("jti", "")) else None,
            "sub_is_uuid": bool(_UUID_RE.fullmatch(str(claims.get("sub", "")))),
        })
        # 26.7.x stores client_secret_post and then refuses Basic credentials for this client
        self._token("token.client_secret_basic", {"grant_type": "client_credentials"}, auth=(cid, secret_a))
        cid_c, secret_c = client_c["client_id"], client_c["client_secret"]
        self._token("token.basic_client_basic", {"grant_type": "client_credentials"}, auth=(cid_c, secret_c))
        self._token("token.basic_client_post",
                    {"grant_type": "client_credentials", "client_id": cid_c, "client_secret": secret_c})
        self._token("token.wrong_secret",
                    {"grant_type": "client_credentials", "client_id": cid, "client_secret": "wrong-" + secrets.token_hex(8)})
        self._token("token.wrong_secret_basic", {"grant_type": "client_credentials"},
                    auth=(cid, "wrong-" + secrets.token_hex(8)))
        self._token("token.unknown_client",
                    {"grant_type": "client_credentials", "client_id": "no-such-client", "client_secret": "x" * 12})
        self._token("token.missing_grant_type", {"client_id": cid, "client_secret": secret_a})
        self._token("token.unsupported_grant_type",
                    {"grant_type": "urn:example:nonsense", "client_id": cid, "client_secret": secret_a})
        self._token("token.no_service_account",
                    {"grant_type": "client_credentials", "client_id": client_b["client_id"],
                     "client_secret": client_b["client_secret"]})

        # --- RFC 7592 client configuration -------------------------------------------------
        rat = client_a["registration_access_token"]
        uri = client_a["registration_client_uri"]
        _, read = self.exchange("manage.read", "GET", uri, headers={"Authorization": f"Bearer {rat}"}, expect=200,
                                derive=lambda r, raw: {"rat_rotated": (raw or {}).get("registration_access_token") not in (None, rat)})
        self.exchange("manage.read_garbage_token", "GET", uri, headers={"Authorization": f"Bearer {_GARBAGE_TOKEN}"})
        self.exchange("manage.read_no_token", "GET", uri)
        self.exchange("manage.read_with_initial_access_token", "GET", uri, headers={"Authorization": f"Bearer {iat}"})
        rat_now = (read or {}).get("registration_access_token") or rat
        _, updated = self.exchange(
            "manage.update_name", "PUT", uri,
            headers={"Authorization": f"Bearer {rat_now}"},
            json={"client_id": cid, "client_name": "dcr-harness renamed"},
            expect=200,
            derive=lambda r, raw: {
                "rat_rotated": (raw or {}).get("registration_access_token") not in (None, rat_now),
                "secret_kept": (raw or {}).get("client_secret") == secret_a,
            },
        )
        new_rat = updated["registration_access_token"]
        self.exchange("manage.update_without_client_id", "PUT", uri, headers={"Authorization": f"Bearer {new_rat}"},
                      json={"client_name": "no id"})
        self.exchange("manage.read_stale_token", "GET", uri, headers={"Authorization": f"Bearer {rat_now}"})
        _, after = self.exchange("manage.read_after_update", "GET", uri, headers={"Authorization": f"Bearer {new_rat}"},
                                 expect=200)
        after_rat = (after or {}).get("registration_access_token") or new_rat
        self._token("token.after_update", {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret_a})
        _, regrant = self.exchange(
            "manage.update_grant_types", "PUT", uri, headers={"Authorization": f"Bearer {after_rat}"},
            json={"client_id": cid, "grant_types": ["client_credentials"], "token_endpoint_auth_method": "client_secret_post"},
            expect=200,
        )
        after_rat = regrant["registration_access_token"]
        # a field the body omits keeps its value (redirect_uris), observed 26.7.x
        self.exchange(
            "manage.update_keeps_redirect_uris", "PUT", client_b["registration_client_uri"],
            headers={"Authorization": f"Bearer {client_b['registration_access_token']}"},
            json={"client_id": client_b["client_id"], "client_name": "dcr-harness defaults renamed"},
        )
        self.exchange("manage.delete", "DELETE", uri, headers={"Authorization": f"Bearer {after_rat}"}, expect=204)
        self.exchange("manage.read_after_delete", "GET", uri, headers={"Authorization": f"Bearer {after_rat}"})
        self._token("token.deleted_client",
                    {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret_a})
        self.facts["iat"] = iat
        play_admin_section(self)


def _norm_header(name: str, value: str) -> str:
    if name == "content-type":
        return value.replace(" ", "").lower()
    return value


def _discovery_derive(resp: requests.Response, raw: Any) -> dict[str, Any]:
    raw = raw or {}
    return {"registration_endpoint_under_issuer": str(raw.get("registration_endpoint", "")).startswith(
        str(raw.get("issuer", "")) + "/")}


# -- comparison ----------------------------------------------------------------------------


def _flatten(obj: Any, prefix: str) -> dict[str, Any]:
    if isinstance(obj, dict):
        out: dict[str, Any] = {}
        if not obj:
            out[prefix] = {}
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}.{k}"))
        return out
    return {prefix: obj}


_MISSING = "<absent>"


def compare(
    emulator: list[Observation], real: list[Observation], *, labels: tuple[str, str] = ("emulator", "real")
) -> list[Difference]:
    """Every difference between two runs, exchange by exchange, field by field."""
    diffs: list[Difference] = []
    e_names = [o.name for o in emulator]
    r_names = [o.name for o in real]
    if e_names != r_names:
        diffs.append(Difference("<sequence>", "exchange names", e_names, r_names, labels))
    real_by_name = {o.name: o for o in real}
    for e in emulator:
        r = real_by_name.get(e.name)
        if r is None:
            continue
        for part in ("request", "status", "headers", "body", "derived"):
            ef = _flatten(getattr(e, part), part)
            rf = _flatten(getattr(r, part), part)
            for key in sorted(set(ef) | set(rf), key=str):
                ev, rv = ef.get(key, _MISSING), rf.get(key, _MISSING)
                if ev != rv:
                    diffs.append(Difference(e.name, key, ev, rv, labels))
    return diffs


def format_differences(diffs: list[Difference]) -> str:
    if not diffs:
        return "no differences"
    a, b = diffs[0].labels
    return f"{len(diffs)} difference(s) between {a} and {b}:\n" + "\n".join(f"  {d}" for d in diffs)


def snapshot(observations: list[Observation], *, version: str | None, server: str) -> dict[str, Any]:
    """A JSON-ready record of one run (already normalised: no secrets, no ports)."""
    return {
        "server": server,
        "version": version,
        "exchanges": [o.to_dict() for o in observations],
    }


def load_snapshot(data: dict[str, Any]) -> list[Observation]:
    return [Observation.from_dict(o) for o in data["exchanges"]]


def record(base_url: str, out: str, *, version: str | None, server: str,
           admin_user: str = "admin", admin_password: str = "admin") -> list[Observation]:
    """Play the sequence against ``base_url`` and write its normalised snapshot to ``out``."""
    run = DifferentialRun(base_url, admin_user, admin_password)
    observations = run.play()
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(snapshot(observations, version=version, server=server), fh, indent=1, sort_keys=False)
        fh.write("\n")
    return observations


def main(argv: list[str] | None = None) -> int:
    """``python -m harness.products.keycloak.differential URL --out FILE [--version V]``: record a snapshot."""
    import argparse

    parser = argparse.ArgumentParser(description="Record the normalised differential sequence of one server.")
    parser.add_argument("base_url", help="server root, e.g. http://127.0.0.1:8080 (with /auth if used)")
    parser.add_argument("--out", required=True, help="JSON file to write")
    parser.add_argument("--version", default=None, help="product version, stored in the snapshot")
    parser.add_argument("--server", default="keycloak", help="label stored in the snapshot")
    parser.add_argument("--admin-user", default="admin")
    parser.add_argument("--admin-password", default="admin")
    args = parser.parse_args(argv)
    obs = record(args.base_url, args.out, version=args.version, server=args.server,
                 admin_user=args.admin_user, admin_password=args.admin_password)
    logging.basicConfig(level=logging.INFO)
    log.info("recorded %d observations into %s", len(obs), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
