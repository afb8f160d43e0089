"""Is there a Docker engine? One probe for every container launcher (Keycloak, Janssen,
later the Tyk gateway image), so that each says the same one-line reason when there is none.

testcontainers talks to the engine through the ``docker`` package (``docker.from_env``,
which reads ``DOCKER_HOST`` and defaults to ``unix:///var/run/docker.sock``); the probe
uses the same client and pings it (Docker Engine API ``GET /_ping``).
"""

from __future__ import annotations

import os


def docker_available() -> tuple[bool, str]:
    """Whether a Docker engine answers, and why not (one line) when it does not."""
    try:
        import docker  # testcontainers' own dependency
    except ImportError:
        return False, "the 'docker' Python package is not installed (pip install 'testcontainers[keycloak]')"
    try:
        client = docker.from_env(timeout=5)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:  # noqa: BLE001 - docker raises many types; all mean "no engine"
        where = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return False, f"no Docker engine at {where}: {detail}"
    return True, "Docker engine reachable"
