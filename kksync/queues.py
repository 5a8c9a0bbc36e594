"""The queue between the webhook and the processor: the message format and its two adapters.

``ChangeMessage`` is the whole content of a message ("sync this list of this scope"); the adapters
implement the ``ChangeQueue`` port of :mod:`kksync.services.ports`: ``AzureChangeQueue`` (an Azure
Storage queue, as the Functions queue trigger reads it) and ``MemoryChangeQueue`` (in-process, for the
CLI, the demo and tests). The Azure SDK is imported only when an Azure queue is opened.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from kksync.core.schema import LISTS
from kksync.errors import BadMessage

__all__ = ["MESSAGE_VERSION", "AzureChangeQueue", "ChangeMessage", "MemoryChangeQueue"]

MESSAGE_VERSION = 1
# The lists the sync keeps (services.records.DATA_LISTS); derived here from the schema because an
# adapter must not import the services ring.
_KNOWN_LISTS = frozenset(s.key for s in LISTS if not s.library)

Reason = Literal["notification", "throttled", "manual"]


@dataclass(frozen=True, slots=True)
class ChangeMessage:
    """The whole content of one queue message: "sync this list of this scope"."""

    list_key: str
    scope: str
    reason: Reason = "notification"
    deferrals: int = 0

    def encode(self) -> str:
        return json.dumps(
            {"v": MESSAGE_VERSION, "list": self.list_key, "scope": self.scope, "reason": self.reason,
             "deferrals": self.deferrals},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str | bytes) -> ChangeMessage:
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadMessage("Købeskeden er ikke JSON.") from None
        if not isinstance(data, dict) or data.get("v") != MESSAGE_VERSION:
            raise BadMessage("Købeskeden har et ukendt format.")
        key, scope = data.get("list"), data.get("scope")
        if key not in _KNOWN_LISTS or not isinstance(scope, str):
            raise BadMessage(f"Købeskeden nævner en ukendt liste: {str(key)[:40]!r}.")
        reason: Reason = "notification"
        if data.get("reason") in ("throttled", "manual"):
            reason = data["reason"]
        deferrals = data.get("deferrals")
        return cls(key, scope, reason, deferrals if isinstance(deferrals, int) and deferrals >= 0 else 0)


class AzureChangeQueue:
    """An Azure Storage queue, messages base64-encoded as the Functions queue trigger expects."""

    def __init__(self, connection_string: str, queue_name: str) -> None:
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

        self.name = queue_name
        self._client: Any = QueueClient.from_connection_string(
            connection_string, queue_name,
            message_encode_policy=TextBase64EncodePolicy(), message_decode_policy=TextBase64DecodePolicy(),
        )
        with contextlib.suppress(ResourceExistsError):  # another instance made it first
            self._client.create_queue()

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None:
        self._client.send_message(message.encode(), visibility_timeout=visibility_timeout)

    def pending_lists(self, scope: str) -> set[str]:
        waiting: set[str] = set()
        for peeked in self._client.peek_messages(max_messages=32):
            try:
                message = ChangeMessage.decode(peeked.content)
            except (BadMessage, TypeError):
                continue
            if message.scope == scope:
                waiting.add(message.list_key)
        return waiting

    def close(self) -> None:
        self._client.close()


@dataclass
class MemoryChangeQueue:
    """In-process queue for the CLI and tests: same port, no Azure."""

    messages: list[tuple[ChangeMessage, int | None]] = field(default_factory=list)

    def send(self, message: ChangeMessage, *, visibility_timeout: int | None = None) -> None:
        self.messages.append((message, visibility_timeout))

    def pending_lists(self, scope: str) -> set[str]:
        return {m.list_key for m, delay in self.messages if m.scope == scope and not delay}
