"""What a sync run tells the person running kksync (the run's notes, kept in the run history): why a
list was read in full, which columns SharePoint lacks, what Microsoft Graph could not say."""

from __future__ import annotations

__all__ = ["ITEM_DAMAGED", "SYNC_NOTES", "sync_note"]

SYNC_NOTES: dict[str, str] = {
    "no_token": "{list}: intet gemt ændrings-token – fuld læsning",
    "token_rejected": "{list}: ændrings-token afvist ({error}) – fuld afstemning",
    "token_too_old": (
        "{list}: det gemte ændrings-token er {days} dage gammelt, og SharePoint gemmer kun ændringsloggen i omkring "
        "{retention} dage (et for gammelt token giver ingen ændringer og ingen fejl) – fuld afstemning"
    ),
    "token_other_list": "{list}: det gemte ændrings-token hører til en anden liste (listen er oprettet igen) – fuld afstemning",
    "token_unreadable": "{list}: det gemte ændrings-token kan ikke læses – fuld afstemning",
    "missing_column": "Kolonnen «{title}» ({internal}) mangler i listen «{list}» – kør kksync provision",
    "missing_bot_column": (
        "Kolonnen «{title}» ({internal}) mangler i listen «{list}» – kør kksync provision. kksync skriver ikke i den; "
        "de øvrige kolonner skrives som før"
    ),
    "choice_drift": (
        "Valgene i kolonnen «{title}» ({internal}) i listen «{list}» afviger fra kksyncs model ({details}); elementer "
        "med et ukendt valg får en fejl – ret valgene i SharePoint, eller kør kksync provision"
    ),
    "choices_missing": "mangler {values}",
    "choices_unknown": "ukendte {values}",
    "no_graph": (
        "Microsoft Graph er ikke sat op: en fratrådt medarbejder genkendes kun, hvis vedkommende er fjernet fra "
        "webstedets brugere (det sker normalt ikke)"
    ),
    "graph_unknown": (
        "Microsoft Graph kunne ikke sige, om {count} konti stadig findes ({accounts}); personerne er beholdt og "
        "tjekkes igen ved næste kørsel"
    ),
    "graph_failed": "Microsoft Graph kunne ikke spørges om konti ({error}); personerne er beholdt og tjekkes igen ved næste kørsel",
    "write_back_unsettled": "Nogle elementer blev ved med at blive ændret under tilbageskrivningen; de tages ved næste kørsel.",
}


def sync_note(code: str, **values: object) -> str:
    """The Danish note for ``code``."""
    return SYNC_NOTES[code].format(**values)


ITEM_DAMAGED = (
    "Det gemte element {item} i listen «{list}» kan ikke læses ({error}); tilstanden er beskadiget. Kør "
    "«kksync sync --full», som læser listen forfra fra SharePoint og erstatter det gemte."
)
"""A stored item whose JSON no longer parses (the store was edited or damaged)."""
