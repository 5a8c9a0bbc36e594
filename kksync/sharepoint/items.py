"""The data plane: list info, paged reads, items by id, the change log, batched writes.

Raw REST requests through ``SiteHttp`` so that every request is one we chose and counted.
Writes go in ``$batch`` requests; an operation SharePoint throttled inside an otherwise
answered batch is sent again alone, through the same retry loop as whole requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from kksync.errors import AuthError, ChangeTokenError, ListViewThresholdError, SharePointError, ThrottledError
from kksync.sharepoint.batch import BatchOp, BatchResult, build_batch, parse_batch
from kksync.sharepoint.data import Change, ChangeKind, ItemWrite, ListInfo, WriteOutcome
from kksync.sharepoint.http import SiteHttp, is_threshold, list_path, results, threshold_error, unwrap
from kksync.sharepoint.retry import Again, is_retriable, parse_retry_after, retry_after_of

__all__ = ["IDS_PER_READ", "ListItems"]

# SP.ChangeType: 7 (Restore) is an item back from the recycle bin, to be read like an add; 15
# (SystemUpdate) an edit that kept Modified and Editor (e.g. a flow's "silent" update), read like one.
_CHANGE_KINDS: dict[int, ChangeKind] = {1: "add", 2: "update", 3: "delete", 7: "restore", 15: "update"}
IDS_PER_READ = 100  # ids per $filter: keeps the URL far below SharePoint's query-string limit
_LIST_SELECT = "Id,Title,ItemCount,ListItemEntityTypeFullName,CurrentChangeToken,BaseTemplate"


class ListItems:
    """Items of the site's lists; caches each list's info (entity type, id) for the client's life."""

    def __init__(self, http: SiteHttp, *, page_size: int, batch_size: int) -> None:
        self._http = http
        self.page_size = page_size
        self.batch_size = batch_size
        self._list_cache: dict[str, ListInfo] = {}

    # --- lists ------------------------------------------------------------------------------

    def list_info(self, title: str, *, refresh: bool = False) -> ListInfo:
        if refresh or title not in self._list_cache:
            data = self._http.get_json(f"{list_path(title)}?$select={_LIST_SELECT}")
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
        data = self._http.get_json("web/lists?$select=Title,BaseTemplate&$top=5000")
        return {row["Title"]: int(row.get("BaseTemplate") or 100) for row in results(data)}

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
        url: str | None = f"{list_path(title)}/items?{'&'.join(query)}"
        seen: set[str] = set()
        last_ids: tuple[int, ...] = ()
        while url:
            if url in seen:
                raise SharePointError(f"SharePoint sendte den samme side af «{title}» to gange; læsningen er stoppet.")
            seen.add(url)
            data = self._http.get_json(url)
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
        """Item changes after ``token``, oldest first (adds, updates, deletes, restores).

        Paged until a page is empty or its last token does not move on. A page shorter than
        ``FetchLimit`` does not prove the end (SharePoint may return short pages while more
        exist; unverified), so reading changes costs one request more than the pages they fill.
        """
        result: list[Change] = []
        start = token
        seen = {token}
        while True:
            rows = self._change_page(title, start, fetch_limit)
            if not rows:
                return result
            last = _token_of(title, rows[-1])
            if last in seen:  # a page that does not advance would be read again and again
                return result
            seen.add(last)
            for row in rows:
                kind = _CHANGE_KINDS.get(int(row.get("ChangeType") or 0))
                if kind and row.get("ItemId") is not None:
                    editor = row.get("EditorLoginName") or row.get("Editor")
                    result.append(Change(int(row["ItemId"]), kind, _token_of(title, row), editor))
            start = last

    def _change_page(self, title: str, start: str, fetch_limit: int) -> list[dict[str, Any]]:
        body = {
            "query": {
                "__metadata": {"type": "SP.ChangeQuery"},
                "Item": True, "Add": True, "Update": True, "DeleteObject": True, "Restore": True, "SystemUpdate": True,
                "ChangeTokenStart": {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": start},
                "FetchLimit": fetch_limit,
            }
        }
        try:
            data = self._http.post_json(f"{list_path(title)}/getchanges", body)
        except SharePointError as error:
            if isinstance(error, ThrottledError | AuthError | ListViewThresholdError):
                raise
            raise ChangeTokenError(f"Ændringsloggen for «{title}» afviste det gemte ændrings-token: {error}") from None
        return results(data)

    # --- writing ----------------------------------------------------------------------------

    def update_items(self, title: str, writes: Sequence[ItemWrite]) -> list[WriteOutcome]:
        """Conditional MERGEs in ``$batch`` requests of ``batch_size``; a stale ETag is a conflict.

        ETags are opaque: the one read is sent back as it came, and the one an update answers
        (``"<guid>,<n>"`` on SharePoint Online, where reads show ``"<n>"``) is handed on untouched.
        """
        info = self.list_info(title)

        def op(write: ItemWrite) -> BatchOp:
            url = self._http.url(f"{list_path(title)}/items({write.item_id})")
            return BatchOp("MERGE", url, {"__metadata": {"type": info.entity_type}, **write.payload}, {"IF-MATCH": write.etag})

        ops = [op(w) for w in writes]
        answers = self._batched_with_retries(ops)
        return [_outcome(title, w.item_id, r) for w, r in zip(writes, answers, strict=True)]

    def create_items(self, title: str, payloads: Sequence[dict[str, Any]]) -> list[int]:
        """Create items in batches; returns the new ids in order.

        A create SharePoint throttled inside the batch was not made, so it is sent again alone; the
        first batch with a failure stops the run (later batches are not sent).
        """
        info = self.list_info(title)
        ids: list[int] = []
        url = self._http.url(f"{list_path(title)}/items")
        for start in range(0, len(payloads), self.batch_size):
            chunk = payloads[start : start + self.batch_size]
            ops = [BatchOp("POST", url, {"__metadata": {"type": info.entity_type}, **p}) for p in chunk]
            for result in self._batched_with_retries(ops):
                if not result.ok:
                    raise _failure(title, result, f"Kunne ikke oprette element i «{title}»")
                ids.append(int(unwrap(result.body)["Id"]))
        return ids

    def delete_items(self, title: str, ids: Sequence[int]) -> list[WriteOutcome]:
        """Delete (to the recycle bin) in batches, through the retry loop; one outcome per id, in order.

        An item already gone is ``missing``, not an error: the delete's aim is reached.
        """
        ops = [BatchOp("DELETE", self._http.url(f"{list_path(title)}/items({int(i)})"), None, {"IF-MATCH": "*"}) for i in ids]
        answers = self._batched_with_retries(ops)
        return [_outcome(title, int(i), r) for i, r in zip(ids, answers, strict=True)]

    def _batched_with_retries(self, ops: Sequence[BatchOp]) -> list[BatchResult]:
        """Each operation's final sub-response, in order; throttled ones are sent again, alone.

        "Throttled" is the transport's rule (``is_retriable``): a sub-response with 500 is final
        unless it says when to come back.
        """
        final: dict[int, BatchResult] = {}
        pending = list(range(len(ops)))

        def attempt(number: int) -> list[BatchResult] | Again:
            nonlocal pending
            throttled: list[int] = []
            retry_after: float | None = None
            status: int | None = None
            for start in range(0, len(pending), self.batch_size):
                chunk = pending[start : start + self.batch_size]
                for index, result in zip(chunk, self._batch([ops[i] for i in chunk]), strict=True):
                    if not is_retriable(result.status, result.headers):
                        final[index] = result
                        continue
                    throttled.append(index)
                    status = result.status
                    wanted = parse_retry_after(retry_after_of(result.headers))
                    if wanted is not None:  # the longest wait asked for covers every throttled operation
                        retry_after = max(retry_after or 0.0, wanted)
            if not throttled:
                return [final[i] for i in range(len(ops))]
            pending = throttled
            return Again(retry_after, status)

        def exhausted(number: int, last: Again) -> Exception:
            return ThrottledError("SharePoint blev ved med at afvise skrivninger i batch.", retry_after=last.retry_after,
                                  status=last.status)

        return self._http.transport.retrier.run(attempt, kind="batch", exhausted=exhausted)

    def _batch(self, ops: Sequence[BatchOp]) -> list[BatchResult]:
        content_type, body = build_batch(ops)
        response = self._http.request("POST", "$batch", data=body, headers={"Content-Type": content_type})
        answers = parse_batch(response.headers.get("Content-Type", ""), response.content)
        if len(answers) != len(ops):
            raise SharePointError(f"$batch svarede med {len(answers)} dele for {len(ops)} operationer")
        return answers


def _token_of(title: str, row: dict[str, Any]) -> str:
    token = row.get("ChangeToken")
    value = token.get("StringValue") if isinstance(token, dict) else None
    if not isinstance(value, str) or not value:
        raise SharePointError(f"Ændringsloggen for «{title}» sendte en ændring uden ændrings-token; læsningen er stoppet.")
    return value


def _error_of(result: BatchResult) -> tuple[str, str | None]:
    """(message, code) of a sub-response's error body; the status when it has none."""
    body = result.body
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        message = error.get("message")
        text = message.get("value") if isinstance(message, dict) else message
        code = error.get("code")
        return str(text), str(code) if code is not None else None
    return f"HTTP {result.status}", None


def _failure(title: str, result: BatchResult, what: str) -> SharePointError:
    message, code = _error_of(result)
    if is_threshold(result.status, code):
        return threshold_error(title, message, code=code)
    return SharePointError(f"{what}: {message}", status=result.status, code=code)


def _outcome(title: str, item_id: int, result: BatchResult) -> WriteOutcome:
    if result.ok:
        return WriteOutcome(item_id, "ok", result.etag)
    message, code = _error_of(result)
    if result.status == 412:
        return WriteOutcome(item_id, "conflict", None, message)
    if result.status == 404:
        return WriteOutcome(item_id, "missing", None, message)
    if is_threshold(result.status, code):
        message = str(threshold_error(title, message, code=code))
    return WriteOutcome(item_id, "error", None, message)
