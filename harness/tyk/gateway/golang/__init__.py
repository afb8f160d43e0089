"""Go-library semantics Tyk inherits (golang-jwt, go-jose, encoding/base64, encoding/pem):
the one place we write verification rules ourselves, each citing the Go source it mirrors."""
