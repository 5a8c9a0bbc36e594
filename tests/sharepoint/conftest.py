"""Fixtures for the adapter tests: a client on the emulator, and a loopback webhook that answers the handshake."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kksync.app import build_client
from kksync.settings import Settings
from kksync.sharepoint.client import SharePointClient
from kksync.sharepoint.transport import GuardedTransport
from sp_emulator import EmulatorServer


def client_for(sp: EmulatorServer, transport: GuardedTransport | None = None, *, page_size: int = 100) -> SharePointClient:
    client = build_client(Settings(site_url=sp.url, state=":memory:"), transport=transport)
    client.page_size = page_size
    return client


class Handshake:
    """Answers SharePoint's validation handshake (echoes ``validationtoken``), counts them."""

    def __init__(self) -> None:
        self.validations = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = parse_qs(urlsplit(self.path).query).get("validationtoken", [""])[0].encode()
                owner.validations += bool(token)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(token)))
                self.end_headers()
                self.wfile.write(token)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/api/webhook"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def handshake() -> Iterator[Handshake]:
    served = Handshake()
    yield served
    served.close()
