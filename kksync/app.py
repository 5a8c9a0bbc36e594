"""The composition root: builds client, store, queue, governance and services from ``Settings``.

The CLI, the Azure Functions and the demo all start here; the services themselves only know the
ports of :mod:`kksync.services.ports`. Two kinds of objects come out:

- a :class:`Runtime` per command or invocation (fresh settings, a deadline, the store closed after);
  its methods call the services with the runtime's parts;
- the long-lived webhook state store and change queue, cached per process (:func:`webhook_store`,
  :func:`change_queue`, :func:`reset`): the webhook must answer fast, so it reuses connections.

Imports of adapters and services stay inside the functions: ``function_app`` indexes without them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Self

from kksync.settings import Settings, load_settings

if TYPE_CHECKING:
    from kksync.checks.governance import Governance
    from kksync.core import model as m
    from kksync.core.snapshots import SnapshotDiff
    from kksync.documents.api import CrossEdits
    from kksync.queues import AzureChangeQueue, ChangeMessage
    from kksync.services.checking import CheckView
    from kksync.services.leases import LeasePolicy
    from kksync.services.ports import AccountDirectory, ChangeQueue
    from kksync.services.processor import ProcessResult, ReconcileReport
    from kksync.services.publishing import DocumentSetup, Generated, Progress
    from kksync.services.records import RecordCache
    from kksync.services.reminders import ReminderOutcome
    from kksync.services.runs import SyncStamp
    from kksync.services.snapshots import Frozen
    from kksync.services.subscriptions import WebhookTarget
    from kksync.services.sync import SyncService
    from kksync.sharepoint.client import SharePointClient
    from kksync.sharepoint.graph import GraphClient
    from kksync.sharepoint.transport import GuardedTransport
    from kksync.state.base import StateStore

__all__ = ["Runtime", "build_client", "build_directory", "build_mailer", "change_queue", "open_runtime", "reset", "webhook_store"]

# The nightly reconcile waits this long for a list a queue message is being processed for: that
# sync is short, and failing would only hand the night's work to the timer's retry.
RECONCILE_LEASE_WAIT_SECONDS = 120


def build_client(settings: Settings, *, transport: GuardedTransport | None = None, deadline: float | None = None) -> SharePointClient:
    from kksync.core.budget import MinuteBudget
    from kksync.sharepoint.auth import token_provider
    from kksync.sharepoint.client import SharePointClient
    from kksync.sharepoint.retry import RetryPolicy
    from kksync.sharepoint.transport import GuardedTransport

    policy = RetryPolicy(max_attempts=settings.max_attempts, max_total_wait=settings.max_retry_seconds)
    return SharePointClient(
        site_url=settings.site_url,
        token_provider=token_provider(settings),
        transport=transport or GuardedTransport(policy=policy, deadline=deadline,
                                                budget=MinuteBudget(settings.bulk_budget_per_minute)),
        page_size=settings.page_size,
        batch_size=settings.batch_size,
    )


def build_directory(settings: Settings, *, deadline: float | None = None) -> GraphClient | None:
    """The Microsoft Graph client the sync asks about accounts; ``None`` when Graph is switched off."""
    from kksync.sharepoint.graph import graph_client

    return graph_client(settings, deadline=deadline) if settings.graph_enabled else None


def build_mailer(settings: Settings, *, deadline: float | None = None) -> GraphClient:
    """The Microsoft Graph client reminders are sent with (``KKSYNC_GRAPH_ENABLED`` is about accounts, not mail)."""
    directory = build_directory(settings.model_copy(update={"graph_enabled": True}), deadline=deadline)
    assert directory is not None
    return directory


def _record_cache() -> RecordCache:
    from kksync.services.records import RecordCache

    return RecordCache()


@dataclass
class Runtime:
    """One site and configuration, wired: the adapters, and the services called with them."""

    settings: Settings
    client: SharePointClient
    store: StateStore
    scope: str
    governance: Governance
    records: RecordCache = field(default_factory=_record_cache)
    """Parsed stored records, kept for the life of the process (a warm function instance)."""
    directory: AccountDirectory | None = None
    """Microsoft Graph's accounts, to know who left (``None``: the site's users only, with a note)."""

    # --- sync and checks ------------------------------------------------------------------------

    def sync_service(self, *, leases: LeasePolicy | None = None) -> SyncService:
        """The sync; ``leases`` says how long to wait for a list another run is syncing (default: not at all)."""
        from kksync.services.sync import SyncService

        return SyncService(self.client, self.store, scope=self.scope, governance=self.governance, cache=self.records,
                           directory=self.directory, leases=leases,
                           token_max_age=timedelta(days=self.settings.change_token_max_age_days))

    def load_portfolio(self) -> m.Portfolio:
        """The portfolio as last synced (from the store; no SharePoint request)."""
        return self.sync_service().load_portfolio()

    def check(self, plan_key: str | None = None, *, max_age: timedelta | None = None) -> CheckView:
        """Findings and verdicts of the synced copy, for one plan or all; ``UnknownPlanError`` for a wrong key.

        ``NoDataError`` when nothing was synced (an empty store is not "all clear"), or when the last
        finished sync is older than ``max_age``.
        """
        from kksync.services.checking import check_report

        stamp = self.require_data(max_age=max_age)
        service = self.sync_service()
        portfolio = service.load_portfolio()
        view = check_report(portfolio, service.check(portfolio), plan_key=plan_key)
        view.last_sync = stamp
        return view

    def last_sync(self) -> SyncStamp | None:
        from kksync.services.runs import last_sync

        return last_sync(self.store, self.scope)

    def require_data(self, *, max_age: timedelta | None = None) -> SyncStamp | None:
        """The last finished sync; ``NoDataError`` if the store has no synced data or it is too old."""
        from kksync.services.freshness import require_data

        return require_data(self.store, self.scope, max_age=max_age, where=self.settings.state_label,
                            site=self.settings.site_url)

    # --- snapshots and documents ----------------------------------------------------------------

    def freeze(self, plan_key: str, status_date: date, *, replace: bool = False) -> Frozen:
        from kksync.services.snapshots import freeze

        return freeze(self.store, self.load_portfolio(), plan_key, status_date, scope=self.scope, replace=replace)

    def diff(self, plan_key: str, old: date, new: date) -> SnapshotDiff:
        from kksync.services.snapshots import diff_between

        return diff_between(self.store, plan_key, old, new, scope=self.scope)

    def snapshots(self, plan_key: str) -> list[date]:
        from kksync.services.snapshots import require_plan

        dates = self.store.list_snapshots(self.scope, plan_key)
        if not dates:
            require_plan(self.load_portfolio(), plan_key)  # an unknown plan is an error, not "no snapshots"
        return dates

    def delete_snapshot(self, plan_key: str, status_date: date) -> str:
        from kksync.services.snapshots import delete

        return delete(self.store, plan_key, status_date, scope=self.scope)

    def document_setup(self) -> DocumentSetup:
        from kksync.services.publishing import DocumentSetup

        return DocumentSetup(self.scope, self.governance, self.settings.template_dir,
                             cross_edits=self._cross_edits if self.settings.permissions_enabled else None)

    def _cross_edits(self, portfolio: m.Portfolio) -> CrossEdits:
        from kksync.services.cross_edits import HISTORY_RUNS, cross_edits

        return cross_edits(self.client.permissions, self.store.runs(self.scope, HISTORY_RUNS), portfolio,
                           self.governance.permissions)

    def generate(self, plan_key: str, document_type: m.DocumentType, *, year: int | None = None,
                 out_dir: Path | None = None) -> Generated:
        """One document; the plan and the status year are checked before anything is frozen or written."""
        from kksync.services.publishing import generate
        from kksync.services.snapshots import check_year, require_plan

        portfolio = self.load_portfolio()
        plan = require_plan(portfolio, plan_key)
        if year is not None:
            check_year(plan, year)
        return generate(self.store, lambda: portfolio, plan_key, document_type, setup=self.document_setup(),
                        year=year, out_dir=out_dir)

    def publish(self, generated: Generated) -> Generated:
        from kksync.services.publishing import publish

        return publish(self.client, generated, site_url=self.settings.site_url)

    def publish_documents(self, plan_key: str, year: int | None = None, *, out_dir: Path | None = None,
                          progress: Progress | None = None) -> list[Generated]:
        from kksync.services.publishing import publish_documents

        with self.client.transport.budgeted():  # a document run leaves the webhook path its share
            return publish_documents(self.store, self.client, self.load_portfolio, plan_key, year,
                                     setup=self.document_setup(), site_url=self.settings.site_url, out_dir=out_dir,
                                     progress=progress)

    # --- the change pipeline --------------------------------------------------------------------

    def change_queue(self) -> ChangeQueue:
        return change_queue(self.settings)

    def process_change(self, message: ChangeMessage, *, queue: ChangeQueue | None = None) -> ProcessResult:
        """One queue message; deferred work goes to ``queue`` (by default the Azure queue of the settings)."""
        from kksync.services.processor import process_change

        return process_change(self.client, self.store, message, scope=self.scope,
                              queue=queue if queue is not None else self.change_queue(),
                              governance=self.governance, cache=self.records, directory=self.directory)

    def webhook_target(self, notification_url: str | None = None, client_state: str | None = None) -> WebhookTarget:
        """Where notifications go, from the settings unless given; ``ConfigError`` if incomplete."""
        from kksync.services.subscriptions import WebhookTarget

        return WebhookTarget.from_settings(self.settings, notification_url=notification_url, client_state=client_state)

    def reconcile(self, *, now: datetime | None = None, renew: bool = True) -> ReconcileReport:
        """The nightly reconcile; without a usable webhook target it syncs and notes why nothing was renewed."""
        from kksync.errors import ConfigError
        from kksync.services.leases import LeasePolicy
        from kksync.services.processor import reconcile

        target, unrenewed = None, None
        if renew:
            try:
                target = self.webhook_target()
            except ConfigError as error:
                unrenewed = f"subscriptions not renewed: {error}"
        with self.client.transport.budgeted():  # stays under the bulk budget: the webhook path keeps the rest
            report = reconcile(self.client, self.store, scope=self.scope, target=target,
                               silence_minutes=self.settings.silence_alert_minutes, governance=self.governance,
                               cache=self.records, now=now, directory=self.directory,
                               token_max_age_days=self.settings.change_token_max_age_days,
                               leases=LeasePolicy(wait_seconds=RECONCILE_LEASE_WAIT_SECONDS))
        if unrenewed:
            report.notes.insert(0, unrenewed)
        if self.client.transport.paced:
            from kksync.texts.budget import budget_text

            report.notes.append(budget_text("paced_summary", seconds=self.client.transport.paced_seconds,
                                            times=self.client.transport.paced))
        return report

    # --- reminder mails -------------------------------------------------------------------------

    def remind(self, *, today: date, dry_run: bool = False, plan_key: str | None = None,
               max_age: timedelta | None = timedelta(hours=72)) -> ReminderOutcome:
        """Today's reminder mails before political decision (``kksync.services.reminders``), from the synced copy.

        ``NoDataError`` on no or too old data (reminders about stale findings would say false things);
        ``ConfigError`` without ``KKSYNC_MAIL_SENDER`` unless ``dry_run``; ``UnknownPlanError`` for a wrong key.
        """
        import os
        import socket

        from kksync.errors import ConfigError
        from kksync.services.reminders import send_reminders
        from kksync.services.snapshots import require_plan
        from kksync.texts.reminders import remind_text

        sender = self.settings.mail_sender
        if not dry_run and not sender:
            raise ConfigError(remind_text("no_sender"))
        self.require_data(max_age=max_age)
        portfolio = self.load_portfolio()
        if plan_key is not None:
            require_plan(portfolio, plan_key)
        mailer = None if dry_run else build_mailer(self.settings)
        return send_reminders(portfolio, self.store, mailer, scope=self.scope, governance=self.governance,
                              site_url=self.settings.site_url, sender=sender, today=today,
                              owner=f"{socket.gethostname()}:{os.getpid()}", dry_run=dry_run, plan_key=plan_key)

    # --- lifetime -------------------------------------------------------------------------------

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_runtime(settings: Settings | None = None, *, deadline: float | None = None, create_state: bool = True) -> Runtime:
    """A runtime for one command or invocation; use it as a context manager, or ``close()`` it.

    ``create_state=False`` for commands that only read: no state file is made where there was none.
    """
    from kksync.checks.governance import load_governance
    from kksync.state import open_state_store
    from kksync.state.base import make_scope

    settings = settings or load_settings()
    governance = load_governance(settings.governance_file)
    client = build_client(settings, deadline=deadline)
    directory = build_directory(settings, deadline=deadline)
    store = open_state_store(settings.state, create=create_state)
    return Runtime(settings, client, store, make_scope(settings.site_url, settings.config_name), governance,
                   directory=directory)


# --- long-lived webhook clients: one cache per process ---------------------------------------------

_lock = threading.Lock()
_stores: dict[str, StateStore] = {}
_queues: dict[tuple[str, str], AzureChangeQueue] = {}


def webhook_store(settings: Settings) -> StateStore:
    """The state store of ``settings.state``, opened once per process and shared by the webhook's calls."""
    from kksync.state import open_state_store

    with _lock:
        store = _stores.get(settings.state)
        if store is None:
            store = _stores[settings.state] = open_state_store(settings.state)
        return store


def change_queue(settings: Settings) -> AzureChangeQueue:
    """The Azure Storage queue between webhook and processor, in the ``KKSYNC_STATE`` account, opened once."""
    from kksync.errors import ConfigError
    from kksync.queues import AzureChangeQueue

    if not settings.state_is_azure:
        raise ConfigError("KKSYNC_STATE skal være en Azure Storage-forbindelsesstreng, når funktionerne bruger køen.")
    key = (settings.state, settings.queue_name)
    with _lock:
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = AzureChangeQueue(settings.state, settings.queue_name)
        return queue


def reset() -> None:
    """Close the cached store and queue clients (tests switch settings between cases)."""
    with _lock:
        for store in _stores.values():
            store.close()
        for queue in _queues.values():
            queue.close()
        _stores.clear()
        _queues.clear()
