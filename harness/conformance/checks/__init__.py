"""Check modules, one per plan: each defines its probes (HTTP, recorded and redacted)
and its conditions (pure functions of the observation), registered with id, spec and
level in :mod:`harness.conformance.registry`."""
