"""HTTP API behind the function key: readiness verdicts and on-demand documents."""

from __future__ import annotations

import re
from typing import Any

import azure.functions as func

from functions import common

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.function_name("readiness")
@bp.route(route="readiness/{plan?}", methods=["GET"], auth_level=func.AuthLevel.FUNCTION)
def readiness(req: func.HttpRequest) -> func.HttpResponse:
    plan = (req.route_params.get("plan") or "").strip() or None
    return common.http_errors("readiness", lambda: _readiness(plan))


def _readiness(plan: str | None) -> func.HttpResponse:
    with common.open_runtime(http=True) as runtime:
        view = runtime.check(plan)  # an unknown plan is UnknownPlanError: 404 from http_errors
    return common.json_response(view.as_json())


@bp.function_name("documents")
@bp.route(route="documents/{plan}", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
def documents(req: func.HttpRequest) -> func.HttpResponse:
    plan = (req.route_params.get("plan") or "").strip()
    year_text = (req.params.get("year") or "").strip()
    # ASCII digits only: str.isdigit() also accepts "²" and other digits int() refuses.
    if not plan or (year_text and not (re.fullmatch(r"[0-9]{4}", year_text) and 2000 <= int(year_text) <= 2100)):
        return common.json_response({"error": common.TEXTS["bad_request"].format(error="plan og år (fx ?year=2012)")}, 400)
    year = int(year_text) if year_text else None
    return common.http_errors("documents", lambda: _publish(plan, year))


def _publish(plan: str, year: int | None) -> func.HttpResponse:
    with common.open_runtime(http=True) as runtime:
        result = runtime.publish_documents(plan, year=year)
    common.log.info("documents published for plan %s (year %s)", plan, year)
    return common.json_response({"plan": plan, "year": year, "documents": _summary(result)})


def _summary(result: Any) -> Any:
    """What was published, without the documents' bytes."""
    if isinstance(result, list | tuple):
        return [_summary(item) for item in result]
    document = getattr(result, "document", None)
    if document is None:
        return result
    spec = document.spec
    return {"title": spec.title, "file_name": spec.file_name, "document_type": spec.document_type,
            "year": spec.year, "status_date": spec.status_date, "published": getattr(result, "published", None),
            "url": getattr(result, "url", None)}
