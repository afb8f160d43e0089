"""Identity providers: launchers (how an IdP is started or reached) and the emulator's
profiles (how each product behaves on the wire). See shared/DESIGN.md."""
