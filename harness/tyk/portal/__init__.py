"""Reference Tyk Dashboard + classic Developer Portal: API definitions, policies,
catalogue with DCR settings, developers, and the OAuth client wizard."""
