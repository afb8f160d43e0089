"""Tyk: the gateway (JWT middleware and proxy, Go compatibility, launchers) and the portal
(Dashboard + classic Developer Portal reference)."""
