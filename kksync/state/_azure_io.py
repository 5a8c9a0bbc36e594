"""Storage-level helpers of the Azure state store: keys, compressed bodies and table batches.

Limits that shape this module (Azure Table storage): a property holds at most 64 KiB, an entity
1 MiB, and a batch transaction at most 100 entities of one partition in at most 4 MiB. Bodies are
zlib-compressed (records are repetitive JSON, typically 5-10x smaller) and stored inline as a
binary property when they fit; larger ones go to a blob whose name carries the content hash, so a
new body never overwrites the blob the committed entity still points at.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from azure.core.exceptions import AzureError, ResourceNotFoundError

from kksync.state.codec import encode_key
from kksync.texts import state_error

__all__ = [
    "INLINE_LIMIT",
    "blob_prefix",
    "compress",
    "guard",
    "item_row",
    "join_keys",
    "run_row",
    "submit_batches",
]

# Headroom below the 64 KiB property limit for the service's own accounting.
INLINE_LIMIT = 60_000
_BATCH_ENTITIES = 100
# Binary properties travel base64-encoded (4/3 larger); keep a batch well under the 4 MiB cap.
_BATCH_BYTES = 3 * 1024 * 1024
_INVERT = 10**17


@contextmanager
def guard(action: str) -> Iterator[None]:
    """Turn any Azure SDK failure into a ``StateError`` that says what kksync was doing."""
    try:
        yield
    except AzureError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise state_error("azure_failed", action=action, error=first_line) from error


def join_keys(*parts: str) -> str:
    # '|' is always %-escaped inside an encoded part, so the join cannot be ambiguous.
    return "|".join(encode_key(part) for part in parts)


def item_row(item_id: int) -> str:
    # Zero-padded so a partition lists in item order.
    return f"{item_id:012d}"


def run_row(sort_key: int, run_id: str) -> str:
    """Rows sort ascending, so the inverted start time lists the newest run first."""
    return f"{max(0, _INVERT - sort_key):017d}|{encode_key(run_id)}"


def _blob_segment(part: str) -> str:
    encoded = encode_key(part)
    # A "." or ".." segment is resolved away on the way to the service (a plan keyed ".." would be
    # stored somewhere else, or refused as a bad signature); "%" is always escaped, so "%2E" stays distinct.
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def blob_prefix(kind: str, *parts: str) -> str:
    return "/".join([kind, *(_blob_segment(part) for part in parts)]) + "/"


def compress(text: str) -> tuple[bytes, str]:
    """The zlib-compressed UTF-8 bytes and a short content hash for a blob name."""
    raw = zlib.compress(text.encode("utf-8"), 6)
    return raw, hashlib.sha256(raw).hexdigest()[:20]


def decompress(raw: bytes) -> str:
    try:
        return zlib.decompress(raw).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise state_error("azure_corrupt", error=error) from error


def _entity_size(entity: Mapping[str, Any]) -> int:
    size = 1024
    for value in entity.values():
        size += len(value) * 4 // 3 + 64 if isinstance(value, bytes | str) else 64
    return size


def _batches(operations: Iterable[tuple[str, Mapping[str, Any], dict[str, Any]]]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    size = 0
    for op in operations:
        op_size = _entity_size(op[1])
        if batch and (len(batch) >= _BATCH_ENTITIES or size + op_size > _BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(op)
        size += op_size
    if batch:
        yield batch


def submit_batches(table: Any, operations: Iterable[tuple[str, Mapping[str, Any], dict[str, Any]]]) -> None:
    """Submit operations on one partition as atomic batches of at most 100 entities.

    A batch fails whole if one delete or update hits a missing entity; that happens when a commit is
    applied a second time after a crash (or an item was reset meanwhile), so such a batch is retried
    entity by entity, where a missing entity is simply skipped.
    """
    for batch in _batches(operations):
        try:
            table.submit_transaction(batch)
        except AzureError:
            if all(op[0] == "upsert" for op in batch):
                raise
            for kind, entity, options in batch:
                if kind == "delete":
                    table.delete_entity(entity["PartitionKey"], entity["RowKey"])
                elif kind == "update":
                    with suppress(ResourceNotFoundError):
                        table.update_entity(entity, **options)
                else:
                    table.upsert_entity(entity, **options)
