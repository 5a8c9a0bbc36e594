"""A department types hostile values in SharePoint (the emulator, over HTTP); kksync syncs, checks, writes
the Danish warning back, and generates and publishes sound documents. What the department typed stays
in SharePoint untouched, and what could not be taken is named in «Hvad mangler»."""

from __future__ import annotations

from pathlib import Path

import pytest

from kksync.app import Runtime
from kksync.checks import load_governance
from kksync.core.model import DocumentType
from kksync.core.schema import list_schema
from kksync.documents import is_safe_file_name
from kksync.services.sync import SyncService
from testkit.emulator import graph_for
from tests.hostile.pipeline import assert_sound_docx
from tests.sync.conftest import Site

INITIATIVES = list_schema("initiatives")
PLANS = list_schema("plans")
MISSING = INITIATIVES.column("KkMissing").name
PURPOSE = "<p>=cmd|' /C calc'!A0</p><script>alert(1)</script><p>Ret \u202eevil\u202c til</p>"


def _runtime(site: Site) -> Runtime:
    governance = load_governance()
    # Room for every finding in «Hvad mangler», so the test sees the data problems among the rest.
    governance = governance.model_copy(update={"thresholds": governance.thresholds.model_copy(update={"missing_max_items": 100})})
    return Runtime(site.settings, site.client, site.store, "test", governance,
                   directory=graph_for(site.sp, site.settings))


def _service(runtime: Runtime) -> SyncService:
    return runtime.sync_service()


def _missing(site: Site, item_id: int) -> str:
    return str(site.sp.get_item(INITIATIVES.title, item_id)[MISSING] or "")


def _documents(runtime: Runtime, plan_key: str, out: Path) -> list[str]:
    names = []
    for doc_type in DocumentType:
        generated = runtime.publish(runtime.generate(plan_key, doc_type, out_dir=out))
        assert generated.path is not None and generated.path.parent == out
        assert_sound_docx(generated.path.read_bytes())
        assert generated.url is not None and generated.url.startswith("/sites/") and "/Publikationer/" in generated.url
        names.append(generated.document.spec.file_name)
    return names


def test_hostile_text_fill_in_choice_and_zero_rank(site: Site, tmp_path: Path) -> None:
    runtime = _runtime(site)
    site.sp.edit_item(INITIATIVES.title, 1, {"KkPurpose": PURPOSE, "KkPhase": "Halvfærdig", "KkRank": 0})
    _service(runtime).sync(full=True)

    missing = _missing(site, 1)
    assert "«Fase» har værdien «Halvfærdig»" in missing and "«Prioritet» ligger uden for" in missing
    assert "«Formål» indeholdt script" in missing
    item = site.sp.get_item(INITIATIVES.title, 1)
    assert (item["KkPurpose"], item["KkPhase"], item["KkRank"]) == (PURPOSE, "Halvfærdig", 0)  # never overwritten
    record = next(i for i in _service(runtime).load_portfolio().initiatives if i.id == 1)
    assert record.purpose is not None and "=cmd|' /C calc'!A0" in record.purpose and "\u202eevil\u202c" in record.purpose
    assert "alert" not in record.purpose
    assert _service(runtime).sync().writes == 0  # the loop guard holds with hostile content

    _documents(runtime, "F2011", tmp_path / "out")

    # The department corrects the choice: the warning goes, the value arrives.
    site.sp.edit_item(INITIATIVES.title, 1, {"KkPhase": "Analyse"})
    _service(runtime).sync()
    assert "Halvfærdig" not in _missing(site, 1)
    assert next(i for i in _service(runtime).load_portfolio().initiatives if i.id == 1).phase == "Analyse"


def test_person_who_left_and_deleted_focus_area(site: Site, tmp_path: Path) -> None:
    runtime = _runtime(site)
    carl = site.sp.add_user("carl@kk.dk", "Carl Berg")
    site.sp.add_item(list_schema("focus_areas").title, {"KkKey": "IO9", "Title": "Nedlagt indsatsområde"})
    site.sp.edit_item(INITIATIVES.title, 2, {"KkProjectOwnerId": carl["Id"], "KkFocusAreasId": {"results": [1, 2]}})
    site.sp.delete_item(list_schema("focus_areas").title, 2)
    site.sp.delete_account("carl@kk.dk")  # deleted in Entra ID; Carl stays among the site's users
    _service(runtime).sync(full=True)

    missing = _missing(site, 2)
    assert "Projektejer" in missing and f"id {carl['Id']}" in missing
    assert "«Indsatsområder» peger på et element (id 2)" in missing
    record = next(i for i in _service(runtime).load_portfolio().initiatives if i.id == 2)
    assert record.focus_area_ids == [1]  # the live lookup survives the dead one
    _documents(runtime, "F2011", tmp_path / "out")


@pytest.mark.parametrize("key", ["../" * 80 + "x", "..", "CON:\u202e*?"], ids=["traversal-240-chars", "double-dot", "reserved"])
def test_hostile_plan_key_typed_by_a_department(site: Site, tmp_path: Path, key: str) -> None:
    runtime = _runtime(site)
    site.sp.edit_item(PLANS.title, 1, {"KkKey": key, "Title": "=HYPERLINK(\"https://evil.example\")" + " plan" * 40})
    _service(runtime).sync(full=True)
    out = tmp_path / "out"
    names = _documents(runtime, key, out)
    assert all(is_safe_file_name(n) for n in names) and len(set(names)) == len(DocumentType)
    assert sorted(p.name for p in out.iterdir()) == sorted(names)  # nothing written anywhere else
    assert runtime.store.list_snapshots("test", key)  # the snapshot is stored under the key as typed
    published = [i["FileLeafRef"] for i in site.sp.items("Publikationer")]
    assert sorted(published) == sorted(names)


def test_item_without_a_usable_id_stops_the_sync_with_a_sharepoint_error(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from kksync.errors import SharePointError

    original = site.client.iter_pages

    def pages(title: str, **kwargs: object) -> object:
        for page in original(title, **kwargs):  # type: ignore[arg-type]
            if title == INITIATIVES.title:
                page = [dict(row, Id="abc", ID="abc") if row["Id"] == 3 else row for row in page]
            yield page

    monkeypatch.setattr(site.client, "iter_pages", pages)
    with pytest.raises(SharePointError, match="ugyldigt id"):
        _service(_runtime(site)).sync(full=True)
