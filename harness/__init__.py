"""dcr-harness: a conformance harness for OAuth 2.0 Dynamic Client Registration
(RFC 7591 / RFC 7592) between a Tyk-style portal and gateway and an identity provider.

Packages (see docs/ and shared/DESIGN.md):
``jose`` keys and tokens, ``idp`` IdP launchers and emulator profiles, ``registrar``
RFC 7591/7592 client and provider drivers, ``portal`` Dashboard + Developer Portal,
``gateway`` Tyk-compatible JWT middleware, ``conformance`` the check catalogue,
``scenario`` YAML scenarios and the step runner, ``report`` output, ``cli`` the command.
"""

__version__ = "0.1.0"
