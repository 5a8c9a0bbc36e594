"""``make demo``: the whole product against the local SharePoint emulator (an entry point, not product)."""
