"""TLS: generated certificates, an HTTPS IdP, and what the skip flags and CA bundles do."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import requests
from cryptography import x509
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from urllib3.exceptions import InsecureRequestWarning

from harness.conformance.model import Verdict
from harness.core.errors import ConfigError
from harness.core.serving import BackgroundServer
from harness.core.tls import generate, generate_ca_signed, generate_self_signed
from harness.core.transcript import describe_transport_error
from harness.scenario.loader import parse_scenario
from harness.scenario.runner import make_idp, run_scenario

_APP = Starlette(routes=[Route("/", lambda r: JSONResponse({"ok": True}))])


def _sans(path: Path) -> list[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return sorted([str(i) for i in san.get_values_for_type(x509.IPAddress)] + san.get_values_for_type(x509.DNSName))


def test_self_signed_certificate_is_its_own_ca_bundle(tmp_path: Path) -> None:
    files = generate_self_signed(tmp_path)
    assert files.kind == "self-signed" and files.ca_bundle == files.certfile
    assert _sans(files.certfile) == ["127.0.0.1", "localhost"]
    assert files.keyfile.stat().st_mode & 0o777 == 0o600


def test_ca_signed_certificate_chain(tmp_path: Path) -> None:
    files = generate_ca_signed(tmp_path)
    assert files.kind == "ca-signed" and files.ca_bundle == tmp_path / "ca.crt"
    chain = x509.load_pem_x509_certificates(files.certfile.read_bytes())
    ca = x509.load_pem_x509_certificate(files.ca_bundle.read_bytes())
    assert len(chain) == 2 and chain[1] == ca
    assert chain[0].issuer == ca.subject != chain[0].subject
    assert chain[0].extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False


def test_unknown_certificate_kind(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown certificate kind 'pinned'"):
        generate(tmp_path, "pinned")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind,default_error", [
    ("self-signed", "self-signed certificate"),
    ("ca-signed", "self-signed certificate in certificate chain"),
])
def test_https_server_verification(tmp_path: Path, kind: str, default_error: str) -> None:
    files = generate(tmp_path, kind)  # type: ignore[arg-type]
    with BackgroundServer(_APP, ssl_certfile=str(files.certfile), ssl_keyfile=str(files.keyfile)) as srv:
        assert srv.url.startswith("https://127.0.0.1:")
        with pytest.raises(requests.exceptions.SSLError) as ei:
            requests.get(srv.url, timeout=5)
        assert describe_transport_error(ei.value).startswith(f"TLS verification failed: certificate verify failed: {default_error}")
        assert requests.get(srv.url, verify=str(files.ca_bundle), timeout=5).json() == {"ok": True}
        for host in ("127.0.0.1", "localhost"):
            url = srv.url.replace("127.0.0.1", host)
            assert requests.get(url, verify=str(files.ca_bundle), timeout=5).status_code == 200
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InsecureRequestWarning)
            assert requests.get(srv.url, verify=False, timeout=5).status_code == 200


# ---- make_idp ---------------------------------------------------------------------------

KC = """\
name: tls
idp:
  profile: keycloak
  initial_access_token: {count: 5}
  tls: {enabled: true, certificate: CERT}
api: {name: Keycloak API}
policy: {name: Keycloak Policy}
catalogue: {name: Keycloak API}
"""


def test_make_idp_generates_the_certificate_into_the_report_dir(tmp_path: Path) -> None:
    launcher = make_idp(parse_scenario(KC.replace("CERT", "ca-signed")), None, tmp_path)
    assert launcher.ca_bundle == str(tmp_path / "tls" / "ca.crt")
    assert (tmp_path / "tls" / "idp.crt").is_file() and (tmp_path / "tls" / "idp.key").is_file()
    with launcher:
        assert launcher.base_url.startswith("https://127.0.0.1:")
        r = requests.get(launcher.issuer("master") + "/.well-known/openid-configuration",
                         verify=launcher.ca_bundle, timeout=5)
        assert r.status_code == 200 and r.json()["issuer"].startswith("https://")


def test_tls_needs_the_emulator(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="the keycloak-dist launcher serves its own TLS"):
        make_idp(parse_scenario(KC.replace("CERT", "self-signed")), "keycloak-dist", tmp_path)


def test_ca_bundle_placeholder_needs_tls(tmp_path: Path) -> None:
    sc = parse_scenario(KC.replace("  tls: {enabled: true, certificate: CERT}\n", "")
                        + "dashboard: {dcr_ca_bundle: '${idp.ca_bundle}'}\n")
    with pytest.raises(ConfigError, match=r"dashboard.dcr_ca_bundle: \$\{idp.ca_bundle\} has no value: it needs idp.tls.enabled"):
        run_scenario(sc, report_dir=tmp_path)


# ---- whole runs -------------------------------------------------------------------------

def _run(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    # The environment's CA bundle must not override the portal's skip flag or CA bundle
    # (requests lets REQUESTS_CA_BUNDLE beat a session-level verify).
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", requests.certs.where())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureRequestWarning)
        result = run_scenario(parse_scenario(text), report_dir=tmp_path)
    return {s.id: s for s in result.steps}  # type: ignore[misc]


def test_skip_flags_let_the_guide_pass_with_a_self_signed_idp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = KC.replace("CERT", "self-signed") + (
        "dashboard: {dcr_ssl_insecure_skip_verify: true}\ngateway: {jwt_ssl_insecure_skip_verify: true}\n")
    steps = _run(text, tmp_path, monkeypatch)
    assert all(s.verdict is Verdict.PASS for s in steps.values()), [(k, s.cause) for k, s in steps.items()]  # type: ignore[attr-defined]
    assert "https://127.0.0.1:" in steps["discovery"].evidence  # type: ignore[attr-defined]
    assert "dcr_ssl_insecure_skip_verify=True" in steps["dashboard-settings"].evidence  # type: ignore[attr-defined]


def test_ca_bundles_are_the_proper_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = KC.replace("CERT", "ca-signed") + (
        "dashboard: {dcr_ca_bundle: '${idp.ca_bundle}'}\ngateway: {jwks_ca_bundle: '${idp.ca_bundle}'}\n")
    steps = _run(text, tmp_path, monkeypatch)
    assert all(s.verdict is Verdict.PASS for s in steps.values()), [(k, s.cause) for k, s in steps.items()]  # type: ignore[attr-defined]
    # The gateway fetched the JWKS over verified HTTPS.
    jwks = [e for e in steps["gateway-call"].exchanges if e.actor == "gateway" and e.target == "idp"]  # type: ignore[attr-defined]
    assert jwks and jwks[0].url.startswith("https://") and jwks[0].status == 200


def test_without_skip_flag_registration_fails_with_a_clear_tls_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = _run(KC.replace("CERT", "self-signed"), tmp_path, monkeypatch)
    wizard = steps["oauth-client-wizard"]
    assert wizard.verdict is Verdict.FAIL  # type: ignore[attr-defined]
    assert wizard.error.startswith(  # type: ignore[attr-defined]
        "the portal could not create the client: registration failed: TLS verification failed: "
        "certificate verify failed: self-signed certificate")
    assert wizard.cause.startswith("the IdP's TLS certificate is not trusted")  # type: ignore[attr-defined]
    assert "dcr_ssl_insecure_skip_verify: true" in wizard.fix  # type: ignore[attr-defined]
    # The harness's own calls (admin, discovery) trusted the IdP's CA: only Tyk's failed.
    assert steps["discovery"].verdict is Verdict.PASS  # type: ignore[attr-defined]


def test_without_jwt_skip_flag_the_gateway_cannot_fetch_the_jwks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = KC.replace("CERT", "self-signed") + "dashboard: {dcr_ssl_insecure_skip_verify: true}\n"
    steps = _run(text, tmp_path, monkeypatch)
    call = steps["gateway-call"]
    assert steps["oauth-client-wizard"].verdict is Verdict.PASS  # type: ignore[attr-defined]
    assert call.verdict is Verdict.FAIL  # type: ignore[attr-defined]
    assert call.error.startswith("the gateway answered 403 'Key not authorized' (")  # type: ignore[attr-defined]
    assert "TLS verification failed: certificate verify failed: self-signed certificate" in call.error  # type: ignore[attr-defined]
    assert call.cause.startswith("the gateway could not fetch the JWKS")  # type: ignore[attr-defined]
    assert "jwt_ssl_insecure_skip_verify: true in tyk.conf" in call.fix  # type: ignore[attr-defined]
