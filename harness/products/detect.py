"""The one list of IdP products, which product an issuer is, and the profile (with its
quirks) of a product version.

* :func:`detect` — ``keycloak``, ``gluu`` or ``generic`` from the issuer URL and, when
  that does not tell, the endpoints of its discovery document (each product's
  ``url_markers``: Keycloak's ``/realms/``, oxAuth's ``/oxauth/`` or Janssen's
  ``/jans-auth/``); :func:`detect_issuer` fetches the discovery document for it.
* :func:`profile_for` — the profile instance of a product name and version (``None`` for
  ``generic``): the instance the emulator serves and the checks' quirks are derived from.
* :func:`quirks_for` — the quirks of a profile instance.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any, TypeAlias

import requests

from harness.core.deadline import mount_deadline
from harness.core.errors import ConfigError
from harness.products.gluu.product import PRODUCT as GLUU
from harness.products.gluu.profile import GluuProfile
from harness.products.keycloak.product import PRODUCT as KEYCLOAK
from harness.products.keycloak.profile import KeycloakProfile
from harness.products.product import Product
from harness.products.quirk import Quirk

#: A profile instance of one of :data:`PRODUCTS`.
ProductProfile: TypeAlias = KeycloakProfile | GluuProfile

#: Every product, in the order shown to users and tried by detection.
PRODUCTS: tuple[Product, ...] = (KEYCLOAK, GLUU)
#: Their names (``--idp-profile``, scenario ``idp.profile``).
PRODUCT_NAMES: tuple[str, ...] = tuple(p.name for p in PRODUCTS)
#: The product assumed when nothing tells (the first guide, shared/seeds, is Keycloak's).
DEFAULT_PRODUCT: str = KEYCLOAK.name
#: The profile of an IdP that is none of the products: plain RFC behaviour, no quirks.
GENERIC = "generic"
#: Profiles ``dcr-harness check --profile`` accepts.
PROFILES: tuple[str, ...] = (*PRODUCT_NAMES, GENERIC)
#: Discovery members whose URLs tell the product (OIDC Discovery §3).
DISCOVERY_ENDPOINTS: tuple[str, ...] = ("registration_endpoint", "token_endpoint", "jwks_uri")
#: Seconds :func:`detect_issuer` waits for the discovery document.
DISCOVERY_TIMEOUT_S = 10.0


def find_product(name: str | None) -> Product | None:
    """The product called ``name``; ``None`` for ``generic``, ``None`` or an unknown name."""
    return next((p for p in PRODUCTS if p.name == name), None)


def product(name: str) -> Product:
    """The product called ``name``; ConfigError naming the known ones otherwise."""
    found = find_product(name)
    if found is None:
        raise ConfigError(f"unknown IdP product {name!r}", hint=f"use one of: {', '.join(PRODUCT_NAMES)}")
    return found


def product_of(profile: ProductProfile) -> Product:
    """The product a profile instance belongs to."""
    return product(profile.product)


def profile_for(name: str, version: str | None = None) -> ProductProfile | None:
    """The profile of product ``name`` at ``version`` (``None``: its default release);
    ``None`` for ``generic``. Raises ConfigError for an unknown name or version."""
    if name == GENERIC:
        return None
    prof = product(name).profile(version)
    assert isinstance(prof, (KeycloakProfile, GluuProfile))
    return prof


@functools.lru_cache(maxsize=64)
def quirks_for(profile: ProductProfile | None) -> tuple[Quirk, ...]:
    """The quirks the checks expect from ``profile`` (none for ``None``, the generic profile)."""
    if profile is None:
        return ()
    return tuple(product_of(profile).quirks(profile))


def detect_urls(urls: Iterable[str]) -> str | None:
    """The product whose URL markers one of ``urls`` carries, else ``None``."""
    urls = list(urls)
    return next((p.name for p in PRODUCTS if p.recognises(urls)), None)


def detect(issuer: str, discovery: Mapping[str, Any] | None = None) -> str:
    """``keycloak``, ``gluu`` or ``generic``: from the issuer URL first (a Keycloak issuer
    is ``<base>/realms/<realm>``), then from the endpoints ``discovery`` names (a Gluu
    issuer is the server root, its endpoints are under ``/oxauth/``)."""
    found = detect_urls([issuer])
    if found is None and isinstance(discovery, Mapping):
        found = detect_urls(str(discovery.get(k) or "") for k in DISCOVERY_ENDPOINTS)
    return found or GENERIC


def detect_issuer(issuer: str, verify: bool | str = True, timeout: float = DISCOVERY_TIMEOUT_S) -> str:
    """:func:`detect` for a live issuer: its discovery document (OIDC Discovery §4) is
    fetched only when the URL does not tell; an unreachable or non-JSON one gives
    ``generic``."""
    found = detect(issuer)
    if found != GENERIC:
        return found
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    session = requests.Session()
    mount_deadline(session, timeout)  # one deadline for the whole answer: a slow drip ends too
    try:
        doc = session.get(url, verify=verify).json()
    except (requests.RequestException, ValueError):
        return GENERIC
    finally:
        session.close()
    return detect(issuer, doc if isinstance(doc, Mapping) else None)

