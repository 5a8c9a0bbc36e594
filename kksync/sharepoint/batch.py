"""OData v3 ``$batch`` bodies: build a changeset of conditional writes, parse the answers.

The library's batch always sends ``IF-MATCH: *`` (it drops ETags), which would overwrite a
department's newer edit. This module writes each operation with its own ``IF-MATCH`` instead.
Each write carries its verb on the part's request line (``MERGE <url> HTTP/1.1``), as every
public client does (PnPjs, PnP Core, the library's own ``_serialize_request``).

Answers are parsed with the standard library's MIME parser, so CRLF and bare LF, quoted or
missing boundary parameters and nested changesets are all handled the same way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import Any

from kksync.errors import SharePointError

__all__ = ["BatchOp", "BatchResult", "build_batch", "parse_batch"]

_PARSER = BytesParser(policy=policy.HTTP)


@dataclass(frozen=True, slots=True)
class BatchOp:
    method: str  # GET, POST, MERGE, PATCH, DELETE
    url: str  # absolute
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchResult:
    status: int
    headers: dict[str, str]
    """Lower-case names."""
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")


def _part(op: BatchOp) -> str:
    lines = [
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        f"{op.method} {op.url} HTTP/1.1",
        "Accept: application/json;odata=verbose",
    ]
    lines += [f"{k}: {v}" for k, v in op.headers.items()]
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


def _malformed(reason: str) -> SharePointError:
    return SharePointError(f"SharePoint sendte et $batch-svar, der ikke kan læses ({reason}).")


def _sniffed_boundary(body: bytes) -> str:
    """The boundary from the body's first delimiter line, for answers whose Content-Type omits it."""
    for line in body.splitlines():
        if line.strip():
            text = line.strip().decode("ascii", errors="replace")
            if text.startswith("--") and len(text) > 2:
                return text[2:]
            break
    raise _malformed("ingen multipart-grænse")


def parse_batch(content_type: str, body: bytes) -> list[BatchResult]:
    """The sub-responses in order; a changeset's answers (nested or flattened) take its place.

    Raises ``SharePointError`` when the body is not a multipart batch answer.
    """
    header = content_type.strip() or "multipart/mixed"
    probe = _PARSER.parsebytes(f"Content-Type: {header}\r\n\r\n".encode("ascii", errors="replace"))
    if probe.get_param("boundary") is None:
        header = f'multipart/mixed; boundary="{_sniffed_boundary(body)}"'
    message = _PARSER.parsebytes(f"Content-Type: {header}\r\n\r\n".encode("ascii", errors="replace") + body)
    if not message.is_multipart():
        raise _malformed("ikke et multipart-svar")
    return [_parse_http(part) for part in _leaves(message)]


def _leaves(message: Message) -> Iterator[Message]:
    payload = message.get_payload()
    if not isinstance(payload, list) or not payload:
        raise _malformed("ingen dele mellem multipart-grænserne")
    for part in payload:
        if not isinstance(part, Message):
            raise _malformed("en del uden MIME-hoved")
        if part.is_multipart():
            yield from _leaves(part)
        elif part.get_content_type() == "application/http":
            yield part
        else:
            raise _malformed(f"uventet del af typen {part.get_content_type()}")


def _parse_http(part: Message) -> BatchResult:
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        raise _malformed("en del uden indhold")
    status_line, _, rest = raw.lstrip(b"\r\n").partition(b"\n")
    fields = status_line.decode("ascii", errors="replace").split()
    if len(fields) < 2 or not fields[0].startswith("HTTP/") or not (fields[1].isdigit() and len(fields[1]) == 3):
        raise _malformed(f"statuslinjen {status_line[:80]!r}")
    response = _PARSER.parsebytes(rest)
    headers = {name.lower(): str(value) for name, value in response.items()}
    content = response.get_payload(decode=True) if not response.is_multipart() else None
    text = content.decode("utf-8", errors="replace").strip() if isinstance(content, bytes) else ""
    parsed: Any = None
    if text:
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = text
    return BatchResult(int(fields[1]), headers, parsed)

