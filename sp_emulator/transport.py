"""An in-process transport: the office365 library talks to an ``EmulatorServer`` without a socket.

In the spirit of ``httpx.MockTransport`` / ``httpx.WSGITransport``: ``EmulatorTransport(server)`` is an
office365 ``BaseTransport`` whose ``execute`` hands the request to ``EmulatorServer.handle`` and wraps
the answer in a real ``requests.Response``. The request is prepared by ``requests`` itself, exactly as
the library's ``RequestsTransport`` would send it, so the emulator sees the bytes the wire would carry
(JSON-encoded dicts, ``X-HTTP-Method``, ``Content-Length``, ...). Faults behave as over HTTP: a dropped
connection raises ``requests.ConnectionError``, a delay sleeps, a 429 carries its ``Retry-After``.

    >>> server = EmulatorServer(db_path=tmp_path / "sp.db")       # never started: no port bound
    >>> client = build_client(Settings(site_url=server.url), transport=GuardedTransport(inner=EmulatorTransport(server)))

Webhook notifications still go out over real HTTP to whatever loopback receiver a test subscribes.
"""

from __future__ import annotations

import io
from email.utils import formatdate
from http import HTTPStatus
from http.client import RemoteDisconnected
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.base import BaseTransport
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse
from urllib3.exceptions import ProtocolError

from .rest import Req
from .server import SERVER, ConnectionDropped, wire_headers

if TYPE_CHECKING:
    from .server import EmulatorServer

__all__ = ["EmulatorTransport"]


class EmulatorTransport(BaseTransport):  # type: ignore[misc]  # the library ships no type information
    """Serves every request from ``server`` in the calling thread; thread-safe as the server is."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        # Only build_response() is used: it turns a urllib3 response into a requests.Response the way
        # requests does for a real socket (status, reason, headers, encoding, url, request, cookies).
        self._adapter = HTTPAdapter()

    def execute(self, request: RequestOptions) -> requests.Response:
        prepared = _prepare(request)
        served = urlsplit(self.server.url)
        target = urlsplit(prepared.url or "")
        if (target.scheme, target.netloc.lower()) != (served.scheme, served.netloc.lower()):
            # What a request to a host nobody listens on gets.
            raise requests.ConnectionError(
                f"No emulator at {target.scheme}://{target.netloc} (this one serves {served.netloc})", request=prepared
            )
        headers = {key.lower(): _text(value) for key, value in prepared.headers.items()}
        method = headers.get("x-http-method", prepared.method or "GET").upper()
        req = Req(method, target.path, target.query, headers, _body_bytes(prepared.body))
        try:
            resp = self.server.handle(req)
        except ConnectionDropped as error:
            # The exception requests raises when the server closes the connection without answering.
            reason = ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response"))
            raise requests.ConnectionError(reason, request=prepared) from error
        out_headers = {"Server": SERVER, "Date": formatdate(usegmt=True), **wire_headers(req, resp)}
        body = b"" if prepared.method == "HEAD" else resp.body
        raw = HTTPResponse(
            body=io.BytesIO(body), headers=out_headers, status=resp.status, reason=_reason(resp.status),
            preload_content=False, decode_content=False, request_method=prepared.method, request_url=prepared.url,
        )
        response: requests.Response = self._adapter.build_response(prepared, raw)
        if not request.stream:
            response.content  # noqa: B018  # read now, as requests does unless asked to stream
        return response

    def close(self) -> None:
        self._adapter.close()


def _prepare(request: RequestOptions) -> requests.PreparedRequest:
    """The request as ``RequestsTransport.execute`` hands it to ``requests`` (same body rules per method)."""
    method = request.method.value.upper()
    kwargs: dict[str, Any] = {"headers": dict(request.headers)}
    if method in ("POST", "PATCH"):
        kwargs["data" if request.is_bytes or request.is_file else "json"] = request.data
    elif method == "PUT":
        kwargs["data"] = request.data
    return requests.Request(method, request.url, auth=request.auth, **kwargs).prepare()


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        # http.client sends a str body as ISO-8859-1 (and refuses anything else): so do we.
        return body.encode("iso-8859-1")
    if hasattr(body, "read"):
        data = body.read()
        return data.encode("iso-8859-1") if isinstance(data, str) else bytes(data)
    return b"".join(bytes(chunk) for chunk in body)  # an iterable of chunks, sent chunked on the wire


def _text(value: str | bytes) -> str:
    return value.decode("iso-8859-1") if isinstance(value, bytes) else value  # header bytes go out as Latin-1


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
