"""Edits across administrations: recorded in the history with who made them, shown in the readiness document."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from kksync.checks import check_portfolio
from kksync.checks.governance import load_governance
from kksync.core.model import Administration, DocumentType
from kksync.core.schema import list_schema
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.content.readiness import build_readiness
from kksync.documents.word.lint import lint_docx
from kksync.services.cross_edits import cross_edits
from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.seed_folders import FolderPlacement
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.state.sqlite import SqliteStateStore
from testkit.emulator import client_for, in_process_emulator
from testkit.scenarios import PEOPLE, small_portfolio

INITIATIVES = list_schema("initiatives").title
RULES = load_governance().permissions


def test_an_it_chefforum_edit_on_another_administrations_item_is_listed(tmp_path: Path) -> None:
    with in_process_emulator(tmp_path / "sp.db", notification_delay=0.05) as sp:
        client = client_for(sp, Settings(site_url=sp.url, state=str(tmp_path / "state.db")))
        provision(client, permissions=(client.permissions, RULES))
        seed_portfolio(client, small_portfolio(7), PEOPLE, placement=FolderPlacement(client.permissions))
        chef = client.permissions.add_group_member(RULES.cross_administration[0], "chef@kk.dk")
        own = client.permissions.add_group_member(RULES.groups[Administration.BUF], "bo@kk.dk")
        store = SqliteStateStore(tmp_path / "state.db")
        service = SyncService(client, store, scope="test")
        service.sync(full=True)
        items = {i["KkAdministration"]: i for i in sp.items(INITIATIVES) if i.get("FSObjType") == 0}
        sp.edit_item(INITIATIVES, items["TMF"]["ID"], {"KkPurpose": "Rettet af It-chefforum"}, editor=chef)
        sp.edit_item(INITIATIVES, items["BUF"]["ID"], {"KkPurpose": "Rettet af BUF selv"}, editor=own)
        service.sync()

        portfolio = service.load_portfolio()
        edits, groups = cross_edits(client.permissions, store.runs("test", 50), portfolio, RULES)
        assert [(e.initiative_id, e.editor, e.via, e.administration) for e in edits] == [
            (items["TMF"]["ID"], "chef", RULES.cross_administration[0], Administration.TMF)]
        assert groups == [RULES.owners, *RULES.cross_administration]

        snapshot = snapshot_of(portfolio, str(portfolio.plans[0].key), date(2012, 6, 1))
        report = check_portfolio(snapshot.portfolio, today=date(2012, 6, 1), now=datetime(2012, 6, 1, 12, tzinfo=UTC))
        doc = build_readiness(snapshot, report, cross_edits=edits, cross_groups=groups)
        section = doc.sections[-1]
        assert section.title == "Ændringer på tværs af forvaltninger"
        text = repr(section)
        assert "chef (It-chefforum)" in text and items["TMF"]["Title"] in text
        assert "bo" not in [row[-1] for block in section.blocks for row in getattr(block, "rows", ())]
        plain = build_readiness(snapshot, report)
        assert all(s.title != section.title for s in plain.sections)  # no permissions: no section
        rendered = render(snapshot, report, DocumentType.READINESS, cross_edits=(edits, groups))
        assert lint_docx(rendered.data) == []  # the section is a real table with a header row
        store.close()
