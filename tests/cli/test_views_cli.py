"""`kksync doctor` names a view someone changed in SharePoint; `kksync provision` sets it back and says so."""

from __future__ import annotations

import json

from tests.cli.conftest import Cli


def test_doctor_names_view_drift_and_provision_restores(synced: Cli) -> None:
    sp = synced.sp
    assert sp is not None
    lst = sp.site.find_list(title="Initiativer")  # type: ignore[attr-defined]
    views = sp.views  # type: ignore[attr-defined]
    mine = views.find(lst["Id"], title="Mine initiativer")
    views._put(dict(mine, ViewQuery='<OrderBy><FieldRef Name="Title" /></OrderBy>'))  # a site owner edits the filter

    doctor = synced("doctor", "--format", "json")
    problems = json.loads(doctor.out)["problems"]
    assert doctor.code == 1
    assert any("«Mine initiativer»" in p and "filter, sortering eller gruppering" in p for p in problems)

    provision = synced("provision")
    assert provision.code == 0
    assert "Visningen «Mine initiativer» i «Initiativer» er bragt i overensstemmelse med modellen" in provision.text
    assert "var ændret i SharePoint" in provision.text
    again = json.loads(synced("doctor", "--format", "json").out)["problems"]
    assert not any("Visningen" in p for p in again)
