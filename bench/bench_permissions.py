"""Benchmark: unique permission scopes at 10,000 initiatives, a folder per administration against per item.

Provisions the lists and the permissions (``kksync.services.provision_permissions``) on an in-process
emulator, fills it with the initiatives and child items of ``kksync.sample.large_portfolio`` (each in its
administration's folder, as the product and the seed create them), provisions the permissions again and
counts, in the emulator, the unique permission scopes each list holds. Beside them: what permissions per
item would cost (one scope per initiative and per child item, as each follows its initiative) and
SharePoint Online's limits (learn.microsoft.com, "SharePoint limits": 50,000 unique scopes per list
supported, 5,000 recommended). Writes ``bench/results/permissions.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from kksync.checks import load_governance
from kksync.core.model import Administration
from kksync.core.schema import list_schema
from kksync.sample import large_portfolio
from kksync.services.provision import provision
from kksync.services.provision_permissions import SECURED_LISTS, folder_name
from kksync.settings import Settings
from testkit.emulator import client_for, in_process_emulator

RESULTS = Path(__file__).resolve().parent / "results" / "permissions.json"
SUPPORTED, RECOMMENDED = 50_000, 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    portfolio = large_portfolio(args.initiatives, seed=args.seed)
    rules = load_governance().permissions
    with tempfile.TemporaryDirectory() as tmp, in_process_emulator(Path(tmp) / "sp.db") as sp:
        client = client_for(sp, Settings(site_url=sp.url, state=":memory:"))
        provision(client, permissions=(client.permissions, rules))
        started = time.perf_counter()
        admin_of: dict[int, Administration | None] = {}
        ids: dict[int, int] = {}
        editor = sp.add_user("forvaltning@kk.dk")["Id"]
        counts: dict[str, int] = {}
        for key in SECURED_LISTS:
            lst = sp.site.find_list(title=list_schema(key).title)
            root = lst["RootFolderUrl"]
            records = list(getattr(portfolio, key))
            counts[key] = len(records)
            for record in records:
                if key == "initiatives":
                    admin = record.administration  # type: ignore[attr-defined]
                    payload = {"Title": record.title[:255], "KkAdministration": admin.value if admin else None}  # type: ignore[attr-defined]
                else:
                    parent = ids.get(record.initiative_id or -1)  # type: ignore[attr-defined]
                    admin = admin_of.get(parent) if parent is not None else None
                    payload = {"Title": str(record.id), "KkInitiativeId": parent}
                folder = f"{root}/{folder_name(admin)}" if admin is not None else root
                item = sp.site.create_item(lst["Id"], payload, editor, folder=folder)
                if key == "initiatives":
                    ids[int(record.id or 0)] = item["ID"]
                    admin_of[item["ID"]] = admin
        filled = time.perf_counter() - started
        before = client.requests_sent
        started = time.perf_counter()
        again = provision(client, permissions=(client.permissions, rules)).permissions
        seconds = time.perf_counter() - started
        assert again is not None
        lists = []
        for key in SECURED_LISTS:
            lid = sp.site.find_list(title=list_schema(key).title)["Id"]
            lists.append({
                "list": list_schema(key).title,
                "items": counts[key],
                "folder_design_scopes": sp.perms.unique_scopes(lid),
                "per_item_scopes": counts[key] + 1,  # every item unique, and the list itself
            })
        result = {
            "initiatives": args.initiatives,
            "administrations": len(Administration),
            "lists": lists,
            "site_scopes": sp.perms.unique_scopes(),
            "report_scopes": again.scopes,
            "second_run_changes": again.changes,
            "second_run_drift": len(again.drift),
            "second_run_misplaced": len(again.misplaced),
            "second_run_requests": client.requests_sent - before,
            "second_run_seconds": round(seconds, 2),
            "fill_seconds": round(filled, 1),
            "supported_per_list": SUPPORTED,
            "recommended_per_list": RECOMMENDED,
        }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
