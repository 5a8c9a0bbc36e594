"""OData v3 ``$batch`` bodies: build a changeset of conditional writes, parse the flat answers.

The library's batch always sends ``IF-MATCH: *`` (it drops ETags), which would overwrite a
department's newer edit. This module writes each operation with its own ``IF-MATCH`` instead.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BatchOp", "BatchResult", "build_batch", "parse_batch"]


@dataclass(frozen=True, slots=True)
class BatchOp:
    method: str  # GET, POST, MERGE, DELETE
    url: str  # absolute
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchResult:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")


def _part(op: BatchOp) -> str:
    method, extra = op.method, dict(op.headers)
    if method in ("MERGE", "DELETE"):
        extra["X-HTTP-Method"] = method
        method = "POST"
    lines = [
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        f"{method} {op.url} HTTP/1.1",
        "Accept: application/json;odata=verbose",
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    if op.body is not None:
        lines += ["Content-Type: application/json;odata=verbose", "", json.dumps(op.body, ensure_ascii=False)]
    else:
        lines += [""]
    return "\r\n".join(lines) + "\r\n"


def build_batch(ops: Sequence[BatchOp]) -> tuple[str, bytes]:
    """(content type, body): all writes in one changeset first, then the reads, as SharePoint wants."""
    batch = f"batch_{uuid.uuid4()}"
    changeset = f"changeset_{uuid.uuid4()}"
    writes = [op for op in ops if op.method != "GET"]
    reads = [op for op in ops if op.method == "GET"]
    chunks: list[str] = []
    if writes:
        chunks.append(f"--{batch}\r\nContent-Type: multipart/mixed; boundary={changeset}\r\n\r\n")
        chunks += [f"--{changeset}\r\n{_part(op)}" for op in writes]
        chunks.append(f"--{changeset}--\r\n")
    chunks += [f"--{batch}\r\n{_part(op)}" for op in reads]
    chunks.append(f"--{batch}--\r\n")
    return f"multipart/mixed; boundary={batch}", "".join(chunks).encode("utf-8")


_STATUS = re.compile(r"^HTTP/1\.[01] (\d{3})")


def parse_batch(content_type: str, body: bytes) -> list[BatchResult]:
    """Flat, in-order sub-responses (SharePoint Online answers changesets flattened)."""
    match = re.search(r"boundary=([^;\s]+)", content_type)
    text = body.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if not match:
        first = text.lstrip().split("\n", 1)[0]
        if not first.startswith("--"):
            raise ValueError("not a multipart batch response")
        boundary = first[2:].strip()
    else:
        boundary = match.group(1).strip('"')
    results: list[BatchResult] = []
    for chunk in text.split(f"--{boundary}"):
        chunk = chunk.strip("\n")
        if not chunk or chunk == "--":
            continue
        nested = re.search(r"boundary=([^;\s]+)", chunk.split("\n\n", 1)[0])
        if nested and "multipart/mixed" in chunk.split("\n\n", 1)[0]:
            results += parse_batch(f"boundary={nested.group(1)}", chunk.split("\n\n", 1)[1].encode())
            continue
        results.append(_parse_part(chunk))
    return results


def _parse_part(chunk: str) -> BatchResult:
    _, _, http = chunk.partition("\n\n")  # skip the part's own MIME headers
    head, _, payload = http.partition("\n\n")
    lines = head.split("\n")
    status_match = _STATUS.match(lines[0].strip())
    if not status_match:
        raise ValueError(f"unexpected batch part: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    payload = payload.strip()
    parsed: Any = None
    if payload:
        try:
            parsed = json.loads(payload)
        except json.JSONDecodeError:
            parsed = payload
    return BatchResult(int(status_match.group(1)), headers, parsed)
