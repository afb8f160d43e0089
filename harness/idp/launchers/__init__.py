"""IdP launchers. Each is one small class implementing :class:`~harness.idp.launchers.base.IdpLauncher`."""
