"""The few Microsoft Graph calls the product makes, served beside the SharePoint site on the same server.

``GET /graph/v1.0/users/{id | userPrincipalName}`` answers whether an account exists and is enabled (only
Graph knows: SharePoint keeps a user who left in ``siteusers``), and ``POST /graph/v1.0/users/{id}/sendMail``
stores the message for tests (202 Accepted): a JSON ``message``, or MIME content base64-encoded in the
body with ``Content-Type: text/plain`` (Microsoft Learn, "user: sendMail"; malformed base64 is 400
"Invalid base64 string for MIME content."). Graph JSON is plain (no ``d``, collections under ``value``);
errors are ``{"error": {"code", "message", "innerError"}}`` (Microsoft Learn: "Microsoft Graph error
responses and resource types"). The directory is the site's users: a user who left (``Departed``) has a
deleted account (404 ``Request_ResourceNotFound``), ``AccountEnabled`` False a disabled one.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from .mime import parse_mime
from .site import APP_USER_ID, iso
from .wire import Req, Resp

if TYPE_CHECKING:
    from .server import EmulatorServer

__all__ = ["Graph", "GraphError", "GRAPH_PREFIX"]

GRAPH_PREFIX = "/graph/v1.0"
GRAPH_JSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"
# The properties "Get user" returns without $select (accountEnabled is only returned when selected).
_DEFAULT_PROPERTIES = (
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
)


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self, req: Req, now: str) -> Resp:
        request_id = req.headers.get("client-request-id") or str(uuid.uuid4())
        inner = {"date": now, "request-id": request_id, "client-request-id": request_id}
        body = {"error": {"code": self.code, "message": self.message, "innerError": inner}}
        return Resp(self.status, json.dumps(body).encode(), GRAPH_JSON)


def _json(payload: Any, status: int = 200) -> Resp:
    return Resp(status, json.dumps(payload).encode(), GRAPH_JSON)


class Graph:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.site = server.site
        self._lock = threading.Lock()
        self.sent: list[dict[str, Any]] = []

    # -- the directory --------------------------------------------------------------------------------
    def _account(self, key: str) -> dict[str, Any]:
        """The site user behind ``{id | userPrincipalName}``; a deleted account is not found."""
        low = unquote(key).strip().lower()
        for user in self.site.store.users.values():
            if user["Id"] == APP_USER_ID or not user.get("Email"):
                continue
            names = {str(user.get("AadObjectId", "")).lower(), str(user.get("UserPrincipalName") or "").lower()}
            names.add(str(user["Email"]).lower())
            if low in names and not user.get("Departed"):
                return user
        raise GraphError(
            404,
            "Request_ResourceNotFound",
            f"Resource '{unquote(key)}' does not exist or one of its queried reference-property objects are not "
            "present.",
        )

    def user_entity(self, user: dict[str, Any]) -> dict[str, Any]:
        email = user.get("Email") or ""
        return {
            "businessPhones": [],
            "displayName": user["Title"],
            "givenName": None,
            "jobTitle": None,
            "mail": email,
            "mobilePhone": None,
            "officeLocation": None,
            "preferredLanguage": None,
            "surname": None,
            "userPrincipalName": user.get("UserPrincipalName") or email,
            "id": user.get("AadObjectId"),
            "accountEnabled": bool(user.get("AccountEnabled", True)),
        }

    # -- routing --------------------------------------------------------------------------------------
    def handle(self, req: Req) -> Resp:
        try:
            return self.route(req)(req)
        except GraphError as exc:
            return exc.response(req, iso(self.site.clock()))

    def route(self, req: Req) -> Callable[[Req], Resp]:
        parts = [p for p in req.path[len(GRAPH_PREFIX) :].split("/") if p]
        if len(parts) == 2 and parts[0].lower() == "users" and req.method == "GET":
            return lambda r: self.get_user(r, parts[1])
        if len(parts) == 3 and parts[0].lower() == "users" and parts[2].lower() == "sendmail":
            if req.method != "POST":
                raise GraphError(405, "Request_BadRequest", "The HTTP method is not allowed on this resource.")
            return lambda r: self.send_mail(r, parts[1])
        if parts == ["$batch"] and req.method == "POST":
            return self.batch
        segment = parts[-1] if parts else ""
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")

    def batch(self, req: Req) -> Resp:
        """JSON batching (learn.microsoft.com/graph/json-batching): at most 20 requests, each answered
        with its own ``id``, ``status``, ``headers`` and ``body``; the batch itself is 200."""
        try:
            body = json.loads(req.body or b"{}")
        except ValueError:
            raise GraphError(400, "BadRequest", "Unable to read JSON request payload.") from None
        requests = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(requests, list) or not requests or len(requests) > 20:
            raise GraphError(400, "BadRequest", "Invalid batch payload format.")
        answers = []
        for sub in requests:
            path, _, query = str(sub.get("url", "")).partition("?")
            inner = Req(str(sub.get("method", "GET")).upper(), GRAPH_PREFIX + unquote(path), query, dict(req.headers),
                        json.dumps(sub["body"]).encode() if "body" in sub else b"")
            resp = self.handle(inner)
            answers.append({"id": sub.get("id"), "status": resp.status, "headers": {"Content-Type": resp.content_type},
                            "body": json.loads(resp.body) if resp.body else None})
        return _json({"responses": answers})

    def get_user(self, req: Req, key: str) -> Resp:
        entity = self.user_entity(self._account(key))
        select = [s.strip() for s in req.params.get("$select", "").split(",") if s.strip()]
        context = f"{self.server.graph_url}/$metadata#users/$entity"
        if not select:
            return _json({"@odata.context": context, **{k: entity[k] for k in _DEFAULT_PROPERTIES}})
        by_lower = {k.lower(): k for k in entity}
        unknown = [s for s in select if s.lower() not in by_lower]
        if unknown:
            raise GraphError(
                400,
                "BadRequest",
                f"Could not find a property named '{unknown[0]}' on type 'microsoft.graph.user'.",
            )
        chosen = [by_lower[s.lower()] for s in select]
        context = f"{self.server.graph_url}/$metadata#users({','.join(chosen)})/$entity"
        return _json({"@odata.context": context, **{k: entity[k] for k in chosen}})

    def messages(self, to: str | None = None) -> list[dict[str, Any]]:
        """What was sent, oldest first (for tests and the demo); ``to``: only mails to that address."""
        with self._lock:
            sent = list(self.sent)
        if to is None:
            return sent
        wanted = to.strip().lower()
        return [m for m in sent
                if any(str(r.get("emailAddress", {}).get("address", "")).lower() == wanted
                       for r in m["message"].get("toRecipients", []))]

    def send_mail(self, req: Req, sender: str) -> Resp:
        try:
            user = self._account(sender)
        except GraphError:
            # Mail is served by Exchange, which names an unknown mailbox its own way (unverified text).
            raise GraphError(404, "ErrorInvalidUser", f"The requested user '{unquote(sender)}' is invalid.") from None
        if req.headers.get("content-type", "").split(";")[0].strip().lower() == "text/plain":
            entry = parse_mime(req.body)
            if entry is None:
                raise GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
            if not entry["message"]["toRecipients"]:
                raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
            with self._lock:
                self.sent.append({"from": user.get("Email"), **entry, "saveToSentItems": True,
                                  "sent": iso(self.site.clock())})
            return Resp(202, b"", GRAPH_JSON)
        try:
            body = json.loads(req.body or b"{}")
        except ValueError:
            raise GraphError(400, "BadRequest", "Unable to read JSON request payload.") from None
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict) or not message.get("toRecipients"):
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient isn't valid.")
        with self._lock:
            self.sent.append(
                {
                    "from": user.get("Email"),
                    "message": message,
                    "saveToSentItems": body.get("saveToSentItems", True),
                    "sent": iso(self.site.clock()),
                }
            )
        return Resp(202, b"", GRAPH_JSON)
