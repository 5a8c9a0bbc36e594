"""The pure parts: key encoding, run serialisation, scope and backend selection."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kksync.settings import Settings
from kksync.state import (
    ChangeRecord,
    ListRunStats,
    RunRecord,
    SqliteStateStore,
    StateStore,
    is_azure_state,
    make_scope,
    open_state_store,
)
from kksync.state.codec import KEY_LIMIT, encode_key, run_from_json, run_sort_key, run_to_json
from tests.state.contract import CONFUSABLE, ODD_SCOPES

# Azure table keys may not contain these; '|' is reserved as our separator.
FORBIDDEN = re.compile(r"[/\\#?|\x00-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("value", [*ODD_SCOPES, "\u2028", "z" * KEY_LIMIT, "z" * (KEY_LIMIT + 1)])
def test_encoded_keys_are_safe_and_bounded(value: str) -> None:
    encoded = encode_key(value)
    assert not FORBIDDEN.search(encoded)
    assert encoded.isascii()
    assert len(encoded) <= 265


def test_encoding_keeps_distinct_values_distinct() -> None:
    values = [*ODD_SCOPES, *(part for pair in CONFUSABLE for key in pair for part in key), "%", "%25", "~", "a~b"]
    values += ["y" * 300 + str(n) for n in range(50)]
    assert len({encode_key(v) for v in set(values)}) == len(set(values))


def test_plain_urls_stay_readable() -> None:
    assert encode_key("https://kk.sharepoint.com/sites/it") == "https:%2F%2Fkk.sharepoint.com%2Fsites%2Fit"


def test_run_json_round_trip_and_forward_compatibility() -> None:
    run = RunRecord(
        "r", "s", datetime(2024, 1, 1, tzinfo=UTC), lists={"l": ListRunStats(seen=3)},
        changes=[ChangeRecord("l", 1, "bot-only", None, None)],
    )  # fmt: skip
    assert run_from_json(run_to_json(run)) == run
    body = json.loads(run_to_json(run))
    body["lists"]["l"]["a_counter_from_the_future"] = 7
    body["something_new"] = True
    assert run_from_json(json.dumps(body)) == run


def test_sort_key_treats_naive_as_utc() -> None:
    assert run_sort_key(datetime(2024, 1, 1)) == run_sort_key(datetime(2024, 1, 1, tzinfo=UTC))
    assert run_sort_key(datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)) == 1_000_000


def test_make_scope_normalises_the_site() -> None:
    assert make_scope("https://KK.sharepoint.com/sites/IT/ ", "plan") == "https://kk.sharepoint.com/sites/it#plan"
    assert make_scope("https://kk.sharepoint.com/sites/it") != make_scope("https://kk.sharepoint.com/sites/it", "b")


def test_backend_selection(tmp_path: Path) -> None:
    assert is_azure_state("DefaultEndpointsProtocol=https;AccountName=kk;AccountKey=x;EndpointSuffix=core.windows.net")
    assert is_azure_state("UseDevelopmentStorage=true")
    assert not is_azure_state(".kksync/state.db")
    with open_state_store(str(tmp_path / "a" / "state.db")) as store:
        assert isinstance(store, SqliteStateStore) and isinstance(store, StateStore)
    settings = Settings(state=str(tmp_path / "b.db"))
    assert not settings.state_is_azure
    with open_state_store(settings) as store:
        assert isinstance(store, SqliteStateStore)
    assert (tmp_path / "b.db").exists()


def test_change_number_reads_the_fifth_field() -> None:
    from kksync.state.base import change_number

    assert change_number("1;3;ABC-id;638500000000000000;42") == ("abc-id", 42)
    assert change_number("1;3;abc;638500000000000000") is None
    assert change_number("1;3;abc;638500000000000000;x") is None
    assert change_number("") is None
