"""The adapter's edges: one facade, REST only inside ``kksync/sharepoint/``, light imports for ports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import kksync.sharepoint
from kksync.sharepoint import client as client_module

ROOT = Path(__file__).resolve().parents[2]
VERBS = ("list_info", "list_titles", "list_path", "iter_pages", "items_by_ids", "changes", "update_items",
         "create_items", "delete_items", "ensure_user", "site_user_ids", "site_users", "remove_site_user", "upload_file",
         "file_item", "set_file_fields", "download_file", "create_list", "list_fields", "add_field_xml",
         "update_field", "list_subscriptions", "add_subscription", "update_subscription", "delete_subscription")


def test_one_facade_with_every_verb_and_no_raw_requests() -> None:
    facade = kksync.sharepoint.SharePointClient
    assert facade is client_module.SharePointClient
    for name in ("Change", "ItemWrite", "ListInfo", "SiteUser", "WriteOutcome", "check_file_name"):
        assert getattr(kksync.sharepoint, name) is getattr(client_module, name)
    assert all(callable(getattr(facade, verb)) for verb in VERBS)
    assert isinstance(facade.requests_sent, property) and facade.requests_sent.fset is None
    assert not hasattr(facade, "request") and not hasattr(facade, "get_json")


@pytest.mark.parametrize("folder", ["kksync/services", "kksync/checks", "kksync/core", "demo", "functions"])
def test_rest_calls_and_paths_stay_inside_the_adapter(folder: str) -> None:
    raw = re.compile(r"\b_?(request|get_json)\(|_api/|/items\b|web/lists|getbytitle")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path in sorted((ROOT / folder).rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if raw.search(line)]
    assert offenders == []


def test_adapter_modules_stay_small() -> None:
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (ROOT / "kksync/sharepoint").glob("*.py")}
    assert {"http.py", "items.py", "admin.py", "files.py", "client.py"} <= set(sizes)
    assert max(sizes.values()) < 300, sizes


def test_ports_and_plain_data_do_not_load_the_office365_library() -> None:
    code = ("import sys, kksync.services.ports, kksync.sharepoint.data, kksync.sharepoint.auth; "
            "print('office365' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False"
