"""``http_errors``: kksync's errors become answers by what the caller can do (no Azurite, no SharePoint)."""

from __future__ import annotations

import json

import azure.functions as func
import pytest

from functions import common
from kksync.errors import (
    AuthError,
    ConfigError,
    KksyncError,
    NotFoundError,
    SnapshotNotFoundError,
    StateError,
    ThrottledError,
    UnknownPlanError,
    UnreachableError,
)


def _answer(error: Exception) -> func.HttpResponse:
    def work() -> func.HttpResponse:
        raise error

    return common.http_errors("test", work)


@pytest.mark.parametrize(("error", "status"), [
    (UnknownPlanError("Planen «X» findes ikke.", plan_key="X"), 404),
    (SnapshotNotFoundError("Intet øjebliksbillede af X pr. 2012-12-31."), 404),
    (NotFoundError("Listen findes ikke.", status=404), 404),
    (ConfigError("KKSYNC_SITE_URL mangler"), 500),
    (AuthError("Adgang nægtet", status=403), 500),
    (StateError("Lageret svarer ikke"), 503),
    (KksyncError("Noget andet"), 400),
], ids=["unknown-plan", "no-snapshot", "sharepoint-404", "config", "auth", "state", "other"])
def test_errors_map_to_statuses(error: Exception, status: int) -> None:
    response = _answer(error)
    assert response.status_code == status and response.mimetype == "application/json"
    assert json.loads(response.get_body())["error"]


def test_unknown_names_are_said_not_found_with_the_reason() -> None:
    body = json.loads(_answer(UnknownPlanError("Planen «F1999» findes ikke.", plan_key="F1999")).get_body())
    assert body["error"] == common.TEXTS["not_found"].format(error="Planen «F1999» findes ikke.")


def test_secrets_of_configuration_errors_stay_in_the_log() -> None:
    body = json.loads(_answer(ConfigError("KKSYNC_STATE=AccountKey=hemmelig er ugyldig")).get_body())
    assert "hemmelig" not in body["error"]


@pytest.mark.parametrize(("error", "retry_after", "text"), [
    (ThrottledError("429", retry_after=42), "42", "throttled"),
    (UnreachableError("connection refused"), "60", "unavailable"),
], ids=["throttled", "unreachable"])
def test_retriable_errors_ask_to_come_back(error: Exception, retry_after: str, text: str) -> None:
    response = _answer(error)
    assert (response.status_code, response.headers["Retry-After"]) == (503, retry_after)
    assert json.loads(response.get_body())["error"] == common.TEXTS[text]


def test_unexpected_errors_propagate_to_the_host() -> None:
    with pytest.raises(ZeroDivisionError):
        _answer(ZeroDivisionError())
