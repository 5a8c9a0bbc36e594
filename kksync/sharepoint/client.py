"""``SharePointClient``: the product's small interface to one SharePoint site.

Built on the library's ``ClientContext`` (auth, form digest, error parsing) with our transport
underneath. The data plane — paging items, reading changed items by id, conditional batched
writes, change tokens — sends raw REST requests through the context so that every request is
one we chose and counted. The control plane (lists, fields, users, files) uses the library's
object model where request counts do not matter.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlsplit

from office365.runtime.client_request_exception import ClientRequestException
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions
from office365.sharepoint.client_context import ClientContext
from requests import Response

from kksync.errors import (
    AuthError,
    ChangeTokenError,
    ConflictError,
    DocumentError,
    NotFoundError,
    SharePointError,
    ThrottledError,
)
from kksync.sharepoint.auth import TokenProvider
from kksync.sharepoint.batch import BatchOp, BatchResult, build_batch, parse_batch
from kksync.sharepoint.retry import RETRIABLE_STATUS, parse_retry_after
from kksync.sharepoint.transport import GuardedTransport

__all__ = ["Change", "ItemWrite", "ListInfo", "SharePointClient", "WriteOutcome", "check_file_name"]

VERBOSE = "application/json;odata=verbose"
ChangeKind = Literal["add", "update", "delete"]
_CHANGE_KINDS: dict[int, ChangeKind] = {1: "add", 2: "update", 3: "delete"}
IDS_PER_READ = 100  # ids per $filter: keeps the URL far below SharePoint's query-string limit


@dataclass(frozen=True, slots=True)
class ListInfo:
    id: str
    title: str
    item_count: int
    entity_type: str
    change_token: str
    base_template: int


@dataclass(frozen=True, slots=True)
class Change:
    item_id: int
    kind: ChangeKind
    token: str
    editor: str | None = None


@dataclass(frozen=True, slots=True)
class ItemWrite:
    item_id: int
    etag: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    item_id: int
    status: Literal["ok", "conflict", "missing", "error"]
    etag: str | None = None
    message: str = ""


def _unwrap(data: Any) -> Any:
    return data["d"] if isinstance(data, dict) and "d" in data else data


def _quote_title(title: str) -> str:
    return quote(title.replace("'", "''"), safe="")


class SharePointClient:
    """One site. Thread-compatible, not thread-safe: use one client per worker."""

    def __init__(
        self,
        *,
        site_url: str,
        token_provider: TokenProvider,
        transport: GuardedTransport | None = None,
        page_size: int = 2000,
        batch_size: int = 100,
        app_login: str | None = None,
    ) -> None:
        self.site_url = site_url.rstrip("/")
        self.transport = transport or GuardedTransport()
        self.page_size = page_size
        self.batch_size = batch_size
        self.app_login = app_login
        """Login name SharePoint records for our own writes (to skip them in the change log)."""
        self.ctx = ClientContext(self.site_url).with_access_token(token_provider)  # type: ignore[arg-type]
        self.ctx.pending_request().transport = self.transport
        self._list_cache: dict[str, ListInfo] = {}

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent through this client's transport so far (retries included)."""
        return int(self.transport.total)

    # --- raw requests -----------------------------------------------------------------------

    def _url(self, path: str) -> str:
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
        """Send one request through the context (auth, digest) and our transport."""
        http_method = HttpMethod.Get if method == "GET" else HttpMethod.Post
        options = RequestOptions(self._url(path), method=http_method)
        options.headers.update({"Accept": VERBOSE, "Content-Type": VERBOSE})
        if method in ("MERGE", "DELETE"):
            options.headers["X-HTTP-Method"] = method
        options.headers.update(headers or {})
        if body is not None:
            options.data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif data is not None:
            options.data = data
        try:
            return self.ctx.pending_request().execute_request_direct(options)  # type: ignore[no-any-return]
        except ClientRequestException as error:
            raise _translate(error) from None

    def get_json(self, path: str) -> Any:
        return _unwrap(self.request("GET", path).json())

    # --- lists ------------------------------------------------------------------------------

    def list_path(self, title: str) -> str:
        return f"web/lists/getbytitle('{_quote_title(title)}')"

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo:
        if refresh or title not in self._list_cache:
            data = self.get_json(
                f"{self.list_path(title)}?$select=Id,Title,ItemCount,ListItemEntityTypeFullName,CurrentChangeToken,BaseTemplate"
            )
            self._list_cache[title] = ListInfo(
                id=str(data["Id"]),
                title=data["Title"],
                item_count=int(data.get("ItemCount") or 0),
                entity_type=data["ListItemEntityTypeFullName"],
                change_token=(data.get("CurrentChangeToken") or {}).get("StringValue", ""),
                base_template=int(data.get("BaseTemplate") or 100),
            )
        return self._list_cache[title]

    def list_titles(self) -> dict[str, int]:
        data = self.get_json("web/lists?$select=Title,BaseTemplate&$top=5000")
        return {row["Title"]: int(row.get("BaseTemplate") or 100) for row in data.get("results", [])}

    # --- reading items ----------------------------------------------------------------------

    def iter_pages(
        self,
        title: str,
        *,
        select: Sequence[str],
        expand: Sequence[str] = (),
        filter: str | None = None,
        page_size: int | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a list's items, following ``__next``; refuses to loop on a repeated page."""
        query = [f"$select={','.join(select)}", f"$top={page_size or self.page_size}"]
        if expand:
            query.append(f"$expand={','.join(expand)}")
        if filter:
            query.append(f"$filter={quote(filter, safe='')}")
        url: str | None = f"{self.list_path(title)}/items?{'&'.join(query)}"
        seen: set[str] = set()
        last_ids: tuple[int, ...] = ()
        while url:
            if url in seen:
                raise SharePointError(f"SharePoint sendte den samme side af «{title}» to gange; læsningen er stoppet.")
            seen.add(url)
            data = self.get_json(url)
            rows = data.get("results", [])
            ids = tuple(int(r.get("Id", r.get("ID", 0))) for r in rows[:1] + rows[-1:])
            if rows and ids == last_ids:
                raise SharePointError(f"SharePoint sendte den samme side af «{title}» to gange; læsningen er stoppet.")
            last_ids = ids
            if rows:
                yield rows
            url = data.get("__next")

    def items_by_ids(
        self, title: str, ids: Sequence[int], *, select: Sequence[str], expand: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        """The items with these ids, ``IDS_PER_READ`` per request; deleted ones are simply absent."""
        rows: list[dict[str, Any]] = []
        unique = sorted(set(ids))
        for start in range(0, len(unique), IDS_PER_READ):
            chunk = unique[start : start + IDS_PER_READ]
            expression = " or ".join(f"Id eq {i}" for i in chunk)
            for page in self.iter_pages(title, select=select, expand=expand, filter=expression, page_size=IDS_PER_READ):
                rows.extend(page)
        return rows

    # --- changes ----------------------------------------------------------------------------

    def changes(self, title: str, token: str, *, fetch_limit: int = 2000) -> list[Change]:
        """Item changes after ``token``, oldest first, paged by ``FetchLimit``."""
        result: list[Change] = []
        start = token
        while True:
            body = {
                "query": {
                    "__metadata": {"type": "SP.ChangeQuery"},
                    "Item": True, "Add": True, "Update": True, "DeleteObject": True, "Restore": True,
                    "ChangeTokenStart": {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": start},
                    "FetchLimit": fetch_limit,
                }
            }
            try:
                data = _unwrap(self.request("POST", f"{self.list_path(title)}/getchanges", body=body).json())
            except SharePointError as error:
                if isinstance(error, ThrottledError | AuthError):
                    raise
                raise ChangeTokenError(f"Ændringsloggen for «{title}» afviste det gemte ændrings-token: {error}") from None
            rows = data.get("results", [])
            for row in rows:
                kind = _CHANGE_KINDS.get(int(row.get("ChangeType", 0)))
                if kind and row.get("ItemId") is not None:
                    result.append(
                        Change(int(row["ItemId"]), kind, row["ChangeToken"]["StringValue"], row.get("EditorLoginName") or row.get("Editor"))
                    )
            if len(rows) < fetch_limit:
                return result
            start = rows[-1]["ChangeToken"]["StringValue"]

    # --- writing ----------------------------------------------------------------------------

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]:
        """Conditional MERGEs in ``$batch`` requests of ``batch_size``; a stale ETag is a conflict."""
        info = self.list_info(title)
        outcomes: dict[int, WriteOutcome] = {}
        pending = list(writes)
        waited = 0.0
        attempts = self.transport.policy.max_attempts
        for attempt in range(1, attempts + 1):
            retry: list[ItemWrite] = []
            delay = 0.0
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start : start + self.batch_size]
                ops = [
                    BatchOp(
                        "MERGE",
                        self._url(f"{self.list_path(title)}/items({w.item_id})"),
                        {"__metadata": {"type": info.entity_type}, **w.payload},
                        {"IF-MATCH": w.etag},
                    )
                    for w in chunk
                ]
                for write, result in zip(chunk, self._batch(ops), strict=True):
                    if result.status in RETRIABLE_STATUS:
                        retry.append(write)
                        delay = max(delay, parse_retry_after(result.headers.get("retry-after")) or 1.0)
                    else:
                        outcomes[write.item_id] = _outcome(write.item_id, result)
            if not retry:
                return [outcomes[w.item_id] for w in writes]
            if attempt == attempts:
                break
            # Throttled operations inside a batch are retried alone, after the server's Retry-After.
            waited = self.transport.wait(delay, waited=waited, kind="batch")
            pending = retry
        raise ThrottledError("SharePoint blev ved med at afvise skrivninger i batch.", retry_after=delay)

    def create_items(self, title: str, payloads: Sequence[dict[str, Any]]) -> list[int]:
        """Create items in batches; returns the new ids in order."""
        info = self.list_info(title)
        ids: list[int] = []
        for start in range(0, len(payloads), self.batch_size):
            ops = [
                BatchOp("POST", self._url(f"{self.list_path(title)}/items"), {"__metadata": {"type": info.entity_type}, **p})
                for p in payloads[start : start + self.batch_size]
            ]
            for result in self._batch(ops):
                if not result.ok:
                    raise SharePointError(f"Kunne ikke oprette element i «{title}»: {_message(result)}", status=result.status)
                ids.append(int(_unwrap(result.body)["Id"]))
        return ids

    def delete_items(self, title: str, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), self.batch_size):
            ops = [
                BatchOp("DELETE", self._url(f"{self.list_path(title)}/items({i})"), None, {"IF-MATCH": "*"})
                for i in ids[start : start + self.batch_size]
            ]
            self._batch(ops)

    def _batch(self, ops: Sequence[BatchOp]) -> list[BatchResult]:
        content_type, body = build_batch(ops)
        response = self.request("POST", "$batch", data=body, headers={"Content-Type": content_type})
        results = parse_batch(response.headers.get("Content-Type", ""), response.content)
        if len(results) != len(ops):
            raise SharePointError(f"$batch svarede med {len(results)} dele for {len(ops)} operationer")
        return results

    # --- users ------------------------------------------------------------------------------

    def ensure_user(self, login: str) -> dict[str, Any]:
        data = self.request("POST", "web/ensureuser", body={"logonName": login}).json()
        return dict(_unwrap(data))

    def site_user_ids(self) -> set[int]:
        data = self.get_json("web/siteusers?$select=Id&$top=5000")
        return {int(row["Id"]) for row in data.get("results", [])}

    # --- files ------------------------------------------------------------------------------

    def upload_file(self, library: str, name: str, content: bytes) -> dict[str, Any]:
        """Upload (overwrite = new version) with the library's chunked upload above 4 MiB.

        ``name`` must be a plain file name: SharePoint resolves ``Files/add(url=...)`` relative to the
        library's folder and accepts absolute paths too, so anything that could leave the library is
        refused before a request is sent (``DocumentError``).
        """
        check_file_name(library, name)
        folder = self.ctx.web.lists.get_by_title(library).root_folder
        try:
            if len(content) > 4 * 1024 * 1024:
                import io

                uploaded = folder.files.create_upload_session(io.BytesIO(content), chunk_size=4 * 1024 * 1024, file_name=name)
            else:
                uploaded = folder.files.add(name, content, overwrite=True)
            self.ctx.load(uploaded, ["ServerRelativeUrl", "UIVersionLabel", "Name"])
            self.ctx.execute_query()
        except ClientRequestException as error:
            raise _translate(error) from None
        url = str(uploaded.server_relative_url or "")
        # The file must sit directly in a library's root folder under this site: <site>/<library>/<name>.
        where = url[len(self._site_path()) + 1 :] if url.lower().startswith(self._site_path().lower() + "/") else ""
        if where.count("/") != 1 or where.rpartition("/")[2] != name:
            raise DocumentError(f"SharePoint placerede {name!r} uden for biblioteket «{library}» ({url!r}); uploaden afvises.")
        return {"ServerRelativeUrl": url, "UIVersionLabel": uploaded.properties.get("UIVersionLabel"), "Name": name}

    def _site_path(self) -> str:
        return urlsplit(self.site_url).path.rstrip("/")

    def file_item(self, server_relative_url: str) -> dict[str, Any]:
        path = f"web/getfilebyserverrelativeurl('{_quote_title(server_relative_url)}')/listitemallfields"
        return dict(self.get_json(path))

    def set_file_fields(self, server_relative_url: str, entity_type: str, fields: dict[str, Any]) -> None:
        path = f"web/getfilebyserverrelativeurl('{_quote_title(server_relative_url)}')/listitemallfields"
        self.request("MERGE", path, body={"__metadata": {"type": entity_type}, **fields}, headers={"IF-MATCH": "*"})

    def download_file(self, server_relative_url: str) -> bytes:
        path = f"web/getfilebyserverrelativeurl('{_quote_title(server_relative_url)}')/$value"
        return self.request("GET", path).content


# Characters that would make SharePoint read a file name as a path, a query, a fragment or an escape,
# plus those it refuses anyway; look-alike slashes in case a layer folds them into "/" or "\\".
_NOT_IN_FILE_NAME = frozenset('"*:<>?/\\|#%') | frozenset("\u2215\u2044\u29f8\u2216\u29f5\u29f9\uff0f\uff3c\ufe68")
MAX_FILE_NAME_CHARS = 255


def check_file_name(library: str, name: str) -> str:
    """``name`` if it is one plain file name, which can only land in the library's own folder.

    Refused (``DocumentError``): path separators and their look-alikes (also after Unicode NFKC
    folding), ``.``/``..`` and leading or trailing dots and spaces, ``%`` (URL-encoded tricks),
    control characters including NUL, and the characters SharePoint does not allow in names.
    """
    folded = unicodedata.normalize("NFKC", name)
    bad = (
        not name
        or len(name) > MAX_FILE_NAME_CHARS
        or any(text != text.strip(" .") for text in (name, folded))
        or any(ch in _NOT_IN_FILE_NAME or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name + folded)
    )
    if bad:
        raise DocumentError(
            f"Filnavnet {name!r} er ikke et rent filnavn (ingen mapper, /, \\, .., % eller kontroltegn); "
            f"uploaden til «{library}» afvises, så filen ikke kan havne uden for biblioteket."
        )
    return name


def _message(result: BatchResult) -> str:
    body = result.body
    if isinstance(body, dict) and "error" in body:
        message = body["error"].get("message")
        return str(message.get("value") if isinstance(message, dict) else message)
    return f"HTTP {result.status}"


def _outcome(item_id: int, result: BatchResult) -> WriteOutcome:
    if result.ok:
        return WriteOutcome(item_id, "ok", result.etag)
    if result.status == 412:
        return WriteOutcome(item_id, "conflict", None, _message(result))
    if result.status == 404:
        return WriteOutcome(item_id, "missing", None, _message(result))
    return WriteOutcome(item_id, "error", None, _message(result))


def _translate(error: ClientRequestException) -> SharePointError:
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    message = error.message or str(error)
    code = error.code
    if status in (401, 403):
        return AuthError(
            f"SharePoint afviste adgangen ({status}): {message}. Tjek app-registreringen og Sites.Selected-tilladelsen.",
            status=status, code=code,
        )
    if status == 404:
        return NotFoundError(f"Findes ikke i SharePoint: {message}", status=status, code=code)
    if status == 412:
        return ConflictError(f"Elementet er ændret siden det blev læst: {message}", status=status, code=code)
    if status in RETRIABLE_STATUS:
        headers = getattr(response, "headers", {}) or {}
        return ThrottledError(f"SharePoint er overbelastet ({status}): {message}",
                              retry_after=parse_retry_after(headers.get("Retry-After")), status=status)
    return SharePointError(f"SharePoint svarede {status}: {message}", status=status, code=code)
