"""What the lists' views and column formatting say, and what provisioning reports about them."""

from __future__ import annotations

__all__ = ["FORMAT_TEXTS", "VIEW_NOTES", "view_note"]

FORMAT_TEXTS: dict[str, str] = {
    "nothing_missing": "Intet mangler",
    "not_checked": "Ikke tjekket endnu",
}
"""Words the formatted columns show where the value itself is empty."""

VIEW_NOTES: dict[str, str] = {
    "created": "Visningen «{view}» i «{list}» er oprettet",
    "updated": "Visningen «{view}» i «{list}» er bragt i overensstemmelse med modellen ({what})",
    "drift": (
        "Visningen «{view}» i «{list}» var ændret i SharePoint ({what}); den er sat tilbage efter kksyncs model. "
        "Vil I beholde en anden udgave, så gem den som en ny visning med et andet navn"
    ),
    "missing": "Visningen «{view}» findes ikke i «{list}» – kør kksync provision",
    "formatter_set": "Kolonneformateringen af «{column}» i «{list}» er sat",
    "formatter_drift": (
        "Kolonneformateringen af «{column}» i «{list}» var ændret i SharePoint; den er sat tilbage efter kksyncs model"
    ),
    "what_query": "filter, sortering eller gruppering",
    "what_fields": "kolonner",
    "what_row_limit": "antal pr. side",
    "what_default": "standardvisning",
}


def view_note(code: str, **values: object) -> str:
    return VIEW_NOTES[code].format(**values)
