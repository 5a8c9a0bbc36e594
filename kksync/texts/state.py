"""The state stores' messages, written for the person running kksync: what failed and what to do about it."""

from __future__ import annotations

from kksync.errors import LeaseHeldError, StaleTokenError, StateError

__all__ = ["LEASE_MESSAGES", "STATE_MESSAGES", "lease_held_error", "stale_token_error", "state_error"]

STATE_MESSAGES: dict[str, str] = {
    "wrong_list": "Element {item_id} tilhører listen «{item_list}», ikke «{list_key}». Det er en programfejl i synkroniseringen.",
    "upsert_and_delete": "Elementerne {ids} er både ændret og slettet i samme commit. Det er en programfejl i synkroniseringen.",
    "sqlite_open": "Tilstandsdatabasen «{path}» kunne ikke åbnes ({error}). Tjek stien i KKSYNC_STATE og at mappen er skrivbar.",
    "sqlite_failed": "Tilstandsdatabasen «{path}» fejlede ({error}). Prøv igen; fortsætter fejlen, så tjek disken og filens rettigheder.",
    "sqlite_newer": "Tilstandsdatabasen «{path}» er skrevet af en nyere kksync (skemaversion {found}, denne kender {known}). Opdatér kksync.",
    "sqlite_corrupt": (
        "Tilstandsdatabasen «{path}» indeholder en ulæselig post ({error}). Gendan filen fra en sikkerhedskopi; "
        "ellers flyt den væk og kør «kksync sync --full» (historik og øjebliksbilleder går så tabt)."
    ),
    "sqlite_not_database": (
        "«{path}» er ikke en kksync-tilstandsdatabase, eller filen er beskadiget ({error}). Stien er fundet – det er "
        "indholdet, der er galt. Gendan filen fra en sikkerhedskopi; ellers flyt den væk og kør «kksync sync --full» "
        "(historik og øjebliksbilleder går så tabt)."
    ),
    "sqlite_empty_file": (
        "Tilstandsfilen «{path}» er tom (0 byte) – den er sandsynligvis blevet afkortet. kksync laver ikke stille en ny "
        "tilstand oven i den (historik og øjebliksbilleder ville forsvinde). Gendan filen fra en sikkerhedskopi; "
        "ellers slet den og kør «kksync sync --full»."
    ),
    "sqlite_missing": (
        "Der er ingen kksync-tilstand i «{path}». Kør «kksync sync» først, eller sæt KKSYNC_STATE til den "
        "tilstandsfil, synkroniseringen bruger."
    ),
    "azure_connection": "Azure Storage-forbindelsesstrengen i KKSYNC_STATE kunne ikke bruges ({error}). Tjek AccountName, AccountKey og endpoints.",
    "azure_failed": "Azure Storage fejlede under «{action}» ({error}). Prøv igen; fortsætter fejlen, så tjek lagerkontoen og netværket.",
    "azure_prefix": "Præfikset «{prefix}» duer ikke til Azure-tabeller: brug 3–40 små bogstaver og cifre, begyndende med et bogstav.",
    "azure_corrupt": "En post i Azure Storage kunne ikke læses ({error}). Kør en fuld afstemning efter at have nulstillet listens tilstand.",
    "closed": "Tilstandslageret er lukket.",
    "bad_limit": "Antallet af kørsler skal være mindst 1 (fik {limit}).",
}

# The leases and the token order: raised by the stores and the sync alike, as their own error classes.
LEASE_MESSAGES: dict[str, str] = {
    "stale_token": (
        "Listen «{list_key}» er allerede synkroniseret længere af en anden kørsel (gemt ændring nr. {stored}, "
        "denne kørsel nåede nr. {new}); intet er gemt. Kør synkroniseringen igen – den læser videre derfra."
    ),
    "waiting": "Listen «{title}» synkroniseres allerede af en anden kørsel – venter op til {seconds} s …",
    "held": (
        "Listen «{title}» synkroniseres allerede af en anden kørsel, og den blev ikke færdig inden for {seconds} s. "
        "Prøv igen om lidt, eller vent længere med --lease-wait SEKUNDER. Er den anden kørsel gået ned, "
        "frigives listen af sig selv efter højst {ttl} s."
    ),
    "lost": "Listen «{title}»: låsen kunne ikke fornyes og er måske overtaget af en anden kørsel.",
}


def state_error(code: str, **values: object) -> StateError:
    """A ``StateError`` with the Danish message for ``code``."""
    return StateError(STATE_MESSAGES[code].format(**values))


def stale_token_error(*, list_key: str, stored: int, new: int) -> StaleTokenError:
    """The ``StaleTokenError`` for a commit that would move ``list_key``'s token from ``stored`` back to ``new``."""
    return StaleTokenError(LEASE_MESSAGES["stale_token"].format(list_key=list_key, stored=stored, new=new),
                           list_key=list_key)


def lease_held_error(*, list_key: str, title: str, seconds: float, ttl: int) -> LeaseHeldError:
    """The ``LeaseHeldError`` of a run that gave up waiting for ``title``'s lease; come back within a TTL."""
    message = LEASE_MESSAGES["held"].format(title=title, seconds=round(seconds), ttl=ttl)
    return LeaseHeldError(message, list_key=list_key, retry_after=min(15.0, float(ttl)))
