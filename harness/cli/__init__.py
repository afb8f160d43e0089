"""The ``dcr-harness`` command."""
