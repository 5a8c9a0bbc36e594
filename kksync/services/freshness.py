"""Is there synced data to judge on? An empty store is not "all clear", and old data is not today's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from kksync.errors import NoDataError
from kksync.services.records import DATA_LISTS
from kksync.services.runs import SyncStamp, _History, last_sync
from kksync.state.base import RunRecord
from kksync.texts.cli import cli_text

__all__ = ["age_words", "local_time", "require_data"]


class _Store(_History, Protocol):
    def item_ids(self, scope: str, list_key: str) -> set[int]: ...

    def get_token(self, scope: str, list_key: str) -> str | None: ...

    def runs(self, scope: str, limit: int = 20) -> list[RunRecord]: ...


def age_words(seconds: float) -> str:
    from kksync.texts.cli import plural

    if seconds < 3600:
        return plural(max(1, round(seconds / 60)), "minut")
    if seconds < 48 * 3600:
        return plural(round(seconds / 3600), "time")
    return plural(round(seconds / 86400), "dag")


def local_time(value: datetime) -> str:
    """A time for people: local time with its UTC offset (``2013-05-02 14:03:11 +02:00``)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    local = aware.astimezone()
    offset = local.strftime("%z")
    return local.strftime("%Y-%m-%d %H:%M:%S ") + f"{offset[:3]}:{offset[3:]}"


def require_data(store: _Store, scope: str, *, max_age: timedelta | None, where: str, site: str,
                 now: datetime | None = None) -> SyncStamp | None:
    """The last finished sync of ``scope``; ``NoDataError`` if nothing is stored, or the data is too old.

    A store with items but no finished run (every run failed, or a version that kept no status) is
    judged only without ``max_age``, and the stamp is then ``None``.
    """
    has_data = any(store.get_token(scope, s.key) is not None or store.item_ids(scope, s.key) for s in DATA_LISTS)
    if not has_data:
        raise NoDataError(cli_text("empty_store", path=where, site=site))
    stamp = last_sync(store, scope)
    if max_age is None:
        return stamp
    if stamp is None:
        raise NoDataError(cli_text("last_sync_never") + " " + cli_text("empty_store", path=where, site=site))
    age = ((now or datetime.now(UTC)) - stamp.finished_at).total_seconds()
    if age > max_age.total_seconds():
        raise NoDataError(cli_text("stale_store", when=local_time(stamp.finished_at), age=age_words(age),
                                   limit=round(max_age.total_seconds() / 3600)))
    return stamp
