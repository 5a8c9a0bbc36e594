"""The runtime of one command: the composition root's ``Runtime``, with retries shown as they happen."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kksync.cli_output import warn
from kksync.texts.cli import cli_text

if TYPE_CHECKING:
    from kksync.app import Runtime

__all__ = ["runtime"]


def _on_retry(wait: object) -> None:
    from kksync.sharepoint.retry import RetryWait

    assert isinstance(wait, RetryWait)
    reason = cli_text("retry_status", status=wait.status) if wait.status else cli_text("retry_connection")
    warn("", cli_text("retry", reason=reason, next=wait.next_attempt, max=wait.max_attempts,
                      seconds=f"{wait.seconds:.0f}" if wait.seconds >= 1 else f"{wait.seconds:.1f}".replace(".", ",")))


@contextmanager
def runtime(*, create_state: bool = True) -> Iterator[Runtime]:
    """The runtime of one command; retries are shown as they happen."""
    from kksync.app import open_runtime

    with open_runtime(create_state=create_state) as rt:
        rt.client.transport.retrier.on_wait = _on_retry
        directory = rt.directory
        transport = getattr(directory, "transport", None)
        if transport is not None:
            transport.retrier.on_wait = _on_retry
        yield rt


