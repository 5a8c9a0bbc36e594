"""The pure core: columns, the canonical model, the list schema derived from it, item mapping, value
parsing and the snapshot model. Pydantic and the standard library only: no network, no files, no
adapters, no services (``make lint`` enforces it)."""
