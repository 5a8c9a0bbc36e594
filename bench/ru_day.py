"""A modelled day for Copenhagen in SharePoint resource units, from the sync benchmark's own counts.

Every price comes from ``kksync.sharepoint.pricing`` (Graph's prices, the lower bound), every per-item
figure from the benchmark's measured steps at its largest list, and the department edit rate from
the soak (``bench/soak_actors.SoakConfig``: ten saves a second, a stress rate far above a working day).
The assumptions are written into the result, so BENCHMARKS.md shows how each figure is made.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.soak_actors import SoakConfig
from kksync.core.budget import DEFAULT_TIER, TIERS
from kksync.sample import large_portfolio

COPENHAGEN_INITIATIVES = 35_000
WORKING_HOURS = 8
WRITES_PER_CHANGE = 1.0  # every change answered by a write-back (the soak measured about 0.5): an upper bound
LISTS = 8  # data lists, each with one webhook subscription renewed nightly
DOCUMENTS_PER_PLAN = 3  # status, readiness, plan (services.publishing.publish_documents), weekly
SITE = "https://kk.sharepoint.com/sites/it/_api"


def _step(size: dict[str, Any], prefix: str) -> dict[str, Any]:
    return next(s for s in size["steps"] if s["step"].startswith(prefix))


def _rows_per_initiative() -> tuple[float, float]:
    """(rows of every data list, plans) per initiative in the sample generator's portfolio (1,000 initiatives)."""
    p = large_portfolio(1000)
    rows = sum(len(getattr(p, name)) for name in ("focus_areas", "plans", "initiatives", "funding_lines", "figures",
                                                  "milestones", "statuses", "it_projects") if hasattr(p, name))
    return rows / len(p.initiatives), len(p.plans) / len(p.initiatives)


def modelled_day(sizes: list[dict[str, Any]], units: Callable[..., int]) -> dict[str, Any]:
    tier = TIERS[DEFAULT_TIER]
    bulk = tier.per_minute // 2
    largest = max(sizes, key=lambda s: s["items"])
    n = largest["items"]
    full = _step(largest, "full read")
    inc = max((s for s in largest["steps"] if s["step"].startswith("incremental")), key=lambda s: s["resource_units"])
    k = int(inc["step"].rsplit("=", 1)[1].replace(",", ""))
    own = _step(largest, "own changes")
    writes = _step(largest, f"{min(1000, n):,} batched writes")
    per_change = inc["resource_units"] / k
    per_own = own["resource_units"] / int(own["step"].rsplit("=", 1)[1].replace(",", ""))
    per_write = writes["resource_units"] / writes["writes"]

    edits = round(SoakConfig().edits_per_second * 60)
    webhook_minute = math.ceil(edits * (per_change + WRITES_PER_CHANGE * (per_write + per_own)))

    rows_per_initiative, plans_per_initiative = _rows_per_initiative()
    rows = COPENHAGEN_INITIATIVES * rows_per_initiative
    reconcile = math.ceil(full["resource_units"] / n * rows) + LISTS * 4  # + a page per list's overhead
    renew = LISTS * (units("GET", f"{SITE}/web/lists(guid'x')/subscriptions")
                     + units("PATCH", f"{SITE}/web/lists(guid'x')/subscriptions('y')"))
    per_document = (units("GET", f"{SITE}/web/lists/getbytitle('Dokumenter')")
                    + units("POST", f"{SITE}/web/lists/getbytitle('Dokumenter')/rootfolder/files/add(overwrite=true,url='a.docx')")
                    + units("GET", f"{SITE}/web/getfilebyserverrelativeurl('/a.docx')/listitemallfields")
                    + units("MERGE", f"{SITE}/web/getfilebyserverrelativeurl('/a.docx')/listitemallfields"))
    plans = math.ceil(COPENHAGEN_INITIATIVES * plans_per_initiative)
    documents = plans * DOCUMENTS_PER_PLAN * per_document
    reminders = units("POST", "https://graph.microsoft.com/v1.0/users/a@kk.dk/sendMail")

    day_webhook = webhook_minute * 60 * WORKING_HOURS
    day = day_webhook + reconcile + renew + documents
    peak = webhook_minute + min(bulk, reconcile)  # the worst minute: the edit peak while the reconcile runs
    return {
        "tier": DEFAULT_TIER, "per_minute": tier.per_minute, "per_day": tier.per_day, "bulk_budget": bulk,
        "initiatives": COPENHAGEN_INITIATIVES, "rows": round(rows), "plans": plans,
        "edits_per_minute": edits, "per_change": round(per_change, 3), "per_write": round(per_write, 3),
        "per_own_change": round(per_own, 3), "writes_per_change": WRITES_PER_CHANGE,
        "webhook_minute": webhook_minute, "reconcile": reconcile, "reconcile_minutes": math.ceil(reconcile / bulk),
        "renewals": renew, "per_document": per_document, "documents": documents, "reminders": reminders,
        "working_hours": WORKING_HOURS, "day_webhook": day_webhook, "day": day, "peak_minute": peak,
        "peak_share": round(peak / tier.per_minute, 3), "day_share": round(day / tier.per_day, 3),
        "measured_at": n,
    }
