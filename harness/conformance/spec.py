"""Spec references → URLs: the one table every check, report and doc reads.

A reference is written ``<DOC>-<section>`` (``RFC7591-3.2.1``, ``OIDC-DISCOVERY-4.3``,
``TYK-JWT``); :func:`spec_url` turns it into a link and :func:`spec_label` into the
text shown to people (``RFC 7591 §3.2.1``). The shape follows the OpenID conformance
suite's single prefix → URL table (``export/LogEntryHelper.java``, shared/STYLE.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpecDoc:
    """One specification: its display name, base URL and how sections are anchored."""

    label: str
    url: str
    #: ``rfc``: ``#section-<n>``; ``named``: look the section up in ``anchors``.
    anchor_style: str = "rfc"
    anchors: tuple[tuple[str, str], ...] = ()


#: Every document a check may cite. Keys are the reference prefixes.
SPECS: dict[str, SpecDoc] = {
    "RFC6749": SpecDoc("RFC 6749 (OAuth 2.0)", "https://www.rfc-editor.org/rfc/rfc6749"),
    "RFC6750": SpecDoc("RFC 6750 (Bearer Token Usage)", "https://www.rfc-editor.org/rfc/rfc6750"),
    "RFC7515": SpecDoc("RFC 7515 (JWS)", "https://www.rfc-editor.org/rfc/rfc7515"),
    "RFC7517": SpecDoc("RFC 7517 (JWK)", "https://www.rfc-editor.org/rfc/rfc7517"),
    "RFC7518": SpecDoc("RFC 7518 (JWA)", "https://www.rfc-editor.org/rfc/rfc7518"),
    "RFC7519": SpecDoc("RFC 7519 (JWT)", "https://www.rfc-editor.org/rfc/rfc7519"),
    "RFC7591": SpecDoc("RFC 7591 (Dynamic Client Registration)", "https://www.rfc-editor.org/rfc/rfc7591"),
    "RFC7592": SpecDoc("RFC 7592 (DCR Management)", "https://www.rfc-editor.org/rfc/rfc7592"),
    "RFC7521": SpecDoc("RFC 7521 (Assertion Framework)", "https://www.rfc-editor.org/rfc/rfc7521"),
    "RFC7523": SpecDoc("RFC 7523 (JWT Profile for Client Authentication)", "https://www.rfc-editor.org/rfc/rfc7523"),
    "RFC7797": SpecDoc("RFC 7797 (JWS Unencoded Payload Option)", "https://www.rfc-editor.org/rfc/rfc7797"),
    "RFC8414": SpecDoc("RFC 8414 (Authorization Server Metadata)", "https://www.rfc-editor.org/rfc/rfc8414"),
    "RFC8725": SpecDoc("RFC 8725 (JWT Best Current Practices)", "https://www.rfc-editor.org/rfc/rfc8725"),
    "RFC9068": SpecDoc("RFC 9068 (JWT Access Tokens)", "https://www.rfc-editor.org/rfc/rfc9068"),
    "OIDC-DISCOVERY": SpecDoc(
        "OpenID Connect Discovery 1.0",
        "https://openid.net/specs/openid-connect-discovery-1_0.html",
        anchor_style="named",
        anchors=(
            ("3", "ProviderMetadata"),
            ("4", "ProviderConfig"),
            ("4.1", "ProviderConfigurationRequest"),
            ("4.2", "ProviderConfigurationResponse"),
            ("4.3", "ProviderConfigurationValidation"),
        ),
    ),
    "OIDC-REGISTRATION": SpecDoc(
        "OpenID Connect Dynamic Client Registration 1.0",
        "https://openid.net/specs/openid-connect-registration-1_0.html",
        anchor_style="named",
        anchors=(
            ("2", "ClientMetadata"),
            ("3.1", "RegistrationRequest"),
            ("3.2", "RegistrationResponse"),
            ("3.3", "RegistrationError"),
            ("4", "ClientConfigurationEndpoint"),
        ),
    ),
    # Product behaviour the harness must reproduce (shared/reference/tyk.md).
    "TYK-JWT": SpecDoc(
        "Tyk Gateway JWT authentication",
        "https://tyk.io/docs/basic-config-and-security/security/authentication-authorization/json-web-tokens/",
        anchor_style="none",
    ),
    "TYK-GUIDE": SpecDoc(
        "Tyk guide: Dynamic Client Registration",
        "https://tyk.io/docs/tyk-developer-portal/tyk-portal-classic/dynamic-client-registration/",
        anchor_style="none",
    ),
}


class UnknownSpec(ValueError):
    """A check cites a document that is not in :data:`SPECS`."""


def split_ref(ref: str) -> tuple[str, str]:
    """``RFC7591-3.2.1`` → ``("RFC7591", "3.2.1")``; ``TYK-JWT`` → ``("TYK-JWT", "")``."""
    if ref in SPECS:
        return ref, ""
    prefix, sep, section = ref.rpartition("-")
    if not sep or prefix not in SPECS or not section:
        raise UnknownSpec(f"unknown spec reference {ref!r}; known documents: {', '.join(sorted(SPECS))}")
    return prefix, section


def spec_url(ref: str) -> str:
    """The URL of ``ref``, anchored at its section where the document allows it."""
    prefix, section = split_ref(ref)
    doc = SPECS[prefix]
    if not section or doc.anchor_style == "none":
        return doc.url
    if doc.anchor_style == "rfc":
        return f"{doc.url}#section-{section}"
    anchors = dict(doc.anchors)
    # Fall back to the nearest enclosing section that has an anchor (4.3.1 → 4.3 → 4).
    parts = section.split(".")
    while parts:
        anchor = anchors.get(".".join(parts))
        if anchor:
            return f"{doc.url}#{anchor}"
        parts.pop()
    return doc.url


def spec_label(ref: str) -> str:
    """Human text for ``ref``: ``RFC 7591 §3.2.1``, ``OpenID Connect Discovery 1.0 §4.3``."""
    prefix, section = split_ref(ref)
    doc = SPECS[prefix]
    name = doc.label.split(" (")[0]
    return f"{name} §{section}" if section else doc.label
