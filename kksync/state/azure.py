"""The state store in Azure: Table storage for tokens, items and runs, Blob storage for bulk bytes.

Layout (``{p}`` is the prefix, every key part encoded with :func:`kksync.state.codec.encode_key`):

- table ``{p}items``: partition ``scope|list``, row = zero-padded item id; the record is a compressed
  binary property, or a blob ``items/scope/list/{id}-{hash}`` when it is too large for an entity.
- table ``{p}lists``: partition ``scope``, rows ``token|list``, ``notified|list``, ``sub|list``.
- table ``{p}runs``: partition ``scope``, row = inverted start time, so the newest run lists first.
- table ``{p}reminders``: partition ``scope``, the reminder ledger (``kksync.state._azure_reminders``).
- container ``{p}-state``: ``snapshots/scope/plan/YYYY-MM-DD``, large item bodies and large runs, and
  one empty blob ``leases/scope/list/lease`` per list whose blob lease is the list's sync lease.

Table storage has no transaction across partitions or tables, so ``commit`` orders its writes: item
blobs, then item entities, then stale blobs are removed, and the change token goes last. A crash at
any point leaves the old token with some or all of the new items; the next run reads the same
changes again and re-applies them, which is idempotent.

The lease is the service's own blob lease (15–60 s, renewed by its holder while the work runs), so
exclusion does not depend on the instances' clocks, and a crashed holder's lease lapses by itself.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any

from azure.core.exceptions import AzureError, ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableServiceClient, UpdateMode
from azure.storage.blob import BlobServiceClient

from kksync.state._azure_io import (
    INLINE_LIMIT,
    blob_prefix,
    compress,
    decompress,
    guard,
    item_row,
    join_keys,
    run_row,
    submit_batches,
)
from kksync.state._azure_lease import acquire_blob_lease, release_blob_lease, renew_blob_lease
from kksync.state._azure_reminders import AzureReminders
from kksync.state.base import (
    Lease,
    RunRecord,
    StoredItem,
    StoreLifetime,
    Subscription,
    check_commit,
    check_limit,
    check_token_order,
)
from kksync.state.codec import dt_from_text, dt_to_text, encode_key, run_from_json, run_sort_key, run_to_json
from kksync.texts import state_error

__all__ = ["AzureStateStore", "expand_connection_string"]

_PREFIX = re.compile(r"[a-z][a-z0-9]{2,39}")
_DEV_STORAGE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
    "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;"
    "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;"
)
# Point reads are cheaper than a partition scan only for a handful of ids.
_POINT_READS = 20
_UPSERT: dict[str, Any] = {"mode": UpdateMode.REPLACE}
_MERGE: dict[str, Any] = {"mode": UpdateMode.MERGE}


def expand_connection_string(value: str) -> str:
    """Resolve the ``UseDevelopmentStorage=true`` shorthand to Azurite's default endpoints."""
    return _DEV_STORAGE if value.strip().rstrip(";").lower() == "usedevelopmentstorage=true" else value


def _list_row(kind: str, scope: str, list_key: str) -> tuple[str, str]:
    """Partition and row key of one list's ``token``, ``notified`` or ``sub`` row in the lists table."""
    return encode_key(scope), f"{kind}|{encode_key(list_key)}"


def _list_entity(kind: str, scope: str, list_key: str, /, **values: str | None) -> dict[str, str | None]:
    partition, row = _list_row(kind, scope, list_key)
    return {"PartitionKey": partition, "RowKey": row, **values}


class AzureStateStore(AzureReminders, StoreLifetime):
    """State in an Azure Storage account (or Azurite); several installations can share one account
    by using different prefixes."""

    def __init__(self, connection_string: str, *, prefix: str = "kksync", retry_total: int = 3) -> None:
        if not _PREFIX.fullmatch(prefix):
            raise state_error("azure_prefix", prefix=prefix)
        self._prefix = prefix
        # Test seam: called after the items of a commit are stored and before the token is.
        self._fault: Callable[[str], None] | None = None
        conn = expand_connection_string(connection_string)
        try:
            self._service = TableServiceClient.from_connection_string(conn, retry_total=retry_total)
            blobs = BlobServiceClient.from_connection_string(conn, retry_total=retry_total)
        except (ValueError, AzureError) as error:
            raise state_error("azure_connection", error=error) from error
        self._blobs: Any = blobs.get_container_client(f"{prefix}-state")
        with guard("opret tabeller"):
            self._items: Any = self._service.create_table_if_not_exists(f"{prefix}items")
            self._lists: Any = self._service.create_table_if_not_exists(f"{prefix}lists")
            self._runs: Any = self._service.create_table_if_not_exists(f"{prefix}runs")
            self._reminders = self._service.create_table_if_not_exists(f"{prefix}reminders")  # _azure_reminders
            with contextlib.suppress(ResourceExistsError):
                self._blobs.create_container()

    # -- small helpers -----------------------------------------------------------------------------
    def _get(self, table: Any, partition: str, row: str) -> dict[str, Any] | None:
        try:
            return dict(table.get_entity(partition, row))
        except ResourceNotFoundError:
            return None

    def _download(self, name: str) -> bytes:
        try:
            return bytes(self._blobs.download_blob(name).readall())
        except ResourceNotFoundError as error:
            raise state_error("azure_corrupt", error=f"blob {name} mangler") from error

    def _body(self, entity: Mapping[str, Any]) -> str:
        raw = entity.get("body")
        return decompress(raw if raw is not None else self._download(entity["blob"]))

    def _bodies(self, entities: Sequence[Mapping[str, Any]]) -> list[str]:
        # Large records are rare; fetch their blobs side by side rather than one after another.
        if sum(1 for e in entities if "blob" in e) < 2:
            return [self._body(e) for e in entities]
        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(self._body, entities))

    def _items_from(self, list_key: str, entities: Sequence[Mapping[str, Any]]) -> dict[int, StoredItem]:
        bodies = self._bodies(entities)
        return {
            int(e["RowKey"]): StoredItem(
                list_key=list_key,
                item_id=int(e["RowKey"]),
                record_json=body,
                fingerprint=e["fingerprint"],
                bot_fingerprint=e["bot_fingerprint"],
                etag=e.get("etag") or None,
                modified=dt_from_text(e.get("modified")),
                editor=e.get("editor"),
            )
            for e, body in zip(entities, bodies, strict=True)
        }

    def _item_blobs(self, scope: str, list_key: str) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {}
        for name in self._blobs.list_blob_names(name_starts_with=blob_prefix("items", scope, list_key)):
            found.setdefault(int(name.rsplit("/", 1)[1].split("-", 1)[0]), []).append(name)
        return found

    def _delete_blobs(self, names: Sequence[str]) -> None:
        for name in names:
            with contextlib.suppress(ResourceNotFoundError):
                self._blobs.delete_blob(name)

    # -- change tokens and items -------------------------------------------------------------------
    def get_token(self, scope: str, list_key: str) -> str | None:
        with guard("læs ændringstoken"):
            entity = self._get(self._lists, *_list_row("token", scope, list_key))
        return None if entity is None else str(entity["token"])

    def load_items(self, scope: str, list_key: str) -> dict[int, StoredItem]:
        with guard("indlæs elementer"):
            entities = list(
                self._items.query_entities("PartitionKey eq @pk", parameters={"pk": join_keys(scope, list_key)})
            )
            return self._items_from(list_key, entities)

    def item_ids(self, scope: str, list_key: str) -> set[int]:
        with guard("indlæs element-id'er"):
            entities = self._items.query_entities(
                "PartitionKey eq @pk", parameters={"pk": join_keys(scope, list_key)}, select=["RowKey"]
            )
            return {int(e["RowKey"]) for e in entities}

    def get_items(self, scope: str, list_key: str, ids: Sequence[int]) -> dict[int, StoredItem]:
        wanted = set(ids)
        if len(wanted) > _POINT_READS:
            return {i: item for i, item in self.load_items(scope, list_key).items() if i in wanted}
        partition = join_keys(scope, list_key)
        with guard("læs elementer"):
            found = [self._get(self._items, partition, item_row(i)) for i in sorted(wanted)]
            return self._items_from(list_key, [e for e in found if e is not None])

    def commit(
        self, scope: str, list_key: str, *, upserts: Sequence[StoredItem], deletes: Sequence[int], token: str | None
    ) -> None:
        by_id = check_commit(list_key, upserts, deletes)
        partition = join_keys(scope, list_key)
        if token is not None:
            # Checked before any item is stored. There is no transaction to close the gap to the token
            # write below; the list's lease is what keeps another run out of it.
            check_token_order(scope, list_key, self.get_token(scope, list_key), token)
        with guard("gem elementer"):
            old_blobs = self._item_blobs(scope, list_key) if by_id or deletes else {}
            keep: set[str] = set()
            operations = []
            for item in by_id.values():
                raw, digest = compress(item.record_json)
                entity: dict[str, Any] = {
                    "PartitionKey": partition,
                    "RowKey": item_row(item.item_id),
                    "fingerprint": item.fingerprint,
                    "bot_fingerprint": item.bot_fingerprint,
                    # '' stands for None: a merge cannot set a property to null.
                    "etag": item.etag or "",
                }
                if item.modified is not None:
                    entity["modified"] = dt_to_text(item.modified)
                if item.editor is not None:
                    entity["editor"] = item.editor
                if len(raw) <= INLINE_LIMIT:
                    entity["body"] = raw
                else:
                    name = f"{blob_prefix('items', scope, list_key)}{item.item_id}-{digest}"
                    self._blobs.upload_blob(name, raw, overwrite=True)
                    entity["blob"] = name
                    keep.add(name)
                operations.append(("upsert", entity, _UPSERT))
            submit_batches(self._items, operations)
            submit_batches(
                self._items,
                [("delete", {"PartitionKey": partition, "RowKey": item_row(i)}, {}) for i in sorted(set(deletes))],
            )
            touched = by_id.keys() | set(deletes)
            self._delete_blobs([n for i, names in old_blobs.items() if i in touched for n in names if n not in keep])
        if self._fault is not None:
            self._fault("before-token")
        if token is not None:
            with guard("gem ændringstoken"):
                self._lists.upsert_entity(_list_entity("token", scope, list_key, token=token), mode=UpdateMode.REPLACE)

    def update_bot_fingerprints(self, scope: str, list_key: str, values: Mapping[int, tuple[str, str | None]]) -> None:
        partition = join_keys(scope, list_key)
        operations = [
            (
                "update",
                {"PartitionKey": partition, "RowKey": item_row(i), "bot_fingerprint": bot, "etag": etag or ""},
                _MERGE,
            )
            for i, (bot, etag) in sorted(values.items())
        ]
        with guard("gem bot-fingeraftryk"):
            submit_batches(self._items, operations)

    def reset(self, scope: str, list_key: str | None = None) -> None:
        scope_key = encode_key(scope)
        with guard("nulstil tilstand"):
            # The token goes first: without it the next run reconciles everything, so a crash half-way
            # through deleting items cannot leave an incremental run with items missing.
            if list_key is None:
                rows = self._lists.query_entities(
                    "PartitionKey eq @pk and RowKey ge 'token|' and RowKey lt 'token}'",
                    parameters={"pk": scope_key},
                    select=["PartitionKey", "RowKey"],
                )
                for row in list(rows):
                    self._lists.delete_entity(row["PartitionKey"], row["RowKey"])
                entities = self._items.query_entities(
                    "PartitionKey ge @lo and PartitionKey lt @hi",
                    parameters={"lo": scope_key + "|", "hi": scope_key + "}"},
                    select=["PartitionKey", "RowKey"],
                )
                blobs = blob_prefix("items", scope)
            else:
                self._lists.delete_entity(*_list_row("token", scope, list_key))
                entities = self._items.query_entities(
                    "PartitionKey eq @pk",
                    parameters={"pk": join_keys(scope, list_key)},
                    select=["PartitionKey", "RowKey"],
                )
                blobs = blob_prefix("items", scope, list_key)
            by_partition: dict[str, list[Any]] = {}
            for e in entities:
                key = {"PartitionKey": e["PartitionKey"], "RowKey": e["RowKey"]}
                by_partition.setdefault(e["PartitionKey"], []).append(("delete", key, {}))
            for operations in by_partition.values():
                submit_batches(self._items, operations)
            self._delete_blobs(list(self._blobs.list_blob_names(name_starts_with=blobs)))

    # -- leases (kksync.state._azure_lease) --------------------------------------------------------
    def acquire_lease(self, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None:
        return acquire_blob_lease(self._blobs, scope, list_key, owner=owner, ttl_seconds=ttl_seconds)

    def renew_lease(self, lease: Lease) -> Lease | None:
        return renew_blob_lease(self._blobs, lease)

    def release_lease(self, lease: Lease) -> None:
        release_blob_lease(self._blobs, lease)

    # -- run history -------------------------------------------------------------------------------
    def record_run(self, run: RunRecord) -> None:
        row = run_row(run_sort_key(run.started_at), run.run_id)
        raw, _ = compress(run_to_json(run))
        entity: dict[str, Any] = {"PartitionKey": encode_key(run.scope), "RowKey": row}
        blob = f"{blob_prefix('runs', run.scope)}{row.replace('|', '-')}"
        with guard("gem kørsel"):
            if len(raw) <= INLINE_LIMIT:
                entity["body"] = raw
            else:
                entity["blob"] = blob
                self._blobs.upload_blob(blob, raw, overwrite=True)
            self._runs.upsert_entity(entity, mode=UpdateMode.REPLACE)
            if "blob" not in entity:
                # An earlier, larger record of the same run may have left its body in a blob.
                self._delete_blobs([blob])

    def runs(self, scope: str, limit: int = 20) -> list[RunRecord]:
        check_limit(limit)
        entities: list[dict[str, Any]] = []
        with guard("læs kørsler"):
            pages = self._runs.query_entities(
                "PartitionKey eq @pk", parameters={"pk": encode_key(scope)}, results_per_page=min(limit, 1000)
            )
            for entity in pages:
                entities.append(entity)
                if len(entities) >= limit:
                    break
            bodies = self._bodies(entities)
        try:
            return [run_from_json(body) for body in bodies]
        except (ValueError, KeyError, TypeError) as error:
            raise state_error("azure_corrupt", error=error) from error

    # -- snapshots ---------------------------------------------------------------------------------
    def _snapshot_name(self, scope: str, plan_key: str, status_date: date) -> str:
        return blob_prefix("snapshots", scope, plan_key) + status_date.isoformat()

    def put_snapshot(self, scope: str, plan_key: str, status_date: date, data: bytes) -> None:
        with guard("gem øjebliksbillede"):
            self._blobs.upload_blob(self._snapshot_name(scope, plan_key, status_date), bytes(data), overwrite=True)

    def get_snapshot(self, scope: str, plan_key: str, status_date: date) -> bytes | None:
        with guard("læs øjebliksbillede"):
            try:
                return bytes(self._blobs.download_blob(self._snapshot_name(scope, plan_key, status_date)).readall())
            except ResourceNotFoundError:
                return None

    def delete_snapshot(self, scope: str, plan_key: str, status_date: date) -> bool:
        with guard("slet øjebliksbillede"):
            try:
                self._blobs.delete_blob(self._snapshot_name(scope, plan_key, status_date))
            except ResourceNotFoundError:
                return False
        return True

    def list_snapshots(self, scope: str, plan_key: str) -> list[date]:
        with guard("list øjebliksbilleder"):
            names = list(self._blobs.list_blob_names(name_starts_with=blob_prefix("snapshots", scope, plan_key)))
        return sorted(date.fromisoformat(name.rsplit("/", 1)[1]) for name in names)

    # -- webhook bookkeeping -----------------------------------------------------------------------
    def set_last_notification(self, scope: str, list_key: str, at: datetime) -> None:
        entity = _list_entity("notified", scope, list_key, at=dt_to_text(at))
        with guard("gem notifikationstidspunkt"):
            self._lists.upsert_entity(entity, mode=UpdateMode.REPLACE)

    def last_notification_at(self, scope: str, list_key: str) -> datetime | None:
        with guard("læs notifikationstidspunkt"):
            entity = self._get(self._lists, *_list_row("notified", scope, list_key))
        return None if entity is None else dt_from_text(entity["at"])

    def put_subscription(self, scope: str, list_key: str, subscription: Subscription) -> None:
        entity = _list_entity(
            "sub", scope, list_key, list_key=list_key, subscription_id=subscription.subscription_id,
            expiration=dt_to_text(subscription.expiration), client_state_hash=subscription.client_state_hash,
        )
        with guard("gem webhook-abonnement"):
            self._lists.upsert_entity(entity, mode=UpdateMode.REPLACE)

    @staticmethod
    def _subscription(entity: Mapping[str, Any]) -> Subscription:
        expiration = dt_from_text(entity["expiration"])
        assert expiration is not None
        return Subscription(entity["subscription_id"], expiration, entity["client_state_hash"])

    def get_subscription(self, scope: str, list_key: str) -> Subscription | None:
        with guard("læs webhook-abonnement"):
            entity = self._get(self._lists, *_list_row("sub", scope, list_key))
        return None if entity is None else self._subscription(entity)

    def subscriptions(self, scope: str) -> dict[str, Subscription]:
        with guard("list webhook-abonnementer"):
            entities = list(
                self._lists.query_entities(
                    "PartitionKey eq @pk and RowKey ge 'sub|' and RowKey lt 'sub}'",
                    parameters={"pk": encode_key(scope)},
                )
            )
        return {e["list_key"]: self._subscription(e) for e in entities}

    def delete_subscription(self, scope: str, list_key: str) -> None:
        with guard("slet webhook-abonnement"):
            self._lists.delete_entity(*_list_row("sub", scope, list_key))

    # -- lifetime ----------------------------------------------------------------------------------
    def close(self) -> None:
        self._service.close()
        self._blobs.close()

    def __repr__(self) -> str:
        return f"AzureStateStore(prefix={self._prefix!r})"
