from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sp_emulator import EmulatorServer


def token() -> dict[str, Any]:
    return {"access_token": "t", "token_type": "Bearer", "expires_in": 3600}


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(db_path=tmp_path / "sp.db", notification_delay=0.05) as server:
        server.hooks.retry_interval = 0.05
        yield server


@pytest.fixture
def ctx(sp: EmulatorServer):
    from office365.sharepoint.client_context import ClientContext

    return ClientContext(sp.url).with_access_token(token)


class Receiver:
    """A tiny loopback webhook endpoint: answers the validation handshake and records notifications."""

    def __init__(self, status: int = 200, echo: bool = True) -> None:
        self.status = status
        self.echo = echo
        self.notifications: list[bytes] = []
        self.validations: list[str] = []
        self.event = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                query = parse_qs(urlsplit(self.path).query)
                if "validationtoken" in query:
                    token = query["validationtoken"][0]
                    receiver.validations.append(token)
                    out = token.encode() if receiver.echo else b"nope"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                receiver.notifications.append(body)
                receiver.event.set()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.close()
