"""The hostile corpus reuses the sync tests' emulator site (a provisioned SharePoint with a small joint plan)."""

from __future__ import annotations

from tests.sync.conftest import site

__all__ = ["site"]
