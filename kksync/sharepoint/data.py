"""The plain data the SharePoint adapter speaks in (no I/O, no office365 import: cheap for ports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from enum import StrEnum
from typing import Any, Literal

__all__ = ["AccountState", "AlternativeMail", "Change", "ChangeKind", "ItemWrite", "ListInfo", "MailMessage", "SiteUser", "WriteOutcome"]

ChangeKind = Literal["add", "update", "delete", "restore"]
"""``restore``: the item is back from the recycle bin (SP.ChangeType 7); read it like an ``add``."""


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
    """A conditional update; ``etag`` is sent back exactly as it was read (ETags are opaque strings)."""

    item_id: int
    etag: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    item_id: int
    status: Literal["ok", "conflict", "missing", "error"]
    etag: str | None = None
    message: str = ""


@dataclass(frozen=True, slots=True)
class SiteUser:
    """A row of the site's User Information List (``web/siteusers``).

    A colleague who left stays here; only Microsoft Graph knows whether the account is gone or
    disabled (``GraphClient.account_states(user.account ...)``).
    """

    id: int
    login_name: str
    title: str = ""
    email: str | None = None
    user_principal_name: str | None = None
    principal_type: int = 1
    """SP.PrincipalType: 1 user, 4 security group, 8 SharePoint group."""

    @property
    def is_person(self) -> bool:
        return self.principal_type == 1

    @property
    def account(self) -> str | None:
        """The account to ask Graph about: the UPN, else the claim's tail (``i:0#.f|membership|x@kk.dk``).

        None for groups and for principals that are not directory accounts (the app, system users).
        """
        if not self.is_person:
            return None
        if self.user_principal_name:
            return self.user_principal_name
        claim, _, tail = self.login_name.rpartition("|")
        return tail if claim.endswith("membership") and "@" in tail else None


class AccountState(StrEnum):
    """What Microsoft Graph says about an account (``GraphClient.account_states``)."""

    ACTIVE = "active"
    DISABLED = "disabled"  # accountEnabled is false: the person cannot sign in
    GONE = "gone"  # 404: the account was deleted
    UNKNOWN = "unknown"  # Graph could not say (an error, throttling beyond the budget): do not act on it


@dataclass(frozen=True, slots=True)
class MailMessage:
    """A plain mail for ``GraphClient.send_mail``; ``html`` marks ``body`` as HTML (escape what you put in it)."""

    subject: str
    body: str
    to: tuple[str, ...]
    html: bool = False
    cc: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The ``message`` of a sendMail request (Graph's ``message`` resource)."""

        def recipients(addresses: Sequence[str]) -> list[dict[str, Any]]:
            return [{"emailAddress": {"address": address}} for address in addresses]

        message: dict[str, Any] = {
            "subject": self.subject,
            "body": {"contentType": "HTML" if self.html else "Text", "content": self.body},
            "toRecipients": recipients(self.to),
        }
        if self.cc:
            message["ccRecipients"] = recipients(self.cc)
        return message


@dataclass(frozen=True, slots=True)
class AlternativeMail:
    """A mail with an HTML and a plain-text part of the same content, sent as MIME (``GraphClient.send_mime_mail``).

    Graph's JSON ``message`` has one body (HTML or text); a ``multipart/alternative`` MIME message carries
    both, and the reader's mail program shows the one it can (screen readers and text-only clients the text).
    """

    subject: str
    html: str
    text: str
    to: tuple[str, ...]
    language: str = "da"

    def mime(self, sender: str) -> bytes:
        """RFC 5322/2045 bytes: From, To, Subject (encoded as needed), text/plain then text/html (preferred last)."""
        message = EmailMessage(policy=SMTP)
        message["From"] = sender
        message["To"] = ", ".join(self.to)
        message["Subject"] = self.subject
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
        message.set_content(self.text, subtype="plain", charset="utf-8")
        message.add_alternative(self.html, subtype="html", charset="utf-8")
        message["Content-Language"] = self.language  # after the parts: making them moves Content-* headers down
        return message.as_bytes()
