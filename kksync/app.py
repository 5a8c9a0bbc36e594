"""Composition root: builds the adapters and services from ``Settings`` (CLI and functions share it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kksync.settings import Settings, load_settings

if TYPE_CHECKING:
    from kksync.checks.governance import Governance
    from kksync.services.records import RecordCache
    from kksync.services.sync import SyncService
    from kksync.sharepoint.client import SharePointClient
    from kksync.sharepoint.transport import GuardedTransport
    from kksync.state.base import StateStore

__all__ = ["Runtime", "build_client", "open_runtime"]

def build_client(settings: Settings, *, transport: GuardedTransport | None = None, deadline: float | None = None) -> SharePointClient:
    from kksync.sharepoint.auth import token_provider
    from kksync.sharepoint.client import SharePointClient
    from kksync.sharepoint.retry import RetryPolicy
    from kksync.sharepoint.transport import GuardedTransport

    policy = RetryPolicy(max_attempts=settings.max_attempts, max_total_wait=settings.max_retry_seconds)
    return SharePointClient(
        site_url=settings.site_url,
        token_provider=token_provider(settings),
        transport=transport or GuardedTransport(policy=policy, deadline=deadline),
        page_size=settings.page_size,
        batch_size=settings.batch_size,
        app_login=settings.app_login,
    )


def _record_cache() -> RecordCache:
    from kksync.services.records import RecordCache

    return RecordCache()


@dataclass
class Runtime:
    settings: Settings
    client: SharePointClient
    store: StateStore
    scope: str
    governance: Governance
    records: RecordCache = field(default_factory=_record_cache)
    """Parsed stored records, kept for the life of the process (a warm function instance)."""

    def sync_service(self) -> SyncService:
        from kksync.services.sync import SyncService

        return SyncService(self.client, self.store, scope=self.scope, governance=self.governance, cache=self.records)

    def close(self) -> None:
        self.store.close()


def open_runtime(settings: Settings | None = None, *, deadline: float | None = None) -> Runtime:
    from kksync.checks.governance import load_governance
    from kksync.state import open_state_store
    from kksync.state.base import make_scope

    settings = settings or load_settings()
    governance = load_governance(settings.governance_file)
    client = build_client(settings, deadline=deadline)
    store = open_state_store(settings.state)
    return Runtime(settings, client, store, make_scope(settings.site_url, settings.config_name), governance)
