"""Ory Hydra (github.com/ory/hydra/v2), built from the Go module proxy and run as a reference server."""
