"""The exception tree says what the caller should do: retry, report, or ask for something that exists."""

from __future__ import annotations

import pytest

from kksync import errors
from kksync.errors import (
    AuthError,
    ChangeTokenError,
    KksyncError,
    NotFoundError,
    RetriableError,
    SharePointError,
    SnapshotNotFoundError,
    ThrottledError,
    UnknownError,
    UnknownPlanError,
    UnreachableError,
)


@pytest.mark.parametrize("cls", [ThrottledError, UnreachableError])
def test_transient_failures_are_retriable_and_still_sharepoints(cls: type[Exception]) -> None:
    error = cls("x")
    assert isinstance(error, RetriableError) and isinstance(error, SharePointError)
    with pytest.raises(RetriableError):
        raise error


@pytest.mark.parametrize("cls", [AuthError, NotFoundError, ChangeTokenError, SharePointError, UnknownPlanError])
def test_everything_else_is_not_retriable(cls: type[Exception]) -> None:
    error = cls("x", plan_key="p") if cls is UnknownPlanError else cls("x")
    assert not isinstance(error, RetriableError)


def test_throttling_keeps_its_wait_and_status() -> None:
    error = ThrottledError("busy", retry_after=12.5, status=503)
    assert (error.retry_after, error.status, str(error)) == (12.5, 503, "busy")
    assert UnreachableError("gone").retry_after is None


def test_a_domain_not_found_is_not_sharepoints_404() -> None:
    plan = UnknownPlanError("Planen «X» findes ikke.", plan_key="X")
    assert isinstance(plan, UnknownError) and not isinstance(plan, NotFoundError) and plan.plan_key == "X"
    assert isinstance(SnapshotNotFoundError("x"), UnknownError)
    assert not isinstance(NotFoundError("404"), UnknownError)


def test_moved_errors_stay_importable_from_their_old_modules() -> None:
    from kksync.services.processor import BadMessage
    from kksync.services.webhooks import WebhookRejected

    assert BadMessage is errors.BadMessage and WebhookRejected is errors.WebhookRejected
    assert errors.WebhookRejected("x", status=413).status == 413


def test_every_error_is_in_the_diagram() -> None:
    diagram = errors.__doc__ or ""
    names = [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]
    assert all(issubclass(getattr(errors, n), KksyncError) for n in names)
    assert [n for n in names if f" {n} " not in diagram] == []
