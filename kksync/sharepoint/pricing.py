"""What SharePoint Online charges this app for a request, in resource units: the one place of the price model.

Only Microsoft Graph has a published price per request, which this module uses as the model for our
REST calls: 1 RU for a single-item read (and a change-log read with a token), 2 RU for a multi-item
query and for every create, update, delete or upload, 5 RU for a permission operation; the requests
inside a ``$batch`` count one by one. CSOM and REST have no fixed price and "usually cost more", so
every figure computed here is a *lower bound*. Source: Microsoft Learn, "Avoid getting throttled or
blocked in SharePoint Online" (resource units). Change the model here and only here.

Requests to Microsoft Graph's directory and mail (``/users``, ``sendMail``) are not SharePoint
resources: they cost no SharePoint RU (Graph has its own limits per service) and are counted as
requests only. The limits (``TIERS``) and the pacing arithmetic are in ``kksync.core.budget``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

__all__ = ["MULTI_ITEM", "PERMISSION", "SINGLE_ITEM", "WRITE", "batch_parts", "request_units"]

SINGLE_ITEM = 1
"""A single-item read (an item, a list's properties, a file's content), or the change log read with a token."""
MULTI_ITEM = 2
"""A query answering several items (a page of items, items by id, the site's users, a list's fields)."""
WRITE = 2
"""Create, update, delete, upload."""
PERMISSION = 5
"""Permission operations: who belongs to the site (``ensureuser``, removing a site user), role assignments."""


_COLLECTIONS = frozenset({
    "items", "fields", "lists", "siteusers", "subscriptions", "files", "folders", "views", "contenttypes",
    "sitegroups", "users", "roleassignments", "recyclebin",
})
_PERMISSION_SEGMENTS = frozenset({"ensureuser", "removebyid", "roleassignments", "breakroleinheritance",
                        "resetroleinheritance", "sitegroups", "addroleassignment", "removeroleassignment"})
_POST_READS = {"getchanges": SINGLE_ITEM, "contextinfo": SINGLE_ITEM, "getitems": MULTI_ITEM}
_PART_LINE = re.compile(rb"^(GET|POST|PUT|PATCH|MERGE|DELETE) (\S+) HTTP/1\.1\r?$", re.MULTILINE)


def _segments(path: str) -> list[str]:
    after = path.split("/_api/", 1)[1] if "/_api/" in path else path
    return [unquote(s).lower() for s in after.split("/") if s]


def _name(segment: str) -> str:
    """A path segment without its arguments: ``getbytitle('Tiltag')`` → ``getbytitle``."""
    return segment.split("(", 1)[0]


def request_units(method: str, url: str, body: bytes | str | None = None) -> int:
    """The resource units one request costs (lower bound); a ``$batch`` costs the sum of its parts.

    ``method`` is the effective verb (``X-HTTP-Method`` when tunnelled). Requests outside SharePoint's
    REST API (no ``/_api/`` in the path: Microsoft Graph's directory and mail) cost 0.
    """
    parts = urlsplit(url)
    if "/_api/" not in parts.path.lower() + "/":
        return 0
    segments = _segments(parts.path)
    if segments and segments[-1] == "$batch":
        return sum(request_units(m, u) for m, u in batch_parts(body))
    method = method.upper()
    query = unquote(parts.query).lower()
    if any(_name(s) in _PERMISSION_SEGMENTS for s in segments) or "roleassignments" in query or "permissions" in query:
        # Reading who may do what is a permission operation too; reading the site's users is not.
        return PERMISSION
    last = _name(segments[-1]) if segments else ""
    if method == "GET":
        single = not segments or segments[-1].endswith(")") or last not in _COLLECTIONS
        return SINGLE_ITEM if single else MULTI_ITEM
    if method == "POST" and last in _POST_READS:
        return _POST_READS[last]
    return WRITE


def batch_parts(body: bytes | str | None) -> list[tuple[str, str]]:
    """(verb, url) of every operation in a SharePoint ``$batch`` body (their request lines)."""
    if not body:
        return []
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return [(m.group(1).decode(), m.group(2).decode("utf-8", "replace")) for m in _PART_LINE.finditer(raw)]
