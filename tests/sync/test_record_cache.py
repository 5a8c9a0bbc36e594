"""The record cache: parsed records are reused only while the stored JSON is byte-for-byte the same."""

from __future__ import annotations

from kksync.core.mapping import Mapped
from kksync.core.schema import list_schema
from kksync.services.records import RecordCache, pack
from tests.sync.conftest import small_portfolio

INITIATIVES = list_schema("initiatives")


def _texts(n: int = 3) -> dict[int, str]:
    return {int(i.id or 0): pack(Mapped(i)) for i in small_portfolio(n).initiatives}


def test_unchanged_json_gives_the_same_record_objects() -> None:
    cache, texts = RecordCache(), _texts()
    first = cache.records(INITIATIVES, texts)
    second = cache.records(INITIATIVES, dict(texts))
    assert [r for r, _ in first] == [r for r, _ in second]
    assert all(a is b for (a, _), (b, _) in zip(first, second, strict=True))


def test_changed_json_is_parsed_again_and_removed_ids_are_forgotten() -> None:
    cache, texts = RecordCache(), _texts()
    before = {int(r.id or 0): r for r, _ in cache.records(INITIATIVES, texts)}
    first_id, *rest = sorted(texts)
    changed = before[first_id].model_copy(update={"purpose": "Nyt formål fra forvaltningen"})
    texts[first_id] = pack(Mapped(changed))
    del texts[rest[-1]]
    after = {int(r.id or 0): r for r, _ in cache.records(INITIATIVES, texts)}
    assert after[first_id].purpose == "Nyt formål fra forvaltningen" and after[first_id] is not before[first_id]
    assert after[rest[0]] is before[rest[0]]
    assert rest[-1] not in after
    assert sorted(after) == sorted(texts)
