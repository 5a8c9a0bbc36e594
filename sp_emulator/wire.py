"""The in-process shape of an HTTP exchange (``Req``/``Resp``) and the verbose-JSON helpers every route uses."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from .errors import bad_request, dumps

__all__ = ["JSON", "Req", "Resp", "Handler", "ok", "select_props"]

JSON = "application/json;odata=verbose;charset=utf-8"


@dataclass
class Req:
    method: str
    path: str  # e.g. /sites/kk-it/_api/web/lists
    query: str
    headers: dict[str, str]  # lower-case keys
    body: bytes = b""
    inner: bool = False

    def json(self) -> dict[str, Any]:
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except ValueError as exc:
            raise bad_request(f"Invalid JSON. {exc}", "-1, Microsoft.OData.ODataException") from exc
        return data if isinstance(data, dict) else {}

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))


@dataclass
class Resp:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


def ok(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Resp:
    return Resp(status, dumps({"d": payload}), JSON, headers or {})


def select_props(entity: dict[str, Any], params: dict[str, str]) -> dict[str, Any]:
    sel = params.get("$select")
    if not sel or sel.strip() == "*":
        return entity
    wanted = {s.strip().lower() for s in sel.split(",")}
    return {k: v for k, v in entity.items() if k == "__metadata" or k.lower() in wanted}


Handler = Callable[[Req], Resp]
