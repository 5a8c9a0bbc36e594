"""A department edit travels the whole way: emulator webhook → handler → Azurite queue → processor → warnings.

The emulator's subscription points at the real webhook handler on loopback; the nightly reconcile
function creates the subscriptions (handshake included) and does the first full sync.
"""

from __future__ import annotations

import json
import logging

import pytest

from kksync.core.schema import list_schema
from sp_emulator import EmulatorServer

from .conftest import Env, Handler, WebhookAdapter, receive, receive_all, timer

pytestmark = [pytest.mark.azurite, pytest.mark.loopback]

INITIATIVES = list_schema("initiatives")
BOT = [c.name for c in INITIATIVES.bot_columns]


def bot_values(item_id: int) -> dict:
    """The item's bot-owned columns as SharePoint serves them, read through the product's client."""
    from kksync.app import build_client
    from kksync.settings import load_settings

    (row,) = build_client(load_settings()).items_by_ids(INITIATIVES.title, [item_id], select=["Id", *BOT])
    return {name: row.get(name) for name in BOT}


def item_writes(site: EmulatorServer) -> int:
    return site.request_log.op_counts()["update_item"]


def test_department_edit_updates_warnings_once(handlers: dict[str, Handler], env: Env, site: EmulatorServer,
                                               adapter: WebhookAdapter, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    handlers["nightly_reconcile"](timer())
    # (the write-back's own notification may already be in, on a busy machine: only the validations count here)
    assert [status for kind, status in adapter.calls if kind == "validation"] == [200] * 8
    site.hooks.wait_idle()  # the first write-back notified us too; that message is processed below
    for message in receive_all(env):
        handlers["process_changes"](message)
    assert env.visible() == []

    target = min(int(i["ID"]) for i in site.items(INITIATIVES.title))
    before = bot_values(target)
    department = site.add_user("afdeling@kk.dk")["Id"]
    # The department clears the rank: the plan's prioritisation requirement now fails for this item.
    rank = next(c.name for c in INITIATIVES.department_columns if c.attr == "rank")
    site.edit_item(INITIATIVES.title, target, {rank: None}, editor=department)
    assert site.hooks.wait_idle()
    assert adapter.calls[-1] == ("notification", 202)
    assert [json.loads(m)["list"] for m in env.visible()] == ["initiatives"]

    handlers["process_changes"](receive(env))
    after = bot_values(target)
    assert after != before and after[BOT[1]] != before[BOT[1]]
    assert "list initiatives synced: 1 changed" in caplog.text

    # Our own write-back (the initiative and its plan's gate) makes SharePoint notify again: these
    # second notifications for the same change are processed like any other and write nothing.
    assert site.hooks.wait_idle()
    writes = item_writes(site)
    again = receive_all(env)
    assert sorted(json.loads(m.get_body())["list"] for m in again) == ["initiatives", "plans"]
    for message in again:
        handlers["process_changes"](message)
    assert item_writes(site) == writes
    assert bot_values(target) == after
    assert caplog.text.count("synced: 0 changed, 0 written") == 4  # the two drained at the start, these two
