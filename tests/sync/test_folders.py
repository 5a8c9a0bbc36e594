"""The sync on a site with a folder per administration: folders are not items, in full reads or changes."""

from __future__ import annotations

from pathlib import Path

from kksync.checks.governance import load_governance
from kksync.core.model import Administration
from kksync.core.schema import list_schema
from kksync.services.provision import provision
from kksync.services.seed import seed_portfolio
from kksync.services.seed_folders import FolderPlacement
from kksync.services.sync import SyncService
from kksync.settings import Settings
from kksync.state.sqlite import SqliteStateStore
from testkit.emulator import client_for, in_process_emulator
from testkit.scenarios import PEOPLE, small_portfolio

INITIATIVES = list_schema("initiatives").title
STATUSES = list_schema("statuses").title


def test_seeded_items_live_in_their_folder_and_the_sync_ignores_folders(tmp_path: Path) -> None:
    with in_process_emulator(tmp_path / "sp.db", notification_delay=0.05) as sp:
        client = client_for(sp, Settings(site_url=sp.url, state=str(tmp_path / "state.db")))
        provision(client, permissions=(client.permissions, load_governance().permissions))
        portfolio = small_portfolio(12)
        seed_portfolio(client, portfolio, PEOPLE, placement=FolderPlacement(client.permissions))
        root = sp.site.find_list(title=INITIATIVES)["RootFolderUrl"]
        items = [i for i in sp.items(INITIATIVES) if i.get("FSObjType") == 0]
        assert len(items) == 12
        for item in items:  # each initiative in its administration's folder, its status beside it
            assert item["FileDirRef"] == f"{root}/{item['KkAdministration']}"
        status_root = sp.site.find_list(title=STATUSES)["RootFolderUrl"]
        by_id = {i["ID"]: i for i in items}
        for status in (s for s in sp.items(STATUSES) if s.get("FSObjType") == 0):
            assert status["FileDirRef"] == f"{status_root}/{by_id[status['KkInitiative']]['KkAdministration']}"

        store = SqliteStateStore(tmp_path / "state.db")
        service = SyncService(client, store, scope="test")
        outcome = service.sync(full=True)
        assert outcome.lists["initiatives"].stats.seen == 12  # the 7 folders are not initiatives
        assert len(service.load_portfolio().initiatives) == 12
        again = service.sync()
        assert again.changed == 0

        # a new folder (an eighth administration's, say) shows in the change log: it is not an item
        client.permissions.add_using_path(INITIATIVES, root, {"Title": "Ny"}, folder_name="Ny")
        after = service.sync()
        assert after.changed == 0 and len(service.load_portfolio().initiatives) == 12
        assert after.lists["initiatives"].stats.added == 0
        # a department edit in a folder is an ordinary update
        own = next(i for i in items if i["KkAdministration"] == Administration.BUF.value)
        sp.edit_item(INITIATIVES, own["ID"], {"KkPurpose": "Nyt formål"})
        edited = service.sync()
        assert edited.lists["initiatives"].stats.updated == 1
        store.close()
