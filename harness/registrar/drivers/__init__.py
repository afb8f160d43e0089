"""Provider drivers: one module per provider, each a :class:`~harness.registrar.drivers.base.Driver`."""

from __future__ import annotations

from harness.registrar.drivers.base import Driver

_REGISTRY: dict[str, type[Driver]] = {}


def register_driver(cls: type[Driver]) -> type[Driver]:
    _REGISTRY[cls.name] = cls
    return cls


def get_driver(name: str) -> Driver:
    """The driver for provider ``name`` (one of :data:`harness.registrar.options.PROVIDERS`)."""
    # Import for the registration side effect; each module registers itself.
    from harness.registrar.drivers import generic, keycloak, okta  # noqa: F401

    try:
        from harness.registrar.drivers import gluu  # noqa: F401
    except ImportError:
        pass
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown DCR provider {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
    return cls()
