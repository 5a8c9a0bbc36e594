"""A MIME ``sendMail`` body as Exchange reads it: base64 of an RFC 5322 message (stdlib ``email`` parses it).

The stored entry has the JSON form's ``message`` (subject, toRecipients, ccRecipients, body: the HTML part
if there is one, else the text) plus ``text``, ``html`` and the raw ``headers``, so tests can look at
both parts of a ``multipart/alternative`` mail.
"""

from __future__ import annotations

import base64
import binascii
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any

__all__ = ["parse_mime"]


def _recipients(values: list[str]) -> list[dict[str, Any]]:
    return [{"emailAddress": {"address": address, "name": name}} for name, address in getaddresses(values) if address]


def _part(message: EmailMessage, subtype: str) -> str | None:
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    content = part.get_content()
    return content if isinstance(content, str) else None


def parse_mime(body: bytes) -> dict[str, Any] | None:
    """The entry for ``body``; ``None`` when it is not base64 of a message."""
    try:
        raw = base64.b64decode(body.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not raw:
        return None
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    text, html = _part(message, "plain"), _part(message, "html")
    content_type, content = ("HTML", html) if html is not None else ("Text", text or "")
    return {
        "message": {
            "subject": str(message.get("Subject", "")),
            "toRecipients": _recipients(message.get_all("To", [])),
            "ccRecipients": _recipients(message.get_all("Cc", [])),
            "body": {"contentType": content_type, "content": content},
        },
        "mime": True,
        "text": text,
        "html": html,
        "content_type": message.get_content_type(),
        "headers": {k: str(v) for k, v in message.items()},
    }
