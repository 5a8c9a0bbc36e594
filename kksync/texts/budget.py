"""What the operator reads about SharePoint's resource-unit budget: when kksync paces itself, and why."""

from __future__ import annotations

__all__ = ["BUDGET_TEXTS", "budget_text"]

BUDGET_TEXTS: dict[str, str] = {
    "pace_server": (
        "SharePoint melder, at appens minutbudget næsten er brugt ({remaining} af {limit} ressourceenheder tilbage, "
        "nulstilles om {reset:.0f} s): kksync venter {seconds:.1f} s før næste kald"
    ),
    "pace_budget": (
        "Natlig afstemning og dokumentkørsler holder sig under {budget} ressourceenheder i minuttet, så ændringer "
        "fra afdelingerne altid kommer igennem: kksync venter {seconds:.1f} s før næste kald"
    ),
    "pace_deadline": (
        "SharePoints budget beder kksync vente {seconds:.0f} s ({kind}); det er længere end funktionens tidsbudget. "
        "Arbejdet lægges tilbage i køen og prøves igen senere."
    ),
    "paced_summary": "ventede {seconds:.0f} s {times} gange for at holde SharePoints budget",
}


def budget_text(key: str, **values: object) -> str:
    return BUDGET_TEXTS[key].format(**values)
