"""A JWT lab: the harness gateway guarding one API, with an identity provider *you*
play, so any token can be forged and sent to it (notebook 03).

What is real: the gateway (:class:`harness.tyk.gateway.Gateway`, Tyk's decision order,
statuses and messages), served over HTTP with a JWKS URL source exactly as the
Dashboard configures it for the guides, and an echo upstream. What the lab adds: an
RSA signing key (harness.jose), a JWKS document on a loopback URL that you may change
at any time, a clock you can move, and token builders for the classic attacks. The
lab never decides anything itself: every verdict comes from the gateway, and
:meth:`JwtLab.call` returns its HTTP answer together with the gateway's
:class:`~harness.tyk.gateway.Decision` (which says why).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from jwcrypto import jwk

from harness.core.lifecycle import StartStop
from harness.core.transcript import Exchange, RecordingSession, Transcript
from harness.jose import generate_rsa, public_jwks, sign
from harness.jose.rawtokens import segment, sign_segments
from harness.tyk.gateway import Decision, Gateway
from harness.tyk.gateway.testing import DEFAULT_JWKS, GatewayKit, HarnessGateway, JwksDocument, policy

ORG = "lab-org"
API_ID = "lab-api"
POLICY_ID = "lab-policy"
OTHER_POLICY_ID = "other-api-policy"
LISTEN_PATH = "/lab-api/"


@dataclass(frozen=True)
class Answer:
    """What the gateway answered (``status``, ``body``) and why (``decision``)."""

    status: int
    body: Any
    decision: Decision | None
    exchange: Exchange | None

    @property
    def message(self) -> str:
        return str(self.body.get("error")) if isinstance(self.body, dict) and "error" in self.body else ""

    def _repr_html_(self) -> str:
        from harness.notebook.display import decision_view

        return decision_view(self.decision).html

    def __repr__(self) -> str:
        d = self.decision
        why = f" — {d.stage}: {d.reason}" if d is not None else ""
        return f"{self.status} {self.message or 'OK'}{why}"


class JwtLab(StartStop):
    """Use as ``with JwtLab() as lab:``. The API is the Keycloak guide's: JWT with
    ``jwt_signing_method`` rsa, the JWKS URL stored base64-encoded, identity ``sub``,
    policy field ``pol``, default policy ``lab-policy``; a second policy
    ``other-api-policy`` grants another API only. Built on the gateway testing kit
    (:mod:`harness.tyk.gateway.testing`): the gateway is configured through Tyk's REST API."""

    def __init__(self, *, identity_base_field: str = "sub", policy_field_name: str = "pol") -> None:
        self.transcript = Transcript()
        self.key: jwk.JWK = generate_rsa(kid="lab-key-1")
        #: A second RSA key the gateway does not trust (an attacker's own key).
        self.attacker_key: jwk.JWK = generate_rsa(kid="lab-key-1")
        self._offset = 0.0
        self._target = HarnessGateway(tyk_conf={"secret": "lab-gateway-secret"}, transcript=self.transcript,
                                      clock=self.now)
        self._kit = GatewayKit(gateway=self._target, jwks={DEFAULT_JWKS: JwksDocument.of(self.key)})
        #: The harness gateway behind the lab (its decisions say why it answered).
        self.gateway: Gateway = self._target.gateway
        self._api_fields: dict[str, Any] = {"jwt_identity_base_field": identity_base_field,
                                            "jwt_policy_field_name": policy_field_name}
        self.jwks_url = self.gateway_url = self.upstream_url = ""

    # ---- lifetime ---------------------------------------------------------------------
    def start(self) -> JwtLab:
        self._kit.start()
        self.jwks_url, self.upstream_url = self._kit.jwks_url(), self._kit.upstream_url
        self.gateway_url = self._kit.base_url
        self._kit.load([], {POLICY_ID: policy(name="Lab Policy", api_ids={API_ID: "Lab API"}, org_id=ORG),
                            OTHER_POLICY_ID: policy(name="Other API Policy", api_ids={"other-api": "Other API"},
                                                    org_id=ORG)})
        self.configure_api()
        return self

    def stop(self) -> None:
        self._kit.stop()

    # ---- what the gateway is told -----------------------------------------------------
    def configure_api(self, **fields: Any) -> dict[str, Any]:
        """(Re)load the lab API with ``fields`` changed (e.g. ``jwt_signing_method="hmac"``,
        ``jwt_source=...``, ``jwt_expires_at_validation_skew=30``); returns the definition."""
        self._api_fields.update(fields)
        # The Dashboard stores the JWKS URL base64-encoded (shared/reference/tyk.md).
        apidef = self._kit.api(api_id=API_ID, name="Lab API", listen_path=LISTEN_PATH, org_id=ORG,
                               default_policies=[POLICY_ID], **self._api_fields)
        self._kit.load([apidef], {})
        self._target.rest.invalidate_jwks_cache()
        return apidef

    def set_jwks(self, doc: Any) -> None:
        """Publish ``doc`` (any JSON) as the JWKS; the gateway's cache is emptied."""
        self._kit.jwks[DEFAULT_JWKS].set_doc(doc)
        self._target.rest.invalidate_jwks_cache()

    def publish_keys(self, *keys: jwk.JWK) -> None:
        """Publish the public halves of ``keys`` as the JWKS."""
        self.set_jwks(public_jwks(list(keys)))

    def public_key_pem(self) -> bytes:
        """The trusted key's public half as PEM — what anyone can read from the JWKS."""
        pem: bytes = self.key.export_to_pem(private_key=False)
        return pem

    # ---- time -------------------------------------------------------------------------
    def now(self) -> float:
        """The gateway's clock: real time plus :meth:`travel`'s offset."""
        return time.time() + self._offset

    def travel(self, seconds: float) -> None:
        """Move the gateway's clock (tokens keep the times they were minted with)."""
        self._offset += seconds

    # ---- tokens -----------------------------------------------------------------------
    def claims(self, **overrides: Any) -> dict[str, Any]:
        """Claims of a well-formed access token (sub, iat, exp in 5 minutes, iss);
        an override of ``None`` removes the claim."""
        now = int(self.now())
        out: dict[str, Any] = {"iss": "https://idp.lab.example", "sub": "lab-client", "iat": now, "exp": now + 300}
        for k, v in overrides.items():
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        return out

    def token(self, claims: dict[str, Any] | None = None, *, key: jwk.JWK | None = None, alg: str = "RS256",
              headers: dict[str, Any] | None = None) -> str:
        """A token signed by ``key`` (default: the trusted key) through harness.jose."""
        return sign(claims if claims is not None else self.claims(), key or self.key, alg=alg, headers=headers)

    def unsigned_token(self, claims: dict[str, Any] | None = None, *, alg: str = "none") -> str:
        """``alg: none`` with an empty signature (RFC 7519 §6 unsecured JWT)."""
        header = {"alg": alg, "typ": "JWT", "kid": self.key.get("kid")}
        return f"{segment(header)}.{segment(claims if claims is not None else self.claims())}."

    def hmac_token(self, secret: bytes, claims: dict[str, Any] | None = None, *, alg: str = "HS256",
                   kid: str | None = "lab-key-1") -> str:
        """An HS* token whose HMAC key is ``secret`` (e.g. the public key's PEM: the
        key-confusion attack, RFC 8725 §2.1)."""
        header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
        if kid is not None:
            header["kid"] = kid
        return sign_segments(segment(header), segment(claims if claims is not None else self.claims()), secret, alg)

    # ---- calling the gateway ----------------------------------------------------------
    def call(self, token: str | None, *, path: str = "get", scheme: str = "Bearer") -> Answer:
        """GET the lab API through the gateway with ``token`` (None: no Authorization)."""
        session = RecordingSession(self.transcript, actor="developer", target="gateway")
        headers = {} if token is None else {"Authorization": f"{scheme} {token}".strip()}
        before = len(self.gateway.decisions)
        with session:
            resp = session.get(self.gateway_url + LISTEN_PATH + path.lstrip("/"), headers=headers)
        try:
            body: Any = resp.json()
        except ValueError:
            body = resp.text
        decision = self.gateway.last_decision if len(self.gateway.decisions) > before else None
        exchanges = [e for e in self.transcript if e.actor == "developer"]
        return Answer(resp.status_code, body, decision, exchanges[-1] if exchanges else None)

