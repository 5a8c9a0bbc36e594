"""The SharePoint adapter: ``SharePointClient`` and the plain data it speaks in.

Re-exported lazily, so that ``kksync.sharepoint.auth`` (used on the functions' cold path) does not
pull in the office365 library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kksync.sharepoint.client import (
        Change,
        ItemWrite,
        ListInfo,
        SharePointClient,
        SiteUser,
        WriteOutcome,
        check_file_name,
    )

__all__ = ["Change", "ItemWrite", "ListInfo", "SharePointClient", "SiteUser", "WriteOutcome", "check_file_name"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kksync.sharepoint import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
