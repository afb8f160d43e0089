"""Gluu Server 4 (oxAuth): profile, emulator, Janssen container launcher, admin client, quirks."""
