"""The reminder ledger of the Azure store: table ``{p}reminders``, one partition per scope.

Rows ``day|<address>|<YYYY-MM-DD>`` (the digest: keys, owner, status, times, note) and
``key|<address>|<reminder key>`` (one per reminder a person got). A claim creates the day row and its
key rows in one entity group transaction (all in the scope's partition): Table storage applies it whole
or not at all, and a row that already exists makes the whole batch fail with 409 Conflict
(``EntityAlreadyExists``), so of two processors claiming the same digest exactly one wins.
"""

from __future__ import annotations

import contextlib
import json
from datetime import date, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableTransactionError, UpdateMode

from kksync.state._azure_io import guard
from kksync.state.base import ReminderClaim
from kksync.state.codec import dt_from_text, dt_to_text, encode_key

__all__ = ["AzureReminders", "MAX_KEYS"]

MAX_KEYS = 99
"""A transaction holds at most 100 entities: the day row and 99 reminder keys."""


def _day_row(address: str, day: date) -> str:
    return f"day|{encode_key(address)}|{day.isoformat()}"


def _key_row(address: str, key: str) -> str:
    return f"key|{encode_key(address)}|{encode_key(key)}"


class AzureReminders:
    """Mixed into ``AzureStateStore``; ``_reminders`` is its table client."""

    _reminders: Any

    def claim_reminder(self, claim: ReminderClaim) -> bool:
        if len(claim.keys) > MAX_KEYS:
            raise ValueError(f"a digest carries at most {MAX_KEYS} reminders, not {len(claim.keys)}")
        partition = encode_key(claim.scope)
        day_entity = {
            "PartitionKey": partition, "RowKey": _day_row(claim.address, claim.day), "address": claim.address,
            "day": claim.day.isoformat(), "keys": json.dumps(list(claim.keys)), "owner": claim.owner,
            "claimed_at": dt_to_text(claim.claimed_at), "status": claim.status, "note": claim.note,
            "sent_at": dt_to_text(claim.sent_at) or "",
        }
        operations: list[Any] = [("create", day_entity)]
        operations += [("create", {"PartitionKey": partition, "RowKey": _key_row(claim.address, key),
                                   "day": claim.day.isoformat()}) for key in claim.keys]
        with guard("reservér påmindelse"):
            try:
                self._reminders.submit_transaction(operations)
            except TableTransactionError as error:
                if error.status_code == 409 or error.error_code == "EntityAlreadyExists":
                    return False
                raise
        return True

    def finish_reminder(self, scope: str, address: str, day: date, *, sent: bool, at: datetime, note: str = "") -> None:
        entity: dict[str, Any] = {"PartitionKey": encode_key(scope), "RowKey": _day_row(address, day), "note": note}
        if sent:
            entity.update(status="sent", sent_at=dt_to_text(at))
        with guard("gem påmindelse"):
            self._reminders.update_entity(entity, mode=UpdateMode.MERGE)

    def release_reminder(self, scope: str, address: str, day: date) -> None:
        partition = encode_key(scope)
        with guard("frigiv påmindelse"):
            try:
                entity = self._reminders.get_entity(partition, _day_row(address, day))
            except ResourceNotFoundError:
                return
            if entity.get("status") != "claimed":
                return
            keys = json.loads(entity["keys"])
            # The key rows first: a crash half-way leaves the day row, and the claim stays visible.
            for key in keys:
                with contextlib.suppress(ResourceNotFoundError):
                    self._reminders.delete_entity(partition, _key_row(address, key))
            self._reminders.delete_entity(partition, _day_row(address, day))

    def reminder_claims(self, scope: str, *, since: date | None = None) -> list[ReminderClaim]:
        with guard("læs påmindelser"):
            entities = list(self._reminders.query_entities(
                "PartitionKey eq @pk and RowKey ge 'day|' and RowKey lt 'day}'", parameters={"pk": encode_key(scope)}))
        claims = []
        for e in entities:
            day = date.fromisoformat(e["day"])
            if since is not None and day < since:
                continue
            claimed = dt_from_text(e["claimed_at"])
            assert claimed is not None
            claims.append(ReminderClaim(scope, e["address"], day, tuple(json.loads(e["keys"])), e["owner"], claimed,
                                        "sent" if e.get("status") == "sent" else "claimed",
                                        dt_from_text(e.get("sent_at") or None), e.get("note") or ""))
        return sorted(claims, key=lambda c: (c.day, c.address))
