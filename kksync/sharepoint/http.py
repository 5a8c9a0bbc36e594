"""Request plumbing for one site: raw REST calls through the library's ``ClientContext``.

The context supplies the access token and the form digest and parses SharePoint's error bodies;
our ``GuardedTransport`` underneath counts and retries. Every REST path the product sends is built
in this package (``kksync/sharepoint/``), never by a service.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from office365.runtime.client_request_exception import ClientRequestException
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions
from office365.sharepoint.client_context import ClientContext
from requests import Response

from kksync.errors import (
    AuthError,
    ConflictError,
    ListViewThresholdError,
    NotFoundError,
    SharePointError,
    ThrottledError,
)
from kksync.sharepoint.auth import TokenProvider
from kksync.sharepoint.retry import RETRIABLE_STATUS, parse_retry_after, retry_after_of
from kksync.sharepoint.transport import GuardedTransport

__all__ = [
    "VERBOSE", "SiteHttp", "is_threshold", "list_named_in", "list_path", "quote_literal", "results", "threshold_error",
    "translate", "unwrap",
]

VERBOSE = "application/json;odata=verbose"
THRESHOLD_EXCEPTION = "SPQueryThrottledException"
"""The .NET type in the error code of the list view threshold (HTTP 500; sp-dev-docs #6826, #5232)."""
_LIST_IN_URL = re.compile(r"getbytitle\('((?:[^']|'')*)'\)|lists\((?:guid)?'([^']*)'\)", re.IGNORECASE)


def unwrap(data: Any) -> Any:
    """The payload of a verbose answer (``{"d": ...}``), or the answer itself."""
    return data["d"] if isinstance(data, dict) and "d" in data else data


def results(data: Any) -> list[dict[str, Any]]:
    """The rows of a collection answer: ``results`` (verbose) or ``value`` (nometadata)."""
    rows = (data.get("results") or data.get("value") or []) if isinstance(data, dict) else []
    return [row for row in rows if isinstance(row, dict)]


def quote_literal(value: str) -> str:
    """``value`` as the inside of an OData string literal in a URL path ('' for ', then %-encoded)."""
    return quote(value.replace("'", "''"), safe="")


def list_path(title: str) -> str:
    return f"web/lists/getbytitle('{quote_literal(title)}')"


class SiteHttp:
    """The site's URL, context and transport; ``request`` is the one way a REST call leaves the adapter."""

    def __init__(self, *, site_url: str, token_provider: TokenProvider, transport: GuardedTransport) -> None:
        self.site_url = site_url.rstrip("/")
        self.transport = transport
        self.ctx = ClientContext(self.site_url).with_access_token(token_provider)  # type: ignore[arg-type]
        self.ctx.pending_request().transport = self.transport

    @property
    def site_path(self) -> str:
        """The site's server-relative path, e.g. ``/sites/kk-it``."""
        return urlsplit(self.site_url).path.rstrip("/")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.site_url}/_api/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """Send one request through the context (auth, digest) and our transport.

        Verbs other than GET and POST are tunnelled as ``POST`` + ``X-HTTP-Method``, the form
        SharePoint documents for MERGE, PATCH and DELETE on its REST endpoints.
        """
        http_method = HttpMethod.Get if method == "GET" else HttpMethod.Post
        options = RequestOptions(self.url(path), method=http_method)
        options.headers.update({"Accept": VERBOSE, "Content-Type": VERBOSE})
        if method not in ("GET", "POST"):
            options.headers["X-HTTP-Method"] = method
        options.headers.update(headers or {})
        if body is not None:
            options.data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif data is not None:
            options.data = data
        try:
            return self.ctx.pending_request().execute_request_direct(options)  # type: ignore[no-any-return]
        except ClientRequestException as error:
            raise translate(error) from None

    def get_json(self, path: str) -> Any:
        return unwrap(self.request("GET", path).json())

    def post_json(self, path: str, body: Any) -> Any:
        return unwrap(self.request("POST", path, body=body).json())


def list_named_in(url: str) -> str | None:
    """The list a REST URL addresses (its title, or its id), for messages; None when it names none."""
    found = _LIST_IN_URL.search(unquote(url))
    if found is None:
        return None
    return found.group(1).replace("''", "'") if found.group(1) is not None else found.group(2)


def is_threshold(status: int | None, code: str | None) -> bool:
    """The list view threshold: a fixed error that looks like throttling by name only.

    SharePoint Online answers it with 500 (``SPQueryThrottledException``); a 429 or 503 with that
    code (as the emulator sends for throttling) stays throttling.
    """
    return status not in RETRIABLE_STATUS and THRESHOLD_EXCEPTION.lower() in (code or "").lower()


def threshold_error(list_title: str | None, detail: str, *, code: str | None = None) -> ListViewThresholdError:
    where = f"«{list_title}»" if list_title else "Listen"
    return ListViewThresholdError(
        f"{where} har flere elementer end SharePoints grænse for listevisninger (5.000), og forespørgslen filtrerer "
        "eller sorterer på en kolonne uden indeks (eller rammer over 5.000 elementer). Det går ikke over af sig selv: "
        "kør `kksync provision`, som indekserer de kolonner, kksync filtrerer på, eller indeksér kolonnen under "
        f"listens indstillinger → Indekserede kolonner. (SharePoint: {detail})",
        list_title=list_title, status=500, code=code,
    )


def translate(error: ClientRequestException) -> SharePointError:
    """The library's exception as one of ours, with a Danish message the user can act on."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    message = error.message or str(error)
    code = error.code
    if is_threshold(status, code):
        return threshold_error(list_named_in(str(getattr(response, "url", "") or "")), message, code=code)
    if status in (401, 403):
        return AuthError(
            f"SharePoint afviste adgangen ({status}): {message}. Tjek app-registreringen og Sites.Selected-tilladelsen.",
            status=status, code=code,
        )
    if status == 404:
        return NotFoundError(f"Findes ikke i SharePoint: {message}", status=status, code=code)
    if status == 412:
        return ConflictError(f"Elementet er ændret siden det blev læst: {message}", status=status, code=code)
    if status in RETRIABLE_STATUS:  # normally raised by the transport; here if an answer bypassed it
        headers = getattr(response, "headers", {}) or {}
        return ThrottledError(f"SharePoint er overbelastet ({status}): {message}",
                              retry_after=parse_retry_after(retry_after_of(headers)), status=status)
    return SharePointError(f"SharePoint svarede {status}: {message}", status=status, code=code)
