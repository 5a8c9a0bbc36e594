"""``make audit`` (part of ``make test``): no installed package with a known vulnerability.

1. pip-audit audits every package in this virtual environment against PyPI's vulnerability data.
   Any finding fails the build, with the version that fixes it.
2. Where that data cannot be reached (pip-audit then skips every package as "not found on PyPI" —
   a build machine that sees only a PyPI mirror), the installed versions are held against the
   reviewed offline table ``scripts/advisories.toml`` instead, and the audit says so.

Exit status: 0 clean, 1 vulnerable, 2 the audit could not run at all.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

TABLE = Path(__file__).with_name("advisories.toml")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    fixed: str
    summary: str = ""

    def __str__(self) -> str:
        fix = f"ret med {self.fixed}" if self.fixed else "ingen rettet version endnu"
        return f"{self.package} {self.version}: {self.advisory} ({fix}) {self.summary}".rstrip()


def installed() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in metadata.distributions() if d.metadata["Name"]}


def pip_audit() -> tuple[list[Finding], int, int] | None:
    """(findings, audited, skipped) from pip-audit; ``None`` if pip-audit itself failed to run."""
    run = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--progress-spinner", "off",
         "--format", "json"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stderr.strip()[-2000:], file=sys.stderr)
        return None
    findings, audited, skipped = [], 0, 0
    for dep in report.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped += 1
            continue
        audited += 1
        for vuln in dep.get("vulns", []):
            findings.append(Finding(dep["name"], dep.get("version", "?"), vuln.get("id", "?"),
                                    ", ".join(vuln.get("fix_versions") or []), vuln.get("description", "")[:120]))
    return findings, audited, skipped


def offline(versions: dict[str, str], table: dict[str, object]) -> list[Finding]:
    """Installed versions below an advisory's fixed version."""
    findings = []
    for entry in table.get("advisory", []):  # type: ignore[union-attr]
        name = canonicalize_name(entry["package"])
        if name not in versions:
            continue
        try:
            vulnerable = Version(versions[name]) < Version(entry["fixed"])
        except InvalidVersion:
            vulnerable = False
        if vulnerable:
            findings.append(Finding(name, versions[name], entry["id"], entry["fixed"], entry.get("summary", "")))
    return findings


def main() -> int:
    versions = installed()
    result = pip_audit()
    if result is not None and result[1] > 0:
        findings, audited, skipped = result
        source = f"pip-audit mod PyPI's sårbarhedsdata: {audited} pakker auditeret, {skipped} sprunget over"
    else:
        table = tomllib.loads(TABLE.read_text(encoding="utf-8"))
        findings = offline(versions, table)
        why = "pip-audit kunne ikke køre" if result is None else "PyPI's sårbarhedsdata kan ikke nås herfra"
        source = (f"{why}; i stedet holdt {len(versions)} installerede pakker op mod "
                  f"{TABLE.relative_to(TABLE.parents[1])} "
                  f"({len(table.get('advisory', []))} advisories, gennemgået {table.get('reviewed')})")
    print(f"Afhængighedsaudit: {source}.")
    if findings:
        print(f"{len(findings)} kendte sårbarheder — opgradér pakkerne og kør igen:")
        for finding in findings:
            print(f"  - {finding}")
        return 1
    print("Ingen kendte sårbarheder.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
