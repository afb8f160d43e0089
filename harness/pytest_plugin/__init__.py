"""pytest plugin for dcr-harness (entry point ``pytest11: dcr_harness``)."""
