"""One exception tree for kksync, arranged by what the caller should do.

::

    KksyncError                      anything kksync raises on purpose
    ├── ConfigError                  settings, governance or template files are invalid   → fix the configuration
    ├── SchemaError                  the model cannot be turned into a list schema        → a programming error
    ├── UnknownError                 the caller named something kksync does not have      → 404 / "findes ikke"
    │   ├── UnknownPlanError         no plan with that key in the synced copy
    │   └── SnapshotNotFoundError    no snapshot of that plan at that status date
    ├── InvalidInputError            the caller's value is well formed but not valid here (a status date
    │   │                            outside the plan's period, a year the plan does not cover) → 400 / exit 2
    │   └── SnapshotExistsError      that snapshot exists and is frozen (``--replace`` to redo it)
    ├── SharePointError              SharePoint answered with an error we cannot handle here
    │   ├── AuthError                401/403: the token or the app's rights are wrong     → fatal, alert
    │   ├── NotFoundError            404: list, item or file does not exist on SharePoint
    │   ├── ConflictError            412: the item changed since we read it (stale ETag)  → re-read, retry
    │   ├── ThrottledError  (R)      429/503 that outlived the retry budget; ``retry_after``
    │   ├── UnreachableError (R)     no connection to SharePoint after the retry budget
    │   ├── ListViewThresholdError   500 SPQueryThrottledException: a query over the list view threshold
    │   │                            → fatal (index the column, kksync provision), never retried
    │   └── ChangeTokenError         the stored change token was rejected or has expired  → full reconcile
    ├── StateError                   the state store is unreachable or inconsistent       → fatal, alert
    │   ├── NoDataError              nothing synced yet, or too long ago, to judge on     → run kksync sync
    │   └── StaleTokenError (R)      a commit would move a list's change token back: another run got
    │                                further meanwhile; nothing was stored         → run again
    ├── LeaseHeldError (R)           another run holds the list's lease (is syncing it right now);
    │                                ``retry_after``, ``list_key``               → wait, or requeue
    ├── DocumentError                a document could not be generated, linted or published
    │   └── TemplateError            the Word template is broken or foreign
    ├── WebhookRejected              a request to the webhook is not a notification; ``status`` (400/413)
    └── BadMessage                   a queue message is not a kksync change message       → drop it

    RetriableError                   mixin (R): the same work may succeed later; give it back to the
                                     queue or the timer's retry instead of failing for good

``except RetriableError`` catches throttling and lost connections whatever their branch; every other
error is fatal for the work at hand. An ``UnknownError`` is the caller's mistake (a plan key that does
not exist), not SharePoint's 404: it maps to HTTP 404 and to a Danish "findes ikke" in the CLI.

Messages are written for the person running the command: what went wrong and what to do.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BadMessage",
    "ChangeTokenError",
    "ConfigError",
    "ConflictError",
    "DocumentError",
    "InvalidInputError",
    "KksyncError",
    "LeaseHeldError",
    "ListViewThresholdError",
    "NoDataError",
    "NotFoundError",
    "RetriableError",
    "SchemaError",
    "SharePointError",
    "SnapshotExistsError",
    "SnapshotNotFoundError",
    "StaleTokenError",
    "StateError",
    "TemplateError",
    "ThrottledError",
    "UnknownError",
    "UnknownPlanError",
    "UnreachableError",
    "WebhookRejected",
]


class KksyncError(Exception):
    """Base class: an error kksync raises on purpose, with a message for the user."""


class RetriableError(KksyncError):
    """The work failed for now and may succeed later (throttling, a lost connection).

    A mixin-like base: concrete errors inherit it beside their own branch, so ``except RetriableError``
    catches every transient failure and ``except SharePointError`` still sees SharePoint's.
    """

    retry_after: float | None = None
    """Seconds the other side asked us to wait, if it said."""


class ConfigError(KksyncError):
    """Settings, governance configuration or a template path is invalid."""


class SchemaError(KksyncError):
    """The canonical model cannot be derived into a list schema."""


class UnknownError(KksyncError):
    """The caller asked for something kksync does not have (in its store), e.g. an unknown plan key."""


class UnknownPlanError(UnknownError):
    """No plan with that key in the synced copy."""

    def __init__(self, message: str, *, plan_key: str) -> None:
        super().__init__(message)
        self.plan_key = plan_key


class SnapshotNotFoundError(UnknownError):
    """No snapshot of the plan at that status date."""


class InvalidInputError(KksyncError):
    """A value the caller gave is well formed but not valid here (a date outside the plan's period)."""


class SnapshotExistsError(InvalidInputError):
    """A snapshot of the plan at that status date exists already; snapshots are frozen."""


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


class ThrottledError(RetriableError, SharePointError):
    """SharePoint kept throttling beyond the retry budget."""

    def __init__(self, message: str, *, retry_after: float | None = None, status: int | None = 429) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class UnreachableError(RetriableError, SharePointError):
    """SharePoint could not be reached (refused connection, timeout) within the retry budget."""


class ChangeTokenError(SharePointError):
    """The change token was rejected or is too old; a full reconcile is needed."""


class StateError(KksyncError):
    """The state store failed."""


class NoDataError(StateError):
    """The store holds no synced data (or none recent enough) for the command to judge on."""


class StaleTokenError(RetriableError, StateError):
    """A commit would have moved a list's change token back (older change number, same list id).

    Another run synced the list further meanwhile (its lease had lapsed); this run's commit is refused
    whole, and running again reads on from the newer token.
    """

    def __init__(self, message: str, *, list_key: str) -> None:
        super().__init__(message)
        self.list_key = list_key


class LeaseHeldError(RetriableError):
    """Another run holds the list's lease: it is being synced right now.

    ``retry_after`` is a suggestion (about when the holder's lease would lapse if it crashed); a queue
    message comes back then, the CLI says what to do.
    """

    def __init__(self, message: str, *, list_key: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.list_key = list_key
        self.retry_after = retry_after


class DocumentError(KksyncError):
    """A document could not be generated, linted or published."""


class TemplateError(DocumentError):
    """The Word template is broken or is not a kksync template."""


class WebhookRejected(KksyncError):
    """The request is not a notification we accept; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class BadMessage(KksyncError):
    """A queue message that is not a kksync change message; retrying it cannot help."""


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
