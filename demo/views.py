"""Demo step: the views as a department sees them, and the formatted values the list shows.

A named department user (the sample's project owner in BUF) reads every view through the unmodified
office365 library with a token the emulator maps to that user, so «Mine initiativer» is theirs; the
formatted cells are the column formatters evaluated on the items as SharePoint holds them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from office365.sharepoint.client_context import ClientContext
from rich.console import Console
from rich.table import Table

from kksync.core.formatters import formatters_for
from kksync.core.formatting import evaluate
from kksync.core.schema import list_schema
from kksync.core.views import VIEWS
from kksync.sample import SAMPLE_USERS

if TYPE_CHECKING:
    from sp_emulator import EmulatorServer

__all__ = ["show"]

_DEPARTMENT_USER = SAMPLE_USERS[5]  # Birgitte Dahl: project owner of the sample's BUF initiatives


def _context(sp: EmulatorServer, token: str) -> ClientContext:
    return ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600})


def _count(ctx: ClientContext, list_title: str, view_title: str) -> int:
    items = ctx.web.lists.get_by_title(list_title).views.get_by_title(view_title).get_items().execute_query()
    return len(items)


def _mine_expected(sp: EmulatorServer, user_id: int) -> int:
    schema = list_schema("initiatives")
    owner, manager = schema.column("KkProjectOwner").name, schema.column("KkProjectManager").name
    return sum(1 for item in sp.items(schema.title) if user_id in (item.get(owner), item.get(manager)))


def _cell(definition: Any, item: dict[str, Any]) -> str:
    text = " / ".join(c.text for c in evaluate(definition.formatter, item.get(definition.column.name), item) if c.text)
    lines = text.split("\n")
    return lines[0][:80] + (f" … og {len(lines) - 1} linje(r) mere" if len(lines) > 1 else "")


def show(sp: EmulatorServer, console: Console) -> None:
    email, name = str(_DEPARTMENT_USER.email), str(_DEPARTMENT_USER.name)
    token = sp.token_for(email, name)
    user_id = sp.token_users[token]
    ctx = _context(sp, token)
    table = Table(title=f"Visningerne, som {name} (BUF) ser dem i SharePoint", title_justify="left")
    for header in ("Liste", "Visning", "Elementer"):
        table.add_column(header, justify="right" if header == "Elementer" else "left")
    for definition in VIEWS:
        shown = _count(ctx, definition.list_title, definition.title)
        label = definition.title + (" (standard)" if definition.default else "")
        table.add_row(definition.list_title, label, str(shown))
    console.print(table)
    mine = _count(ctx, "Initiativer", "Mine initiativer")
    console.print(f"«Mine initiativer» for {name}: {mine} initiativer; i listen er vedkommende projektejer eller "
                  f"-leder på {_mine_expected(sp, user_id)}.")

    initiatives = list_schema("initiatives")
    formatted = formatters_for("initiatives")
    cells = Table(title="Formaterede kolonner: det ord eller symbol, cellen viser", title_justify="left")
    cells.add_column("Initiativ")
    for definition in formatted:
        cells.add_column(definition.column.title, overflow="fold")
    picked: dict[tuple[str, str], dict[str, Any]] = {}
    for item in sorted(sp.items(initiatives.title), key=lambda i: int(i["ID"])):  # one of each combination
        picked.setdefault((str(item.get("KkCompleteness")), str(item.get("KkComputedLight"))), item)
    for item in list(picked.values())[:6]:
        cells.add_row(str(item.get("Title")), *(_cell(d, item) for d in formatted))
    console.print(cells)
    statuses = list_schema("statuses")
    [reported] = formatters_for("statuses")
    lights = sorted({str(i.get(reported.column.name)) for i in sp.items(statuses.title) if i.get(reported.column.name)})
    shown_lights = ", ".join(_cell(reported, {reported.column.name: light}) for light in lights)
    console.print(f"«{reported.column.title}» i {statuses.title}: {shown_lights}")
