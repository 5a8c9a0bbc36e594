"""The pure core: columns, the canonical model, the list schema derived from it, item mapping, value
parsing, the snapshot model and the Danish formats (``fmt``). Pydantic and the standard library only
(``fmt`` imports babel lazily, on first use): no network, no files, no adapters, no services
(``tests/test_core.py`` checks that importing it stays light)."""
