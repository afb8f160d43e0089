"""Provider ``other``: plain RFC 7591 metadata (the base driver as is)."""

from harness.registrar.drivers import register_driver
from harness.registrar.drivers.base import Driver


@register_driver
class OtherDriver(Driver):
    name = "other"
