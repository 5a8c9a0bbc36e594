"""Synthetic state-store items shaped like real initiatives, for the state tests and the state benchmark."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kksync.state.base import StoredItem

__all__ = ["synthetic_items"]


def synthetic_items(count: int, *, list_key: str = "bench", text_size: int = 1_500) -> list[StoredItem]:
    """Items shaped like real initiatives: a record of a few KB of Danish text and short hashes."""
    text = ("Initiativet styrker den digitale velfærd i København – æøå. " * (text_size // 60 + 1))[:text_size]
    modified = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return [
        StoredItem(
            list_key=list_key,
            item_id=i,
            record_json=json.dumps({"id": i, "title": f"Initiativ {i}", "description": text}, ensure_ascii=False),
            fingerprint=f"{i:064x}",
            bot_fingerprint=f"{i * 7:064x}",
            etag=f'"{i},1"',
            modified=modified,
            editor="Søren Ærø",
        )
        for i in range(1, count + 1)
    ]
