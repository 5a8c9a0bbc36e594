"""OData verbose entity bodies for the web, users, lists and fields (mixed into the dispatcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .fields import entity_type_for

if TYPE_CHECKING:
    from .site import Site

__all__ = ["EntitiesMixin"]


class EntitiesMixin:
    site: Site

    @property
    def base(self) -> str:
        raise NotImplementedError

    # -- entities ------------------------------------------------------------------------------------
    def web_entity(self) -> dict[str, Any]:
        meta = self.site.store.meta
        return {
            "__metadata": {"id": f"{self.base}/_api/Web", "uri": f"{self.base}/_api/Web", "type": "SP.Web"},
            "Lists": {"__deferred": {"uri": f"{self.base}/_api/Web/Lists"}},
            "Id": meta["web_id"],
            "Title": self.site.name,
            "Url": self.base,
            "ServerRelativeUrl": self.site.server_relative_url,
            "WebTemplate": "STS",
            "Language": 1030,
        }

    def user_entity(self, user: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.base}/_api/Web/GetUserById({user['Id']})"
        return {
            "__metadata": {"id": uri, "uri": uri, "type": "SP.User"},
            "Id": user["Id"],
            "Title": user["Title"],
            "Email": user.get("Email") or "",
            "LoginName": user["LoginName"],
            "UserPrincipalName": user.get("UserPrincipalName"),
            "IsSiteAdmin": user.get("IsSiteAdmin", False),
            "PrincipalType": 1,
            "IsHiddenInUI": False,
        }

    def _token(self, lid: str) -> dict[str, Any]:
        return {"__metadata": {"type": "SP.ChangeToken"}, "StringValue": self.site.current_change_token(lid)}

    def list_entity(self, lid: str) -> dict[str, Any]:
        lst = self.site.store.lists[lid]
        uri = f"{self.base}/_api/Web/Lists(guid'{lid}')"
        items = self.site.store.items[lid]
        out: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "etag": '"1"', "type": "SP.List"}}
        for nav in ("Fields", "Items", "RootFolder", "Subscriptions", "ParentWeb", "Views"):
            out[nav] = {"__deferred": {"uri": f"{uri}/{nav}"}}
        last = max((i["Modified"] for i in items.values()), default=lst["Created"])
        out.update(
            {
                k: lst[k]
                for k in (
                    "Id",
                    "Title",
                    "Description",
                    "BaseTemplate",
                    "BaseType",
                    "Created",
                    "EntityTypeName",
                    "ListItemEntityTypeFullName",
                    "Hidden",
                    "EnableVersioning",
                )
            }
        )
        out.update(
            {
                "ItemCount": len(items),
                "LastItemModifiedDate": last,
                "CurrentChangeToken": self._token(lid),
                "ParentWebUrl": self.site.server_relative_url,
                "NoCrawl": False,
            }
        )
        return out

    def field_entity(self, lid: str, fdef: dict[str, Any]) -> dict[str, Any]:
        uri = f"{self.base}/_api/Web/Lists(guid'{lid}')/Fields(guid'{fdef['Id']}')"
        out: dict[str, Any] = {"__metadata": {"id": uri, "uri": uri, "type": entity_type_for(fdef)}}
        out.update({k: v for k, v in fdef.items() if k != "Choices"})
        if "Choices" in fdef:
            out["Choices"] = {"__metadata": {"type": "Collection(Edm.String)"}, "results": fdef["Choices"]}
        return out
