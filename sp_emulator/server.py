"""The HTTP front: auth, fault injection, request log, `$batch`, and the test-facing `EmulatorServer`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import errors
from .batch import build_batch_response, parse_batch
from .errors import SPError
from .faults import Fault, FaultPlan, LoggedRequest, RequestLog
from .fidelity import Fidelity
from .files import Files
from .graph import GRAPH_PREFIX, Graph, GraphError
from .helpers import HelpersMixin
from .permissions import Permissions
from .ratelimit import AppBudget, units_of
from .recyclebin import RecycleBin
from .rest import JSON, Api, Req, Resp
from .site import APP_USER_ID, Site
from .store import Store
from .views import Views
from .webhooks import Webhooks

__all__ = ["ConnectionDropped", "EmulatorServer", "wire_headers"]

SERVER = "Microsoft-IIS/10.0"
_NO_REQUEST_ID = "00000000-0000-0000-0000-000000000000"


class ConnectionDropped(Exception):
    """A fault asked for the connection to be closed without a response."""


def wire_headers(req: Req, resp: Resp) -> dict[str, str]:
    """The headers a response carries on the wire (the HTTP front and the in-process transport share them)."""
    return {
        "Content-Type": resp.content_type,
        "Content-Length": str(len(resp.body)),
        "SPRequestGuid": req.headers.get("client-request-id", _NO_REQUEST_ID),
        "X-SharePointHealthScore": "0",
        **resp.headers,
    }


class _Handler(BaseHTTPRequestHandler):
    server_version = SERVER
    sys_version = ""
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes; Nagle would add ~40 ms each
    emulator: EmulatorServer  # set on a per-server subclass

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        method = headers.get("x-http-method", self.command).upper()
        req = Req(method, split.path, split.query, headers, body)
        try:
            resp = self.emulator.handle(req)
        except ConnectionDropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        self.send_response(resp.status)
        for key, value in wire_headers(req, resp).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_MERGE = do_HEAD = _serve


class EmulatorServer(HelpersMixin):
    """A SharePoint Online site on loopback (plus the Microsoft Graph calls at ``graph_url``). In tests:

    >>> with EmulatorServer(db_path=tmp_path / "sp.db") as sp:
    ...     ctx = ClientContext(sp.url).with_access_token(token)

    Or in-process, without a socket: never ``start()`` it, hand ``EmulatorTransport(sp)`` (from
    ``sp_emulator.transport``) to the client, and ``stop()`` it when done. Its URL then has no port
    (``http://127.0.0.1/sites/kk-it``); webhook notifications still go out over HTTP.

    Behaviour is SharePoint Online's by default; ``fidelity`` switches the behaviours public sources leave
    open (see ``Fidelity`` and FIDELITY.md).
    """

    def __init__(
        self,
        *,
        db_path: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        site: str = "kk-it",
        notification_delay: float = 1.0,
        page_size_max: int = 5000,
        clock: Callable[[], datetime] | None = None,
        expected_token: str | None = None,
        honor_skip: bool = False,
        ru_per_minute: int | None = None,
        rate_clock: Callable[[], float] = time.monotonic,
        fault_seed: int = 0,
        fidelity: Fidelity | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.page_size_max = page_size_max  # the list view threshold: the largest $top SharePoint accepts
        self.honor_skip = honor_skip  # SharePoint ignores $skip on list items; True is the unfaithful opposite
        self.expected_token = expected_token
        self.budget = AppBudget(ru_per_minute, rate_clock)
        """The app's resource units (always counted); with ``ru_per_minute``, RateLimit headers and 429 as SharePoint."""
        self.token_users: dict[str, int] = {}  # bearer token -> user id: writes with it are that user's
        self.fidelity = fidelity or Fidelity()
        self.store = Store(db_path)
        self.site = Site(self.store, site, clock, self.fidelity)
        self.faults = FaultPlan(fault_seed)
        self.request_log = RequestLog()
        self.api = Api(self)
        self.perms = Permissions(self)  # groups, role assignments, enforcement on item writes
        self.files = Files(self)
        self.recycle = RecycleBin(self)
        self.graph = Graph(self)
        self.hooks = Webhooks(self, notification_delay)
        self.views = Views(self)
        self.site.on_change = self.hooks.changed
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        netloc = f"{self.host}:{self.port}" if self.port else self.host
        return f"http://{netloc}/sites/{self.site.name}"

    @property
    def graph_url(self) -> str:
        """Base URL of the Microsoft Graph surface (``https://graph.microsoft.com/v1.0`` in production)."""
        netloc = f"{self.host}:{self.port}" if self.port else self.host
        return f"http://{netloc}{GRAPH_PREFIX}"

    def start(self) -> EmulatorServer:
        """Listen on ``host:port`` (a free port for 0) and deliver webhook notifications."""
        handler = type("Handler", (_Handler,), {"emulator": self})
        httpd = self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        httpd.daemon_threads = True
        self.port = httpd.server_address[1]
        # A short poll interval: shutdown() waits for the loop to notice, and every test stops a server.
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="sp-emulator", daemon=True)
        self._thread.start()
        self.hooks.start()
        return self

    def stop(self) -> None:
        self.hooks.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- request handling ----------------------------------------------------------------------------
    def editor_for(self, req: Req) -> int:
        token = req.headers.get("authorization", "")[7:].strip()
        return self.token_users.get(token, APP_USER_ID)

    def _app_traffic(self, req: Req) -> bool:
        """A request of the app (app-only token), not of a person the emulator knows by token."""
        return req.headers.get("authorization", "")[7:].strip() not in self.token_users

    def _authorized(self, req: Req) -> bool:
        auth = req.headers.get("authorization", "")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            return False
        token = auth[7:].strip()
        return self.expected_token is None or token == self.expected_token or token in self.token_users

    def _apply_fault(self, fault: Fault | None) -> Resp | None:
        if fault is None:
            return None
        if fault.delay:
            time.sleep(fault.delay)
        if fault.drop:
            raise ConnectionDropped()
        if fault.status is None:
            return None
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        if fault.status == 429:
            err = SPError(
                429,
                "-2147024860, Microsoft.SharePoint.SPQueryThrottledException",
                "The request has been throttled. Please try again later.",
                headers,
            )
        elif fault.status == 503:
            err = SPError(
                503,
                "-2147024860, Microsoft.SharePoint.SPServerTooBusyException",
                "The server is busy. Please try again later.",
                headers,
            )
        else:
            err = SPError(fault.status, "-2146233088, System.Exception", "Injected server error.", headers)
        return Resp(err.status, err.body(), JSON, err.headers)

    def handle(self, req: Req, parent: LoggedRequest | None = None) -> Resp:
        entry = LoggedRequest(req.method, req.path, "unknown")
        (parent.inner.append(entry) if parent is not None else self.request_log.add(entry))
        graph = req.path.startswith(GRAPH_PREFIX + "/")
        charged = not req.inner and not graph and self._authorized(req) and self._app_traffic(req)
        try:
            if not req.inner and not self._authorized(req):
                if graph:
                    raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.")
                raise errors.unauthorized()
            kind, handler = ("graph", self.graph.handle) if graph else self.api.route(req)
            entry.kind = kind
            if charged:
                wait = self.budget.refuse()
                if wait is not None:
                    raise SPError(429, "-2147024860, Microsoft.SharePoint.SPQueryThrottledException",
                                  "The request has been throttled. Please try again later.", {"Retry-After": str(wait)})
            fault = self.faults.pick(req.method, req.path, kind, inner=req.inner)
            if fault is not None and fault.drop and req.inner:
                fault = None  # a connection carries the whole batch; one operation cannot drop it
            if fault is not None:
                entry.fault = f"{fault.status or ''}{' drop' if fault.drop else ''}{' delay' if fault.delay else ''}"
            resp = self._apply_fault(fault)
            if resp is None:
                resp = self.batch(req, entry) if kind == "batch" and not req.inner else handler(req)
        except SPError as exc:
            resp = Resp(exc.status, exc.body(), JSON, exc.headers)
        except GraphError as exc:
            resp = exc.response(req, self.site.clock().strftime("%Y-%m-%dT%H:%M:%S"))
        except ConnectionDropped:
            entry.status = 0
            raise
        except Exception as exc:
            resp = Resp(500, errors.error_body("-2146233088, System.Exception", f"{type(exc).__name__}: {exc}"), JSON)
        if charged:  # a throttled request is charged too
            for name, value in self.budget.charge(units_of(req.method, req.path, req.query, req.body)).items():
                resp.headers.setdefault(name, value)
        entry.status = resp.status
        return resp

    def batch(self, req: Req, entry: LoggedRequest | None = None) -> Resp:
        entry = entry or LoggedRequest("POST", req.path, "batch")
        ops = parse_batch(req.body, req.headers.get("content-type", ""))
        results: list[tuple[int, dict[str, str], bytes]] = []
        for op in ops:
            inner = Req(
                op.method,
                op.path,
                op.query,
                {**op.headers, "authorization": req.headers.get("authorization", "")},
                op.body,
                inner=True,
            )
            resp = self.handle(inner, parent=entry)
            headers = {"Content-Type": resp.content_type, **resp.headers}
            results.append((resp.status, headers, resp.body))
        body, content_type = build_batch_response(results)
        return Resp(200, body, content_type)
