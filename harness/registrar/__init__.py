"""RFC 7591 registration and RFC 7592 management client, with provider drivers that
shape requests the way the Tyk Dashboard's drivers do."""
