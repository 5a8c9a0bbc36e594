"""List webhooks: subscription CRUD with the validation handshake, and batched notification delivery.

Delivery runs on a background thread: changes within `notification_delay` seconds collapse into one POST per
subscription (SharePoint batches too), failed POSTs are retried, and `chaos` lets soak tests drop, duplicate
or delay notifications.
"""

from __future__ import annotations

import ipaddress
import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from .errors import SPError, bad_request
from .odata_query import FilterError, normalize_datetime
from .rest import Req, Resp, ok
from .site import iso

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .urlpath import Segment

__all__ = ["Webhooks", "Chaos", "Delivery"]

MAX_DAYS = 180


@dataclass
class Chaos:
    drop_rate: float = 0.0
    duplicate_rate: float = 0.0
    extra_delay: float = 0.0
    drop_next: int = 0  # drop exactly the next N notifications
    seed: int = 0
    rng: random.Random = field(default_factory=random.Random)


@dataclass
class Delivery:
    subscription_id: str
    url: str
    status: int | None  # None: connection failed; 0: dropped by chaos
    attempt: int
    at: float


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Webhooks:
    def __init__(self, server: EmulatorServer, notification_delay: float) -> None:
        self.server = server
        self.site = server.site
        self.notification_delay = notification_delay
        self.validation_timeout = 5.0
        self.max_retries = 5
        self.retry_interval = 5.0
        self.chaos = Chaos()
        self.deliveries: list[Delivery] = []
        self._due: dict[str, tuple[float, int]] = {}  # subscription id -> (due time, attempt)
        self._cond = threading.Condition()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._busy = 0

    # -- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> None:
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="sp-emulator-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def set_chaos(self, **kwargs: Any) -> Chaos:
        self.chaos = Chaos(**kwargs)
        self.chaos.rng = random.Random(self.chaos.seed)
        return self.chaos

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is scheduled or being delivered (for tests)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._due or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
        return True

    # -- scheduling ----------------------------------------------------------------------------------
    def _active(self, sub: dict[str, Any]) -> bool:
        try:
            return normalize_datetime(sub["expirationDateTime"]) > iso(self.site.clock())
        except FilterError:
            return False

    def changed(self, list_id: str) -> None:
        now = time.monotonic()
        with self._cond:
            for sub in list(self.site.store.subscriptions.values()):
                if sub["resource"] == list_id and self._active(sub) and sub["id"] not in self._due:
                    self._due[sub["id"]] = (now + self.notification_delay + self.chaos.extra_delay, 1)
            self._cond.notify_all()
            # An in-process server is never start()ed: deliver from the first notification on, until stop().
            if self._due and self._thread is None and not self._stop:
                self._thread = threading.Thread(target=self._run, name="sp-emulator-webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop:
                    now = time.monotonic()
                    ready = [sid for sid, (due, _) in self._due.items() if due <= now]
                    if ready:
                        break
                    wait = min((due for due, _ in self._due.values()), default=now + 0.5) - now
                    self._cond.wait(max(0.01, min(wait, 0.5)))
                if self._stop:
                    return
                jobs = [(sid, self._due.pop(sid)[1]) for sid in ready]
                self._busy += 1
            try:
                for sid, attempt in jobs:
                    self._deliver(sid, attempt)
            finally:
                with self._cond:
                    self._busy -= 1
                    self._cond.notify_all()

    def _deliver(self, sid: str, attempt: int) -> None:
        sub = self.site.store.subscriptions.get(sid)
        if sub is None or not self._active(sub):
            return
        chaos = self.chaos
        if chaos.drop_next > 0 or (chaos.drop_rate and chaos.rng.random() < chaos.drop_rate):
            chaos.drop_next = max(0, chaos.drop_next - 1)
            self.deliveries.append(Delivery(sid, sub["notificationUrl"], 0, attempt, time.time()))
            return
        meta = self.site.store.meta
        body = json.dumps(
            {
                "value": [
                    {
                        "subscriptionId": sid,
                        "clientState": sub.get("clientState"),
                        "expirationDateTime": sub["expirationDateTime"],
                        "resource": sub["resource"],
                        "tenantId": meta["tenant_id"],
                        "siteUrl": self.site.server_relative_url,
                        "webId": meta["web_id"],
                    }
                ]
            }
        ).encode()
        copies = 2 if chaos.duplicate_rate and chaos.rng.random() < chaos.duplicate_rate else 1
        for _ in range(copies):
            status = self._post(sub["notificationUrl"], body, "application/json")[0]
            self.deliveries.append(Delivery(sid, sub["notificationUrl"], status, attempt, time.time()))
        if (status is None or not 200 <= status < 300) and attempt <= self.max_retries:
            with self._cond:
                self._due.setdefault(sid, (time.monotonic() + self.retry_interval, attempt + 1))
                self._cond.notify_all()

    def _post(self, url: str, body: bytes, content_type: str, timeout: float = 5.0) -> tuple[int | None, bytes]:
        if not _is_loopback(url):
            return None, b""
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": content_type, "User-Agent": "SharePoint"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, b""
        except (OSError, ValueError):
            return None, b""

    # -- REST ----------------------------------------------------------------------------------------
    def entity(self, sub: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.server.url}/_api/web/lists('{sub['resource']}')/subscriptions('{sub['id']}')"
        return {
            "__metadata": {"id": uri, "uri": uri, "type": "SP.Subscription"},
            **{k: sub.get(k) for k in ("clientState", "expirationDateTime", "id", "notificationUrl", "resource")},
            "resourceData": None,
        }

    def _expiry(self, value: Any) -> str:
        try:
            text = normalize_datetime(str(value))
        except FilterError as exc:
            raise bad_request("Invalid expiration date.", "-1, System.ArgumentException") from exc
        now = self.site.clock()
        if text <= iso(now) or text > iso(now + timedelta(days=MAX_DAYS)):
            raise bad_request(
                "Expiration date must be in the future and no more than 180 days from now.",
                "-1, System.ArgumentOutOfRangeException",
            )
        return text

    def create(self, list_id: str, body: dict[str, Any]) -> dict[str, Any]:
        body = body.get("parameters", body)
        url = str(body.get("notificationUrl") or "")
        resource = str(body.get("resource") or list_id).strip("{}").lower()
        if resource != list_id:
            raise bad_request("The resource does not match the list.", "-1, System.ArgumentException")
        if not _is_loopback(url):
            raise bad_request(
                f"The notification URL '{url}' is not allowed by the emulator (loopback only).",
                "-1, System.ArgumentException",
            )
        expiry = self._expiry(body.get("expirationDateTime"))
        token = str(uuid.uuid4())
        sep = "&" if "?" in url else "?"
        status, echoed = self._post(
            f"{url}{sep}validationtoken={quote(token)}", b"", "text/plain", timeout=self.validation_timeout
        )
        if status != 200 or echoed.decode("utf-8", "replace").strip() != token:
            raise bad_request(
                f"Failed to validate the notification URL '{url}'.", "-1, System.InvalidOperationException"
            )
        sub = {
            "id": str(uuid.uuid4()),
            "resource": list_id,
            "notificationUrl": url,
            "expirationDateTime": expiry,
            "clientState": body.get("clientState"),
        }
        self.site.store.put_subscription(sub)
        return sub

    def route(self, list_id: str, seg: Segment, rest: list[Segment], req: Req) -> Callable[[Req], Resp]:
        store = self.site.store
        target = seg.arg if seg.has_parens else None
        if rest:
            if rest[0].name == "add":
                return lambda r: ok(self.entity(self.create(list_id, r.json())), 201)
            if rest[0].name == "getbyid":
                target = rest[0].arg
            if rest[0].name == "remove":
                target = None

                def remove(r: Req) -> Resp:
                    store.delete_subscription(str(r.json().get("subscriptionId")))
                    return Resp(200)

                return remove
        if target is None:
            if req.method == "POST":
                return lambda r: ok(self.entity(self.create(list_id, r.json())), 201)
            return lambda r: ok(
                {"results": [self.entity(s) for s in store.subscriptions.values() if s["resource"] == list_id]}
            )
        sub = store.subscriptions.get(str(target).lower())
        if sub is None or sub["resource"] != list_id:
            raise SPError(404, "-1, System.IO.FileNotFoundException", "The subscription does not exist.")
        if req.method == "DELETE":

            def delete(r: Req) -> Resp:
                store.delete_subscription(sub["id"])
                return Resp(204)

            return delete
        if req.method in ("PATCH", "MERGE", "PUT"):

            def update(r: Req) -> Resp:
                body = r.json()
                changed = dict(sub)
                if "expirationDateTime" in body:
                    changed["expirationDateTime"] = self._expiry(body["expirationDateTime"])
                for key in ("clientState", "notificationUrl"):
                    if key in body:
                        changed[key] = body[key]
                store.put_subscription(changed)
                return Resp(204)

            return update
        return lambda r: ok(self.entity(sub))
