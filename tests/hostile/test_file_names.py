"""Hostile plan keys: they become file names, blob names in the state store and document metadata.

A key must give a safe, stable file name that stays in the output folder and the library; two keys
that are one key to a person (composed and decomposed "å") give one name, any two others different
names; a snapshot stored under the key is read back under exactly that key (SQLite and Azure); and
the documents built for a plan with that key are sound and carry the key unchanged.
``tests/security/test_upload_paths.py`` covers what the SharePoint client sends for such names.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kksync.core.mapping import from_item, to_item
from kksync.core.model import DocumentType
from kksync.core.schema import list_schema
from kksync.core.snapshots import Snapshot, snapshot_of
from kksync.documents import is_safe_file_name, render, safe_file_name
from kksync.documents.content.names import MAX_FILE_NAME
from kksync.sharepoint.client import check_file_name
from kksync.state import SqliteStateStore, open_state_store
from kksync.state.base import StateStore
from testkit.scenarios import documents_report
from tests.hostile.corpus import EQUIVALENT_KEYS, PLAN_KEYS, KeyCase
from tests.hostile.pipeline import BASE, JOINT, STATUS_DATE, assert_sound_docx

IDS = [c.id for c in PLAN_KEYS]
SCOPE = "https://kk.sharepoint.com/sites/it-strategi#default"


@pytest.mark.parametrize("case", PLAN_KEYS, ids=IDS)
def test_key_gives_a_safe_stable_name_inside_the_folder(case: KeyCase, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for doc_type in DocumentType:
        for when in (2012, STATUS_DATE):
            name = safe_file_name(case.key, doc_type, when)
            assert is_safe_file_name(name) and len(name) <= MAX_FILE_NAME and name.endswith(".docx"), name
            assert name == safe_file_name(case.key, doc_type, when)  # the same plan republishes the same file
            assert check_file_name("Publikationer", name) == name  # the client's upload guard agrees
            assert (out / name).resolve().parent == out.resolve()


def test_distinct_keys_never_share_a_name() -> None:
    names = {c.id: safe_file_name(c.key, DocumentType.STATUS, 2012) for c in PLAN_KEYS}
    for a, b in itertools.combinations(PLAN_KEYS, 2):
        same = (a.id, b.id) in EQUIVALENT_KEYS or (b.id, a.id) in EQUIVALENT_KEYS
        assert (names[a.id] == names[b.id]) is same, (a.id, b.id, names[a.id])


@pytest.mark.parametrize("case", PLAN_KEYS, ids=IDS)
def test_key_in_a_document_keeps_it_sound(case: KeyCase) -> None:
    # The key as the sync reads it from the plans list (a NUL removed, 2.000 characters cut, both reported).
    plan = next(p for p in BASE.plans if p.key == JOINT)
    mapped = from_item(list_schema("plans"), {**to_item(plan), "KkKey": case.key})
    key = mapped.record.key
    assert (key == case.key) is not any(p.column == "KkKey" for p in mapped.problems)
    plans = [mapped.record if p.key == JOINT else p for p in BASE.plans]
    snapshot = snapshot_of(BASE.model_copy(update={"plans": plans}), key, STATUS_DATE)
    document = render(snapshot, documents_report(BASE), DocumentType.READINESS)
    assert_sound_docx(document.data)
    assert document.spec.plan_key == key  # the key travels unchanged into the publication metadata
    assert Snapshot.from_json(snapshot.to_json()).plan_key == key


def _round_trip(store: StateStore, case: KeyCase) -> None:
    data = f"snapshot of {case.id}".encode()
    store.put_snapshot(SCOPE, case.key, date(2012, 11, 27), data)
    assert store.list_snapshots(SCOPE, case.key) == [date(2012, 11, 27)]
    assert store.get_snapshot(SCOPE, case.key, date(2012, 11, 27)) == data


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStateStore]:
    store = SqliteStateStore(tmp_path_factory.mktemp("keys") / "state.db")
    yield store
    store.close()


@pytest.mark.parametrize("case", PLAN_KEYS, ids=IDS)
def test_snapshot_under_the_key_sqlite(case: KeyCase, sqlite_store: SqliteStateStore) -> None:
    _round_trip(sqlite_store, case)


@pytest.mark.azurite
def test_snapshot_under_every_key_azure(azurite_connection_string: str) -> None:
    """A key of "." or ".." made a blob path segment the HTTP layer resolves away: the upload was refused.

    One test for all keys, so that only one worker starts Azurite.
    """
    store = open_state_store(azurite_connection_string, prefix="hostilekeys")
    try:
        for case in PLAN_KEYS:
            try:
                _round_trip(store, case)
            except Exception as error:  # name the case, as a parametrized test would
                raise AssertionError(f"key case {case.id!r}: {error}") from error
    finally:
        store.close()
