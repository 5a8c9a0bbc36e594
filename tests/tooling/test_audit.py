"""The dependency audit's offline floor: the table is well-formed and catches what it lists."""

from __future__ import annotations

import tomllib

from packaging.version import Version

from tests.tooling import ROOT, load_script

audit = load_script("scripts/audit.py", "kksync_audit")

TABLE = tomllib.loads((ROOT / "scripts" / "advisories.toml").read_text(encoding="utf-8"))


def test_every_advisory_names_a_package_an_id_and_a_fixed_version() -> None:
    assert TABLE["advisory"], "the offline table is empty"
    for entry in TABLE["advisory"]:
        assert entry["package"] and entry["id"].startswith(("CVE-", "GHSA-", "PYSEC-")), entry
        Version(entry["fixed"])  # raises on a typo


def test_a_version_below_the_fix_is_reported_and_the_fixed_one_is_not() -> None:
    table = {"advisory": [{"package": "Requests", "id": "CVE-2024-35195", "fixed": "2.32.0", "summary": "x"}]}
    [finding] = audit.offline({"requests": "2.31.0"}, table)
    assert (finding.package, finding.advisory, finding.fixed) == ("requests", "CVE-2024-35195", "2.32.0")
    assert "2.32.0" in str(finding)
    assert audit.offline({"requests": "2.32.0"}, table) == []
    assert audit.offline({"urllib3": "1.0"}, table) == []


def test_this_environment_passes_the_offline_floor() -> None:
    assert audit.offline(audit.installed(), TABLE) == []
