"""The state stores' messages, written for the person running kksync: what failed and what to do about it."""

from __future__ import annotations

from kksync.errors import StateError

__all__ = ["STATE_MESSAGES", "state_error"]

STATE_MESSAGES: dict[str, str] = {
    "wrong_list": "Element {item_id} tilhører listen «{item_list}», ikke «{list_key}». Det er en programfejl i synkroniseringen.",
    "upsert_and_delete": "Elementerne {ids} er både ændret og slettet i samme commit. Det er en programfejl i synkroniseringen.",
    "sqlite_open": "Tilstandsdatabasen «{path}» kunne ikke åbnes ({error}). Tjek stien i KKSYNC_STATE og at mappen er skrivbar.",
    "sqlite_failed": "Tilstandsdatabasen «{path}» fejlede ({error}). Prøv igen; fortsætter fejlen, så tjek disken og filens rettigheder.",
    "sqlite_newer": "Tilstandsdatabasen «{path}» er skrevet af en nyere kksync (skemaversion {found}, denne kender {known}). Opdatér kksync.",
    "sqlite_corrupt": "Tilstandsdatabasen «{path}» indeholder en ulæselig post ({error}). Kør en fuld afstemning efter at have slettet listens tilstand.",
    "azure_connection": "Azure Storage-forbindelsesstrengen i KKSYNC_STATE kunne ikke bruges ({error}). Tjek AccountName, AccountKey og endpoints.",
    "azure_failed": "Azure Storage fejlede under «{action}» ({error}). Prøv igen; fortsætter fejlen, så tjek lagerkontoen og netværket.",
    "azure_prefix": "Præfikset «{prefix}» duer ikke til Azure-tabeller: brug 3–40 små bogstaver og cifre, begyndende med et bogstav.",
    "azure_corrupt": "En post i Azure Storage kunne ikke læses ({error}). Kør en fuld afstemning efter at have nulstillet listens tilstand.",
    "closed": "Tilstandslageret er lukket.",
    "bad_limit": "Antallet af kørsler skal være mindst 1 (fik {limit}).",
}


def state_error(code: str, **values: object) -> StateError:
    """A ``StateError`` with the Danish message for ``code``."""
    return StateError(STATE_MESSAGES[code].format(**values))
