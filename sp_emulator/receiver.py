"""The other end of the emulator's webhook protocol: a loopback endpoint SharePoint can notify.

``WebhookReceiver`` listens on 127.0.0.1, answers SharePoint's validation handshake
(``POST url?validationtoken=...`` → ``200 text/plain`` echoing the token), hands every notification to
a callable, and records what it got. The demo, the tests and the soak share it; whoever needs the
product's own webhook logic passes it in as ``on_notification`` / ``on_validation`` (nothing here
imports kksync).

    >>> with WebhookReceiver() as hook:
    ...     subscribe(list_id, hook.url)
    ...     department_edits()
    ...     assert hook.wait_for(1)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Answer", "Delivery", "WebhookReceiver"]

Kind = Literal["validation", "notification"]


@dataclass(frozen=True)
class Delivery:
    """One POST the receiver got, and what it answered."""

    kind: Kind
    path: str
    query: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int = 0

    def header(self, name: str) -> str | None:
        """A request header, looked up case-blind as HTTP wants (urllib sends ``Content-length``)."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    @property
    def target(self) -> str:
        """Path and query, as on the request line."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def validation_token(self) -> str | None:
        # SharePoint writes ``validationtoken``; match it the way an HTTP framework would, case-blind.
        return next((v for k, v in self.params.items() if k.lower() == "validationtoken"), None)


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"


Callback = Callable[[Delivery], Answer]


class WebhookReceiver:
    """``POST {path}`` on 127.0.0.1 (a free port). Without callbacks it echoes the handshake token
    (``echo=False``: answers something else, so the subscription fails) and answers notifications
    with ``status`` (changeable while it runs, e.g. 500 to make SharePoint retry)."""

    def __init__(
        self,
        *,
        on_notification: Callback | None = None,
        on_validation: Callback | None = None,
        status: int = 200,
        echo: bool = True,
        path: str = "/api/webhook",
    ) -> None:
        self.on_notification = on_notification
        self.on_validation = on_validation
        self.status = status
        self.echo = echo
        self.received: list[Delivery] = []
        self.errors: list[Exception] = []
        """What the callbacks raised (each answered 500)."""
        self._cond = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}{path}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="webhook-receiver", daemon=True)
        self._thread.start()

    # -- what it got ---------------------------------------------------------------------------------
    @property
    def validations(self) -> list[str]:
        """The handshake tokens, in order."""
        return [d.validation_token or "" for d in self._snapshot() if d.kind == "validation"]

    @property
    def notifications(self) -> list[bytes]:
        """The notification bodies, in order."""
        return [d.body for d in self._snapshot() if d.kind == "notification"]

    @property
    def calls(self) -> list[tuple[Kind, int]]:
        """(kind, status answered) per POST, in order."""
        return [(d.kind, d.status) for d in self._snapshot()]

    def wait_for(self, notifications: int = 1, timeout: float = 10.0) -> bool:
        """Block until at least ``notifications`` notifications have come in; False if ``timeout`` ran out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while sum(d.kind == "notification" for d in self.received) < notifications:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def _snapshot(self) -> list[Delivery]:
        with self._cond:
            return list(self.received)

    # -- answering -----------------------------------------------------------------------------------
    def answer(self, delivery: Delivery) -> Answer:
        if delivery.kind == "validation":
            if self.on_validation is not None:
                return self.on_validation(delivery)
            token = delivery.validation_token or ""
            return Answer(200, token.encode("utf-8") if self.echo else b"not the token")
        if self.on_notification is not None:
            return self.on_notification(delivery)
        return Answer(self.status)

    def _record(self, delivery: Delivery) -> None:
        with self._cond:
            self.received.append(delivery)
            self._cond.notify_all()

    # -- lifecycle -----------------------------------------------------------------------------------
    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> WebhookReceiver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            parts = urlsplit(self.path)
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            kind: Kind = "validation" if any(k.lower() == "validationtoken" for k in params) else "notification"
            got = Delivery(kind, parts.path, parts.query, params, dict(self.headers.items()), body)
            try:
                answer = receiver.answer(got)
            except Exception as error:  # a callback's bug: answer like a failing function app, keep the error
                receiver.errors.append(error)
                answer = Answer(500)
            # Recorded before the answer goes out: once SharePoint has its answer, the record is there.
            receiver._record(replace(got, status=answer.status))
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

    return Handler
