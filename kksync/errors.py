"""One exception tree for kksync.

::

    KksyncError                      anything kksync raises on purpose
    ├── ConfigError                  settings, governance or template files are invalid
    ├── SchemaError                  the model cannot be turned into a list schema (a programming error)
    ├── SharePointError              SharePoint answered with an error we cannot handle here
    │   ├── AuthError                401/403: the token or the app's rights are wrong
    │   ├── NotFoundError            404: list, item or file does not exist
    │   ├── ConflictError            412: the item changed since we read it (stale ETag)
    │   ├── ThrottledError           429/503 that outlived the retry budget; carries ``retry_after``
    │   └── ChangeTokenError         the stored change token was rejected or has expired
    ├── StateError                   the state store is unreachable or inconsistent
    └── DocumentError                a document could not be generated, linted or published
        └── TemplateError            the Word template is broken or foreign

Messages are written for the person running the command: what went wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "ChangeTokenError",
    "ConfigError",
    "ConflictError",
    "DocumentError",
    "KksyncError",
    "NotFoundError",
    "SchemaError",
    "SharePointError",
    "StateError",
    "TemplateError",
    "ThrottledError",
]


class KksyncError(Exception):
    """Base class: an error kksync raises on purpose, with a message for the user."""


class ConfigError(KksyncError):
    """Settings, governance configuration or a template path is invalid."""


class SchemaError(KksyncError):
    """The canonical model cannot be derived into a list schema."""


class SharePointError(KksyncError):
    """SharePoint answered with an error."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class AuthError(SharePointError):
    """The token was refused (401) or the app lacks rights on the site (403)."""


class NotFoundError(SharePointError):
    """The list, item or file does not exist."""


class ConflictError(SharePointError):
    """The item changed since it was read (HTTP 412, stale ETag)."""


class ThrottledError(SharePointError):
    """SharePoint kept throttling beyond the retry budget."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class ChangeTokenError(SharePointError):
    """The change token was rejected or is too old; a full reconcile is needed."""


class StateError(KksyncError):
    """The state store failed."""


class DocumentError(KksyncError):
    """A document could not be generated, linted or published."""


class TemplateError(DocumentError):
    """The Word template is broken or is not a kksync template."""


class ListViewThresholdError(SharePointError):
    """A query over SharePoint's list view threshold (HTTP 500 ``SPQueryThrottledException``).

    Not throttling: the same query fails the same way until the column it filters on is indexed,
    so it is never retried. ``list_title`` names the list when the adapter knows it.
    """

    def __init__(
        self, message: str, *, list_title: str | None = None, status: int | None = 500, code: str | None = None
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.list_title = list_title
