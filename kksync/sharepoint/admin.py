"""The control plane: list schema, webhook subscriptions and site users.

Subscriptions use the documented JSON form: ``POST web/lists('<id>')/subscriptions`` to create
(SharePoint validates the notification URL with its handshake before answering), ``PATCH`` on
``subscriptions('<sid>')`` to renew, ``DELETE`` to remove. The library's helper has no
clientState argument, so the payloads are built here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kksync.errors import SharePointError
from kksync.sharepoint.data import SiteUser
from kksync.sharepoint.http import SiteHttp, list_path, quote_literal, results, unwrap

__all__ = ["FIELD_PROPERTIES", "SiteAdmin"]

FIELD_PROPERTIES = ("InternalName", "Title", "TypeAsString", "Indexed", "Required", "Choices")
"""What ``list_fields`` reports per column."""
USER_PROPERTIES = ("Id", "LoginName", "Title", "Email", "UserPrincipalName", "PrincipalType")
"""What ``site_users`` reads per user."""


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _subscriptions_path(list_id: str, subscription_id: str | None = None) -> str:
    path = f"web/lists('{quote_literal(list_id)}')/subscriptions"
    return f"{path}('{quote_literal(subscription_id)}')" if subscription_id else path


def _field(row: Mapping[str, Any]) -> dict[str, Any]:
    choices = row.get("Choices")
    if isinstance(choices, dict):  # verbose collections: {"__metadata": ..., "results": [...]}
        choices = choices.get("results")
    return {
        "InternalName": row.get("InternalName"),
        "Title": row.get("Title"),
        "TypeAsString": row.get("TypeAsString"),
        "Indexed": bool(row.get("Indexed")),
        "Required": bool(row.get("Required")),
        "Choices": [str(c) for c in choices] if isinstance(choices, list) else [],
    }


def _user(row: Mapping[str, Any]) -> SiteUser:
    return SiteUser(
        id=int(row["Id"]),
        login_name=str(row.get("LoginName") or ""),
        title=str(row.get("Title") or ""),
        email=row.get("Email") or None,
        user_principal_name=row.get("UserPrincipalName") or None,
        principal_type=int(row.get("PrincipalType") or 1),
    )


class SiteAdmin:
    """Schema, subscriptions and users of one site."""

    def __init__(self, http: SiteHttp) -> None:
        self._http = http

    # --- schema -----------------------------------------------------------------------------

    def create_list(self, title: str, *, description: str, base_template: int) -> None:
        body = {
            "__metadata": {"type": "SP.List"},
            "Title": title,
            "Description": description,
            "BaseTemplate": base_template,
            "ContentTypesEnabled": False,
        }
        self._http.request("POST", "web/lists", body=body)

    def list_fields(self, title: str) -> list[dict[str, Any]]:
        """Every column of the list, as ``FIELD_PROPERTIES`` (``Choices`` a list, empty for non-choice columns)."""
        data = self._http.get_json(f"{list_path(title)}/fields?$select={','.join(FIELD_PROPERTIES)}&$top=500")
        return [_field(row) for row in results(data)]

    def add_field_xml(self, title: str, schema_xml: str, *, options: int) -> dict[str, Any]:
        """``Fields/CreateFieldAsXml``; ``options`` is a sum of ``SP.AddFieldOptions`` flags. Returns the new field."""
        body = {
            "parameters": {
                "__metadata": {"type": "SP.XmlSchemaFieldCreationInformation"},
                "SchemaXml": schema_xml,
                "Options": options,
            }
        }
        return dict(self._http.post_json(f"{list_path(title)}/fields/createfieldasxml", body))

    def update_field(self, title: str, internal_name: str, changes: Mapping[str, Any]) -> None:
        path = f"{list_path(title)}/fields/getbyinternalnameortitle('{quote_literal(internal_name)}')"
        self._http.request("MERGE", path, body={"__metadata": {"type": "SP.Field"}, **changes}, headers={"IF-MATCH": "*"})

    # --- webhook subscriptions ----------------------------------------------------------------

    def list_subscriptions(self, list_id: str) -> list[dict[str, Any]]:
        """The list's subscriptions (``id``, ``notificationUrl``, ``expirationDateTime``, ...)."""
        return [row for row in results(self._http.get_json(_subscriptions_path(list_id))) if row.get("id")]

    def add_subscription(
        self, list_id: str, *, notification_url: str, expiration: datetime, client_state: str
    ) -> dict[str, Any]:
        """Create a subscription; SharePoint answers only after the URL passed its validation handshake."""
        body = {
            "resource": list_id,
            "notificationUrl": notification_url,
            "expirationDateTime": _iso(expiration),
            "clientState": client_state,
        }
        return dict(self._http.post_json(_subscriptions_path(list_id), body))

    def update_subscription(
        self, list_id: str, subscription_id: str, *, expiration: datetime, client_state: str,
        notification_url: str | None = None,
    ) -> None:
        """Renew (and re-key) a subscription; a new ``notification_url`` is validated with the handshake."""
        patch: dict[str, Any] = {"expirationDateTime": _iso(expiration), "clientState": client_state}
        if notification_url is not None:
            patch["notificationUrl"] = notification_url
        self._http.request("PATCH", _subscriptions_path(list_id, subscription_id), body=patch)

    def delete_subscription(self, list_id: str, subscription_id: str) -> None:
        """Remove a subscription; ``NotFoundError`` when it is already gone."""
        self._http.request("DELETE", _subscriptions_path(list_id, subscription_id))

    # --- users --------------------------------------------------------------------------------

    def ensure_user(self, login: str) -> dict[str, Any]:
        return dict(self._http.post_json("web/ensureuser", {"logonName": login}))

    def site_user_ids(self) -> set[int]:
        data = self._http.get_json("web/siteusers?$select=Id&$top=5000")
        return {int(row["Id"]) for row in results(data)}

    def site_users(self) -> list[SiteUser]:
        """Every user and group of the site's User Information List, following ``__next``.

        Users who left stay in this list (SharePoint does not remove them); ask Graph about
        ``SiteUser.account`` to learn whether the account still exists.
        """
        users: list[SiteUser] = []
        url: str | None = f"web/siteusers?$select={','.join(USER_PROPERTIES)}&$top=5000"
        seen: set[str] = set()
        while url:
            if url in seen:
                raise SharePointError("SharePoint sendte den samme side af webstedets brugere to gange; læsningen er stoppet.")
            seen.add(url)
            data = unwrap(self._http.request("GET", url).json())
            users += [_user(row) for row in results(data) if row.get("Id") is not None]
            url = data.get("__next") if isinstance(data, dict) else None
        return users

    def remove_site_user(self, user_id: int) -> None:
        """Remove a user from the site (as when a colleague leaves); items naming them keep the id."""
        self._http.request("POST", f"web/siteusers/removebyid({int(user_id)})")
