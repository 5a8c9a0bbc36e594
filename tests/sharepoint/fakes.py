"""Small fake HTTP layers for what the emulator does not (yet) do, in the shapes the services document.

``canned`` builds a ``requests.Response``. ``Intercept`` passes requests on to the emulator except
those a rule answers (a SharePoint Online answer the emulator cannot give). ``FakeGraph`` is a tiny
Microsoft Graph (``GET /users/{id | upn}``, JSON ``$batch``, ``sendMail``) following Microsoft
Learn: "Get user", "user: sendMail", "Combine multiple HTTP requests using JSON batching" and
"Microsoft Graph error responses and resource types".
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from office365.runtime.http.request_options import RequestOptions
from office365.runtime.transport.base import BaseTransport
from office365.runtime.transport.requests_transport import RequestsTransport
from requests.structures import CaseInsensitiveDict

THRESHOLD_CODE = "-2147024860, Microsoft.SharePoint.SPQueryThrottledException"
THRESHOLD_TEXT = "The attempted operation is prohibited because it exceeds the list view threshold."


def canned(status: int, body: Any = None, *, headers: dict[str, str] | None = None, content: bytes | None = None,
           url: str = "") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    response.url = url
    response.encoding = "utf-8"
    if content is None and body is not None:
        content = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json;odata=verbose;charset=utf-8", **(headers or {})}
    response._content = content or b""
    response.headers = CaseInsensitiveDict(headers or {})
    return response


def sp_error(status: int, code: str, text: str, url: str = "", headers: dict[str, str] | None = None) -> requests.Response:
    """SharePoint's error body: ``{"error": {"code": "<hresult>, <.NET type>", "message": {"lang", "value"}}}``."""
    return canned(status, {"error": {"code": code, "message": {"lang": "en-US", "value": text}}}, url=url, headers=headers)


Rule = Callable[[RequestOptions], "requests.Response | None"]


class Intercept(RequestsTransport):  # type: ignore[misc]
    """The emulator, except where a rule (tried in order) answers; every request is recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.rules: list[tuple[str, Rule]] = []
        self.seen: list[RequestOptions] = []

    def on(self, url_part: str, rule: Rule) -> None:
        self.rules.append((url_part.lower(), rule))

    def execute(self, request: RequestOptions) -> requests.Response:
        self.seen.append(request)
        for part, rule in self.rules:
            if part in request.url.lower():
                answer = rule(request)
                if answer is not None:
                    answer.url = answer.url or request.url
                    return answer
        return super().execute(request)

    def bodies(self, url_part: str) -> list[Any]:
        return [r.data for r in self.seen if url_part.lower() in r.url.lower()]


_NOT_FOUND = "Resource '{}' does not exist or one of its queried reference-property objects are not present."


def graph_error(status: int, code: str, message: str) -> dict[str, Any]:
    inner = {"date": "2026-01-05T10:00:00", "request-id": "6c2a…", "client-request-id": "6c2a…"}
    return {"error": {"code": code, "message": message, "innerError": inner}}


class FakeGraph(BaseTransport):  # type: ignore[misc]
    """Users by id or UPN, ``$batch`` (answers in reverse order: Graph promises no order), ``sendMail``.

    ``throttle[account] = n`` answers that account's sub-request 429 (``Retry-After: retry_after``)
    n times; ``fail[account] = status`` answers it with that status for good; ``batch_answer``
    replaces the whole ``$batch`` answer; ``drop_mail`` breaks the connection on sendMail.
    """

    base = "https://graph.test/v1.0"

    def __init__(self, users: list[dict[str, Any]]) -> None:
        self.users = users
        self.throttle: dict[str, int] = {}
        self.fail: dict[str, int] = {}
        self.retry_after = "7"
        self.batch_answer: Callable[[], requests.Response] | None = None
        self.whole_batch: list[requests.Response] = []
        self.drop_mail = False
        self.mail_status = 202
        self.log: list[tuple[str, str, dict[str, str], Any]] = []
        self.sent: list[tuple[str, Any]] = []

    def execute(self, request: RequestOptions) -> requests.Response:
        body = json.loads(request.data) if request.data else None
        self.log.append((request.method.value.upper(), request.url, dict(request.headers), body))
        path = request.url.removeprefix(self.base)
        if path == "/$batch" and request.method.value.upper() == "POST":
            if self.whole_batch:
                return self.whole_batch.pop(0)
            if self.batch_answer is not None:
                return self.batch_answer()
            answers = [self._answer(r["method"], r["url"]) for r in body["requests"]]
            responses = [{"id": r["id"], **a} for r, a in zip(body["requests"], answers, strict=True)]
            return canned(200, {"responses": responses[::-1]}, headers={"Content-Type": "application/json"})
        mail = re.fullmatch(r"/users/([^/]+)/sendMail", path)
        if mail:
            if self.drop_mail:
                raise requests.ConnectionError("connection reset by peer")
            self.sent.append((unquote(mail.group(1)), body))
            return canned(self.mail_status, content=b"")
        answer = self._answer("GET", path)
        return canned(answer["status"], answer.get("body"), headers=answer["headers"])

    def _answer(self, method: str, url: str) -> dict[str, Any]:
        path = urlsplit(url).path
        found = re.fullmatch(r"/users/([^/]+)|/users\('(.*)'\)", path)
        if method != "GET" or not found:
            return {"status": 400, "headers": {}, "body": graph_error(400, "BadRequest", f"Unsupported {url}")}
        account = unquote(found.group(1) or found.group(2).replace("''", "'"))
        headers = {"Content-Type": "application/json"}
        if self.throttle.get(account, 0) > 0:
            self.throttle[account] -= 1
            return {"status": 429, "headers": {**headers, "Retry-After": self.retry_after},
                    "body": graph_error(429, "TooManyRequests", "Too many requests.")}
        if account in self.fail:
            status = self.fail[account]
            return {"status": status, "headers": headers, "body": graph_error(status, "UnknownError", "Failed.")}
        user = next((u for u in self.users if account.lower() in (u["id"], u["userPrincipalName"].lower())), None)
        if user is None:
            return {"status": 404, "headers": headers,
                    "body": graph_error(404, "Request_ResourceNotFound", _NOT_FOUND.format(account))}
        return {"status": 200, "headers": {**headers, "OData-Version": "4.0"},
                "body": {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,accountEnabled)/$entity",
                         **user}}
