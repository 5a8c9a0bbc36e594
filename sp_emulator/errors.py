"""SharePoint-shaped errors: every failure leaves the server as the JSON SharePoint Online sends."""

from __future__ import annotations

import json

__all__ = ["SPError", "error_body"]


class SPError(Exception):
    """An error that the dispatcher turns into an HTTP response with SharePoint's error JSON."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> bytes:
        return error_body(self.code, self.message)


def error_body(code: str, message: str) -> bytes:
    payload = {"error": {"code": code, "message": {"lang": "en-US", "value": message}}}
    return json.dumps(payload).encode("utf-8")


# Helpers for the errors SharePoint Online actually returns; the codes are "<hresult>, <.NET type>"
# because the client library classifies exceptions by that string.
def not_found(message: str = "Item does not exist. It may have been deleted by another user.") -> SPError:
    return SPError(404, "-2130575338, Microsoft.SharePoint.SPException", message)


def list_not_found(name: str) -> SPError:
    return SPError(
        404,
        "-1, System.ArgumentException",
        f"List '{name}' does not exist at site with URL 'emulator'.",
    )


def bad_request(message: str, code: str = "-1, Microsoft.SharePoint.Client.InvalidClientQueryException") -> SPError:
    return SPError(400, code, message)


def version_conflict(sent: str, current: str) -> SPError:
    """412 on a stale IF-MATCH, in the words SharePoint Online uses (sp-dev-fx-controls-react #1509)."""
    return SPError(
        412,
        "-1, Microsoft.SharePoint.Client.ClientServiceException",
        f"The request ETag value '{sent}' does not match the object's ETag value '{current}'.",
    )


def unauthorized() -> SPError:
    return SPError(
        401,
        "-2147024891, System.UnauthorizedAccessException",
        "Access denied. You do not have permission to perform this action or access this resource.",
        {"WWW-Authenticate": 'Bearer realm="emulator",client_id="00000003-0000-0ff1-ce00-000000000000"'},
    )


def throttled_query() -> SPError:
    return SPError(
        500,
        "-2147024860, Microsoft.SharePoint.SPQueryThrottledException",
        "The attempted operation is prohibited because it exceeds the list view threshold.",
    )


def field_or_property_missing(name: str) -> SPError:
    """``$select`` of a column the list lacks: the whole read fails (HillbillyCascade #7)."""
    return SPError(400, "-1, Microsoft.SharePoint.SPException", f"The field or property '{name}' does not exist.")


def column_missing(name: str) -> SPError:
    """A ``$filter``/``$orderby`` (or getByInternalNameOrTitle) naming a column the list lacks (pnp/PnP #1585)."""
    return SPError(
        400,
        "-2147024809, System.ArgumentException",
        f"Column '{name}' does not exist. It may have been deleted by another user.",
    )


def not_supported(path: str) -> SPError:
    return SPError(
        404,
        "-1, Microsoft.SharePoint.Client.ResourceNotFoundException",
        f"Cannot find resource for the request {path}.",
    )


def dumps(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode("utf-8")
