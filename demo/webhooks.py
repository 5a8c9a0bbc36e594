"""The demo's webhook round trip: department edit → notification → queue → processor → warnings.

A loopback endpoint plays the function app's webhook receiver: it answers SharePoint's validation
handshake and hands notifications to ``receive_notifications``, the same service the Azure
Function wraps; the in-process ``MemoryChangeQueue`` stands in for the Azure Storage queue
(the Azurite-backed path is covered by ``tests/functions``). Demo only: nothing in the product
imports this module.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from kksync.core.schema import list_schema
from kksync.queues import MemoryChangeQueue
from kksync.services.processor import receive_notifications
from kksync.services.subscriptions import WebhookTarget, subscribe
from kksync.services.webhooks import WebhookRejected, check_token, validation_token

if TYPE_CHECKING:
    from rich.console import Console

    from kksync.app import Runtime
    from sp_emulator import EmulatorServer

__all__ = ["LoopbackWebhook", "run"]

INITIATIVES = list_schema("initiatives")


class LoopbackWebhook:
    """``POST /api/webhook`` on 127.0.0.1, backed by the webhook services and an in-process queue."""

    def __init__(self, runtime: Runtime, secret: str) -> None:
        self.queue = MemoryChangeQueue()
        self.log: list[tuple[str, int]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = validation_token(dict(parse_qsl(urlsplit(self.path).query)))
                try:
                    if token is not None:
                        status, text = 200, check_token(token)
                    else:
                        receipt = receive_notifications(
                            body, content_length=self.headers.get("Content-Length"), secret=secret,
                            store=runtime.store, scope=runtime.scope, queue=lambda: outer.queue, now=datetime.now(UTC),
                        )
                        status, text = receipt.status, ""
                except WebhookRejected as error:
                    status, text = error.status, str(error)
                outer.log.append(("handshake" if token is not None else "notifikation", status))
                payload = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/api/webhook"
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-webhook", daemon=True)
        self._thread.start()

    def drain(self, runtime: Runtime) -> tuple[int, int]:
        """Process every queued message like the queue-triggered function: (messages, items written)."""
        messages = writes = 0
        while self.queue.messages:
            message, _ = self.queue.messages.pop(0)
            result = runtime.process_change(message, queue=self.queue)
            messages += 1
            writes += result.outcome.writes if result.outcome else 0
        return messages, writes

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _bot_text(sp: EmulatorServer, item_id: int) -> str:
    missing = next(c.name for c in INITIATIVES.bot_columns if c.attr == "missing")
    return str(sp.get_item(INITIATIVES.title, item_id).get(missing) or "(intet mangler)")


def run(sp: EmulatorServer, runtime: Runtime, console: Console) -> None:
    secret = secrets.token_urlsafe(32)
    hook = LoopbackWebhook(runtime, secret)
    try:
        target = WebhookTarget.from_settings(runtime.settings, notification_url=hook.url, client_state=secret)
        subscriptions = subscribe(runtime.client, runtime.store, scope=runtime.scope, target=target)
        handshakes = sum(1 for kind, status in hook.log if kind == "handshake" and status == 200)
        console.print(f"{len(subscriptions)} webhook-abonnementer oprettet ({handshakes} valideringer besvaret).")

        rank = next(c for c in INITIATIVES.department_columns if c.attr == "rank")
        target = next(i for i in sp.items(INITIATIVES.title) if i.get(rank.name))
        console.print(f"En forvaltning fjerner prioriteten fra «{target['Title']}».")
        sp.edit_item(INITIATIVES.title, int(target["ID"]), {rank.name: None})
        sp.hooks.wait_idle()
        notified = [status for kind, status in hook.log if kind == "notifikation"]
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
