"""The demo's permissions step: a department edits its own items, is refused on another's; It-chefforum's
edit across administrations shown in the readiness document.

On a second local SharePoint site of its own (so the main demo's site keeps its lists as they were):
provisioning the lists and the permissions (twice: the second changes nothing), the sample seeded into its
administrations' folders, a full sync, then people editing over REST with their own token through the
unmodified office365 library, and the incremental sync that records who edited. Demo only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from office365.runtime.client_request_exception import ClientRequestException
from office365.sharepoint.client_context import ClientContext
from rich.markup import escape
from rich.table import Table

from kksync.checks import check_portfolio, load_governance
from kksync.core import model as m
from kksync.core.schema import list_schema
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.sample import SAMPLE_USERS
from kksync.services.cross_edits import cross_edits
from kksync.services.provision import provision
from kksync.services.seed import DEPARTED_EMAIL, seed
from kksync.services.seed_folders import FolderPlacement
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.state.sqlite import SqliteStateStore
from sp_emulator import EmulatorServer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["run"]

INITIATIVES = list_schema("initiatives").title
PLAN = "FHP-2013-2014"


def _as(sp: EmulatorServer, email: str, name: str) -> ClientContext:
    token = sp.token_for(email, name)
    return ClientContext(sp.url).with_access_token(
        lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600}  # type: ignore[arg-type,return-value]
    )


def _edit(ctx: ClientContext, item_id: int, purpose: str) -> str:
    item = ctx.web.lists.get_by_title(INITIATIVES).items.get_by_id(item_id)
    try:
        item.set_property("KkPurpose", purpose).update().execute_query()
    except ClientRequestException as error:
        status = error.response.status_code if error.response is not None else "?"
        return f"[red]{status} afvist[/red] ({escape(str(error.code))})"
    return "[green]gemt[/green]"


def run(console: Console, demo_dir: Path, out_dir: Path) -> None:
    from kksync.app import build_client

    rules = load_governance().permissions
    with EmulatorServer(db_path=demo_dir / "tilladelser.db", notification_delay=0.2) as sp:
        client = build_client(Settings(site_url=sp.url, state=":memory:"))
        first = provision(client, permissions=(client.permissions, rules)).permissions
        again = provision(client, permissions=(client.permissions, rules))
        assert first is not None and again.permissions is not None
        console.print(f"Et nyt websted ({sp.url}): {len(first.created_groups)} grupper, "
                      f"{len(first.created_folders)} mapper (én pr. forvaltning i hver af 5 lister), "
                      f"{first.scopes} unikke tilladelser i alt – uanset antal initiativer. "
                      f"Anden kørsel: {again.changes} ændringer.")
        for person in SAMPLE_USERS:
            sp.add_user(str(person.email), str(person.name))
        seed(client, placement=FolderPlacement(client.permissions))
        sp.delete_account(DEPARTED_EMAIL)
        client.permissions.add_group_member(rules.groups[m.Administration.OKF], "okf.redaktor@kk.dk")
        client.permissions.add_group_member(rules.cross_administration[0], "it.chef@kk.dk")
        store = SqliteStateStore(demo_dir / "tilladelser-state.db")
        service = SyncService(client, store, scope="tilladelser")
        service.sync(full=True)
        portfolio = service.load_portfolio()
        joint = next(p for p in portfolio.plans if p.key == PLAN)
        mine = next(i for i in portfolio.initiatives if i.plan_id == joint.id and i.administration is m.Administration.OKF)
        other = next(i for i in portfolio.initiatives if i.plan_id == joint.id and i.administration is m.Administration.TMF)

        table = Table(title="Hvem må rette hvad (REST med personens eget token, office365-biblioteket)",
                      title_justify="left")
        for header in ("Person", "Initiativ", "Forvaltning", "Svar"):
            table.add_column(header)
        editor = _as(sp, "okf.redaktor@kk.dk", "Olga ØKF-redaktør")
        table.add_row("Olga (Redaktører ØKF)", escape(mine.title), "ØKF", _edit(editor, mine.id or 0, "Formål rettet af ØKF"))
        table.add_row("Olga (Redaktører ØKF)", escape(other.title), "TMF", _edit(editor, other.id or 0, "Forsøg fra ØKF"))
        chef = _as(sp, "it.chef@kk.dk", "Ivan It-chef")
        table.add_row("Ivan (It-chefforum)", escape(other.title), "TMF", _edit(chef, other.id or 0, "Formål rettet af It-chefforum"))
        console.print(table)

        service.sync()
        portfolio = service.load_portfolio()
        edits, groups = cross_edits(client.permissions, store.runs("tilladelser", 50), portfolio, rules)
        for edit in edits:
            console.print(f"Historikken: {escape(edit.editor)} ({escape(edit.via or 'uden gruppe')}) ændrede "
                          f"«{escape(edit.initiative_title)}» ({edit.administration.value}) – vises i "
                          "klar-til-behandling-dokumentet.")
        status_date = date(2013, 12, 31)
        snapshot = snapshot_of(portfolio, PLAN, status_date)
        report = check_portfolio(snapshot.portfolio, today=status_date, now=datetime.combine(status_date, datetime.min.time(), UTC))
        document = render(snapshot, report, m.DocumentType.READINESS, cross_edits=(edits, groups))
        target = out_dir / "tilladelser"
        target.mkdir(parents=True, exist_ok=True)
        (target / document.spec.file_name).write_bytes(document.data)
        console.print(f"Dokumentet med afsnittet «Ændringer på tværs af forvaltninger»: {escape(str(target / document.spec.file_name))}")
        store.close()
