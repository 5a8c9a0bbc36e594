"""State stores: where kksync keeps change tokens, items, run history, snapshots and webhook bookkeeping.

Use :func:`open_state_store` with the settings (or their ``state`` string); the rest of kksync only
sees the :class:`StateStore` protocol. The Azure SDK is imported only when an Azure store is opened,
so the CLI with its SQLite default starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kksync.settings import is_azure_state
from kksync.state.base import (
    ChangeAction,
    ChangeRecord,
    ListRunStats,
    RunMode,
    RunRecord,
    StateStore,
    StoredItem,
    Subscription,
    make_scope,
)
from kksync.state.sqlite import SqliteStateStore

if TYPE_CHECKING:
    from kksync.settings import Settings
    from kksync.state.azure import AzureStateStore

__all__ = [
    "AzureStateStore",
    "ChangeAction",
    "ChangeRecord",
    "ListRunStats",
    "RunMode",
    "RunRecord",
    "SqliteStateStore",
    "StateStore",
    "StoredItem",
    "Subscription",
    "is_azure_state",
    "make_scope",
    "open_state_store",
]


def open_state_store(settings_or_state: Settings | str, *, prefix: str = "kksync", create: bool = True) -> StateStore:
    """Open the state store the settings point at: an Azure Storage account or a SQLite file.

    ``create=False`` (commands that only read): a SQLite file that does not exist is a ``StateError``
    instead of a new, empty store left behind in the current folder.
    """
    state = settings_or_state if isinstance(settings_or_state, str) else settings_or_state.state
    if is_azure_state(state):
        from kksync.state.azure import AzureStateStore

        return AzureStateStore(state, prefix=prefix)
    return SqliteStateStore(state, create=create)


def __getattr__(name: str) -> Any:
    if name == "AzureStateStore":
        from kksync.state.azure import AzureStateStore

        return AzureStateStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
