"""Which profile's quirks apply to an issuer nobody named (``check --issuer`` without
``--profile``, ``pytest --issuer`` without ``--dcr-profile``).

Shared by the faces (``dcr-harness check`` and the pytest plugin), which must not import
each other. Moved here unchanged from ``harness/cli/cmd_check.py``; the product-specific
rules are to move into the products (``harness/products/detect.py``, issue 14 item 3).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests


def detect_profile(issuer: str, verify: bool) -> str:
    """Keycloak when the issuer has ``/realms/``; Gluu when discovery names oxAuth or
    Janssen endpoints; else ``generic``."""
    if "/realms/" in urlsplit(issuer).path:
        return "keycloak"
    try:
        doc = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=10, verify=verify).json()
    except (requests.RequestException, ValueError):
        return "generic"
    endpoints = " ".join(str(doc.get(k, "")) for k in ("registration_endpoint", "token_endpoint", "jwks_uri"))
    if "/oxauth/" in endpoints or "/jans-auth/" in endpoints:
        return "gluu"
    return "generic"
