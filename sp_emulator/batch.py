"""OData v3 `$batch`: parse a multipart/mixed request (with change sets, LF or CRLF) and build the flat,
in-order multipart response SharePoint Online returns (change set responses are not nested)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from email import message_from_bytes
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from .errors import bad_request

__all__ = ["BatchOp", "parse_batch", "build_batch_response"]


@dataclass
class BatchOp:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    in_changeset: bool


def _parse_http(raw: bytes, in_changeset: bool) -> BatchOp:
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.lstrip(b"\n").partition(b"\n\n")
    lines = head.decode("utf-8").split("\n")
    parts = lines[0].split(" ")
    if len(parts) < 2:
        raise bad_request(f"Invalid batch request line '{lines[0]}'.", "-1, Microsoft.OData.ODataException")
    method, url = parts[0].upper(), parts[1]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    if "x-http-method" in headers:
        method = headers["x-http-method"].upper()
    split = urlsplit(url)
    body = body.strip()
    return BatchOp(method, split.path, split.query, headers, body, in_changeset)


def parse_batch(body: bytes, content_type: str) -> list[BatchOp]:
    if "boundary=" not in content_type.lower():
        raise bad_request("The batch request must have a boundary.", "-1, Microsoft.OData.ODataException")
    message = message_from_bytes(b"Content-Type: " + content_type.encode("ascii") + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise bad_request("Invalid batch payload.", "-1, Microsoft.OData.ODataException")
    ops: list[BatchOp] = []

    def walk(part: Any, in_changeset: bool) -> None:
        if part.is_multipart():
            for child in part.get_payload():  # type: ignore[union-attr]
                walk(child, in_changeset or part is not message)
            return
        if part.get_content_type() != "application/http":
            return
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            ops.append(_parse_http(payload, in_changeset))

    walk(message, False)
    return ops


def build_batch_response(responses: list[tuple[int, dict[str, str], bytes]]) -> tuple[bytes, str]:
    """Each response is (status, headers, body); CRLF throughout, like SharePoint Online."""
    boundary = f"batchresponse_{uuid.uuid4()}"
    chunks: list[bytes] = []
    for status, headers, body in responses:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        inner = [f"HTTP/1.1 {status} {reason}"] + [f"{k.upper()}: {v}" for k, v in headers.items()]
        chunks.append(
            f"--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n".encode()
            + "\r\n".join(inner).encode()
            + b"\r\n\r\n"
            + body
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/mixed; boundary={boundary}"
