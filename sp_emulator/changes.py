"""`List.getChanges`: read the change log after a `ChangeTokenStart`, filtered and limited like SharePoint.

What SharePoint Online does and the emulator copies: a token older than the change log's retention returns
no changes and no error (sp-dev-docs #10389); `Editor`/`EditorLoginName` are null for item updates
(sp-dev-docs #10017); a restore from the recycle bin is change type 7.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .site import ADD, DELETE, RESTORE, UPDATE

if TYPE_CHECKING:
    from .site import Site

__all__ = ["get_changes"]


def get_changes(site: Site, base: str, lid: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    start = query.get("ChangeTokenStart")
    token_text = start.get("StringValue") if isinstance(start, dict) else start
    after = 0
    if token_text:
        after = site.parse_change_token(lid, str(token_text))
        if site.token_expired(str(token_text)):
            return []
    end = query.get("ChangeTokenEnd")
    end_no = (
        site.parse_change_token(lid, end["StringValue"]) if isinstance(end, dict) and end.get("StringValue") else None
    )
    wanted = {
        ADD: query.get("Add", False),
        UPDATE: query.get("Update", False),
        DELETE: query.get("DeleteObject", False),
        RESTORE: query.get("Restore", False),
    }
    limit = int(query.get("FetchLimit") or 1000)
    if site.fidelity.short_change_pages:
        limit = max(1, (limit + 1) // 2)  # unverified: a page may stop short of FetchLimit while more exist
    results: list[dict[str, Any]] = []
    if not query.get("Item", False):
        return results  # only item changes are logged by the emulator
    cursor = after
    while len(results) < limit:
        rows = site.store.changes_after(lid, cursor, 1000)
        if not rows:
            break
        for number, item_id, ctype, time, ticks, editor in rows:
            cursor = number
            if end_no is not None and number > end_no:
                return results
            if wanted.get(ctype):
                if ctype == UPDATE and not site.fidelity.editor_in_update_changes:
                    editor = None
                results.append(_entity(site, base, lid, number, item_id, ctype, time, ticks, editor))
                if len(results) >= limit:
                    break
    return results


def _entity(
    site: Site, base: str, lid: str, number: int, item_id: int, ctype: int, time: str, ticks: int,
    editor: str | None = None,
) -> dict[str, Any]:
    meta = site.store.meta
    return {
        "__metadata": {
            "id": f"{base}/_api/SP.ChangeItem{number}",
            "uri": f"{base}/_api/SP.ChangeItem",
            "type": "SP.ChangeItem",
        },
        "ChangeToken": {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": f"1;3;{lid};{ticks};{number}"},
        "ChangeType": ctype,
        "SiteId": meta["site_id"],
        "Time": time,
        "ItemId": item_id,
        "ListId": lid,
        "WebId": meta["web_id"],
        "UniqueId": f"{lid[:-12]}{item_id:012d}",
        "Editor": editor,
        "EditorLoginName": editor,
        "EditorEmailHint": None,
        "ServerRelativeUrl": "",
        "ContentTypeId": {"__metadata": {"type": "SP.ContentTypeId"}, "StringValue": "0x0100"},
    }
