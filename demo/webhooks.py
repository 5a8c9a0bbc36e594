"""The demo's webhook round trip: department edit → notification → queue → processor → warnings.

A loopback endpoint plays the function app's webhook receiver: it answers SharePoint's validation
handshake and hands notifications to ``receive_notifications``, the same service the Azure
Function wraps; the in-process ``MemoryChangeQueue`` stands in for the Azure Storage queue
(the Azurite-backed path is covered by ``tests/functions``). Demo only: nothing in the product
imports this module.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kksync.core.schema import list_schema
from kksync.queues import MemoryChangeQueue
from kksync.services.processor import receive_notifications
from kksync.services.subscriptions import WebhookTarget, subscribe
from kksync.services.webhooks import WebhookRejected, check_token, validation_token
from sp_emulator.receiver import Answer, Delivery, WebhookReceiver

if TYPE_CHECKING:
    from rich.console import Console

    from kksync.app import Runtime
    from sp_emulator import EmulatorServer

__all__ = ["LoopbackWebhook", "run"]

INITIATIVES = list_schema("initiatives")


class LoopbackWebhook(WebhookReceiver):
    """``POST /api/webhook`` on 127.0.0.1, backed by the webhook services and an in-process queue."""

    def __init__(self, runtime: Runtime, secret: str) -> None:
        self.queue = MemoryChangeQueue()

        def answer(delivery: Delivery) -> Answer:
            token = validation_token(delivery.params)
            try:
                if token is not None:
                    status, text = 200, check_token(token)
                else:
                    receipt = receive_notifications(
                        delivery.body, content_length=delivery.header("Content-Length"), secret=secret,
                        store=runtime.store, scope=runtime.scope, queue=lambda: self.queue, now=datetime.now(UTC),
                    )
                    status, text = receipt.status, ""
            except WebhookRejected as error:
                status, text = error.status, str(error)
            return Answer(status, text.encode("utf-8"))

        super().__init__(on_validation=answer, on_notification=answer)

    def drain(self, runtime: Runtime) -> tuple[int, int]:
        """Process every queued message like the queue-triggered function: (messages, items written)."""
        messages = writes = 0
        while self.queue.messages:
            message, _ = self.queue.messages.pop(0)
            result = runtime.process_change(message, queue=self.queue)
            messages += 1
            writes += result.outcome.writes if result.outcome else 0
        return messages, writes


def _bot_text(sp: EmulatorServer, item_id: int) -> str:
    missing = next(c.name for c in INITIATIVES.bot_columns if c.attr == "missing")
    return str(sp.get_item(INITIATIVES.title, item_id).get(missing) or "(intet mangler)")


def run(sp: EmulatorServer, runtime: Runtime, console: Console) -> None:
    secret = secrets.token_urlsafe(32)
    hook = LoopbackWebhook(runtime, secret)
    try:
        target = WebhookTarget.from_settings(runtime.settings, notification_url=hook.url, client_state=secret)
        subscriptions = subscribe(runtime.client, runtime.store, scope=runtime.scope, target=target)
        handshakes = sum(1 for kind, status in hook.calls if kind == "validation" and status == 200)
        console.print(f"{len(subscriptions)} webhook-abonnementer oprettet ({handshakes} valideringer besvaret).")

        rank = next(c for c in INITIATIVES.department_columns if c.attr == "rank")
        target = next(i for i in sp.items(INITIATIVES.title) if i.get(rank.name))
        console.print(f"En forvaltning fjerner prioriteten fra «{target['Title']}».")
        sp.edit_item(INITIATIVES.title, int(target["ID"]), {rank.name: None})
        sp.hooks.wait_idle()
        notified = [status for kind, status in hook.calls if kind == "notification"]
        console.print(f"SharePoint sendte {len(notified)} notifikation(er) (svar {notified}); "
                      f"{len(hook.queue.messages)} besked(er) i køen.")
        messages, writes = hook.drain(runtime)
        console.print(f"Behandlet {messages} besked(er): {writes} element(er) fik nye advarsler. "
                      f"«Hvad mangler» er nu: {_bot_text(sp, int(target['ID']))[:120]}")

        sp.hooks.wait_idle()  # our own write-back notifies too
        messages, writes = hook.drain(runtime)
        console.print(f"Notifikationen om kksyncs egen skrivning: {messages} besked(er), {writes} skrivninger "
                      "(løkkebeskyttelsen).")
    finally:
        hook.close()
