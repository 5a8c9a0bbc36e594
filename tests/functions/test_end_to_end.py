"""A department edit travels the whole way: emulator webhook → handler → Azurite queue → processor → warnings.

The emulator's subscription points at the real webhook handler on loopback; the nightly reconcile
function creates the subscriptions (handshake included) and does the first full sync.
"""

from __future__ import annotations

import json
import logging

import pytest

from kksync.emulator import EmulatorServer
from kksync.schema import list_schema

from .conftest import Env, Handler, WebhookAdapter, receive, receive_all, timer

pytestmark = pytest.mark.azurite

INITIATIVES = list_schema("initiatives")
BOT = [c.name for c in INITIATIVES.bot_columns]


def bot_values(site: EmulatorServer, item_id: int) -> dict:
    item = site.get_item(INITIATIVES.title, item_id)
    return {name: item.get(name) for name in BOT}


def item_writes(site: EmulatorServer) -> int:
    return site.request_log.op_counts()["update_item"]


def test_department_edit_updates_warnings_once(handlers: dict[str, Handler], env: Env, site: EmulatorServer,
                                               adapter: WebhookAdapter, caplog) -> None:
    caplog.set_level(logging.INFO, "kksync.functions")
    handlers["nightly_reconcile"](timer())
    assert [kind for kind, status in adapter.calls] == ["validation"] * 8 and {s for _, s in adapter.calls} == {200}
    site.hooks.wait_idle()  # the first write-back notified us too; that message is processed below
    for message in receive_all(env):
        handlers["process_changes"](message)
    assert env.visible() == []

    target = next(i for i in site.items(INITIATIVES.title) if i.get("KkKey"))
    before = bot_values(site, target["Id"])
    department = site.add_user("afdeling@kk.dk")["Id"]
    purpose = INITIATIVES.column("KkPurpose").name
    site.edit_item(INITIATIVES.title, target["Id"], {purpose: None}, editor=department)
    assert site.hooks.wait_idle()
    assert adapter.calls[-1] == ("notification", 202)
    assert [json.loads(m)["list"] for m in env.visible()] == ["initiatives"]

    handlers["process_changes"](receive(env))
    after = bot_values(site, target["Id"])
    assert after != before and after[BOT[1]] != before[BOT[1]]
    assert "list initiatives synced: 1 changed" in caplog.text

    # Our own write-back makes SharePoint notify again: the second notification for the same change
    # is processed like any other and writes nothing.
    assert site.hooks.wait_idle()
    writes = item_writes(site)
    handlers["process_changes"](receive(env))
    assert item_writes(site) == writes
    assert bot_values(site, target["Id"]) == after
    assert "list initiatives synced: 0 changed, 0 written" in caplog.text
