"""The data plane: list info, paged reads, items by id, the change log, batched writes.

Raw REST requests through ``SiteHttp`` so that every request is one we chose and counted.
Writes go in ``$batch`` requests; an operation SharePoint throttled inside an otherwise
answered batch is sent again alone, through the same retry loop as whole requests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

from kksync.errors import AuthError, ChangeTokenError, SharePointError, ThrottledError
from kksync.sharepoint.batch import BatchOp, BatchResult, build_batch, parse_batch
from kksync.sharepoint.data import Change, ChangeKind, ItemWrite, ListInfo, WriteOutcome
from kksync.sharepoint.http import SiteHttp, list_path, results, unwrap
from kksync.sharepoint.retry import RETRIABLE_STATUS, Again, parse_retry_after

__all__ = ["IDS_PER_READ", "ListItems"]

_CHANGE_KINDS: dict[int, ChangeKind] = {1: "add", 2: "update", 3: "delete"}
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
                data = self._http.post_json(f"{list_path(title)}/getchanges", body)
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

        def op(write: ItemWrite) -> BatchOp:
            url = self._http.url(f"{list_path(title)}/items({write.item_id})")
            return BatchOp("MERGE", url, {"__metadata": {"type": info.entity_type}, **write.payload}, {"IF-MATCH": write.etag})

        ops = [op(w) for w in writes]
        return [_outcome(w.item_id, r) for w, r in zip(writes, self._batched_with_retries(ops), strict=True)]

    def create_items(self, title: str, payloads: Sequence[dict[str, Any]]) -> list[int]:
        """Create items in batches; returns the new ids in order."""
        info = self.list_info(title)
        ids: list[int] = []
        url = self._http.url(f"{list_path(title)}/items")
        for start in range(0, len(payloads), self.batch_size):
            ops = [BatchOp("POST", url, {"__metadata": {"type": info.entity_type}, **p}) for p in payloads[start : start + self.batch_size]]
            for result in self._batch(ops):
                if not result.ok:
                    raise SharePointError(f"Kunne ikke oprette element i «{title}»: {_message(result)}", status=result.status)
                ids.append(int(unwrap(result.body)["Id"]))
        return ids

    def delete_items(self, title: str, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), self.batch_size):
            ops = [
                BatchOp("DELETE", self._http.url(f"{list_path(title)}/items({i})"), None, {"IF-MATCH": "*"})
                for i in ids[start : start + self.batch_size]
            ]
            self._batch(ops)

    def _batched_with_retries(self, ops: Sequence[BatchOp]) -> list[BatchResult]:
        """Each operation's final sub-response, in order; throttled ones are sent again, alone."""
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
                    if result.status not in RETRIABLE_STATUS:
                        final[index] = result
                        continue
                    throttled.append(index)
                    status = result.status
                    wanted = parse_retry_after(result.headers.get("retry-after"))
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
