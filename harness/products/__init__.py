"""One folder per IdP product: profile (every quirk a documented field, per version),
emulator, launchers, admin client and the quirks the checks expect."""
