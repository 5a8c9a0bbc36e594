"""The security tests reuse the function-app fixtures (settings via environment, emulator, Azurite)."""

from __future__ import annotations

from tests.functions.conftest import adapter, clock, emulator, env, handlers, site

__all__ = ["adapter", "clock", "emulator", "env", "handlers", "site"]
