"""What the command line says to the person running it: errors with what to do, the exit codes, the
words of its tables, and the Danish for click's and typer's own messages (help, usage errors).

``CLICK`` is keyed by click's English message ids (the strings click passes to ``gettext``); the
Danish templates take the same ``str.format`` names, and may leave some out (``str.format`` ignores
unused names), e.g. an English type name. A template never uses ``!r``: values are shown in «», not as
Python reprs.
"""

from __future__ import annotations

__all__ = ["CLI", "CLICK", "CLICK_ERRORS", "EXIT_CODES", "HELP", "HELP_WORDS", "cli_text", "plural"]

EXIT_CODES: dict[int, str] = {
    0: "alt gik godt (og tjekket fandt ingen plan til politisk behandling, der fejler sit krav)",
    1: "tjek: en plan markeret klar til politisk behandling opfylder ikke kravene; lint: dokumentet har fund",
    2: "brugs- eller konfigurationsfejl: forkert argument, ukendt plan eller dato, ugyldige indstillinger",
    3: "SharePoint eller netværket: ikke til at nå, adgang nægtet, listen mangler, afvist forespørgsel",
    4: "tilstanden: tilstandsfilen er tom, beskadiget eller uden data, eller data er for gamle til at dømme",
    5: "delvist udført: kørslen gik igennem, men noget arbejde fejlede (fx tilbageskrivninger SharePoint afviste)",
    6: "optaget: en anden synkronisering kører allerede mod samme tilstand; prøv igen om lidt",
    130: "afbrudt med Ctrl+C",
    70: "uventet fejl i kksync (en programfejl); kør igen med --debug og send udskriften til udviklerne",
}
"""The exit codes of every ``kksync`` command (README, "Exit codes", is generated from the same table)."""

CLI: dict[str, str] = {
    # error prefixes and the one error path
    "error": "Fejl: ",
    "unknown": "Findes ikke: ",
    "usage": "Brugsfejl: ",
    "sharepoint": "SharePoint: ",
    "state": "Tilstand: ",
    "busy": "Optaget: ",
    "unexpected": (
        "Uventet fejl ({kind}): {error}. Det er en fejl i kksync, ikke i dine data. Kør kommandoen igen med "
        "--debug for hele forløbet, og send det til udviklerne."
    ),
    "usage_hint": "Se «{command} --help».",
    "aborted": "Afbrudt.",
    "interrupted": "Afbrudt af brugeren (Ctrl+C); intet halvt arbejde er gemt som færdigt.",
    "not_provisioned": (
        "Listen «{list}» findes ikke på sitet {site}. Kør «kksync provision» for at oprette listerne, "
        "og derefter «kksync sync»."
    ),
    "unreachable_hint": "Tjek KKSYNC_SITE_URL ({site}), netværket, og om SharePoint (eller emulatoren) kører.",
    "out_not_folder": "«{path}» er ikke en mappe, som dokumenterne kan skrives i ({error}). Angiv en mappe med --out.",
    "out_not_writable": "Mappen «{path}» kan ikke skrives i ({error}). Vælg en anden mappe med --out.",
    "file_unreadable": "Filen «{path}» kan ikke læses ({error}).",
    "date_invalid": (
        "«{value}» er ikke en gyldig dato til {option}. Skriv datoen som ÅÅÅÅ-MM-DD, fx 2012-12-31 "
        "(dag og måned skal findes i kalenderen)."
    ),
    "year_invalid": "«{value}» er ikke et gyldigt år til --year. Skriv et år med fire cifre, fx 2013.",
    "limit_invalid": "--limit skal være et helt tal fra 1 til {max} (fik {value}).",
    "retry": "SharePoint: {reason} – forsøg {next} af {max}, venter {seconds} s …",
    "retry_status": "svar {status}",
    "retry_connection": "ingen forbindelse",
    "env_unknown": "Advarsel: {name} kendes ikke af kksync og bliver ignoreret{where}.{hint}",
    "env_hint": " Mente du {best}?",
    "env_where_file": " (i {file})",
    # store states
    "no_store": (
        "Der er ingen kksync-tilstand i «{path}» (mappen {cwd}). Kør «kksync sync» først, eller sæt KKSYNC_STATE "
        "til den tilstandsfil, synkroniseringen bruger."
    ),
    "empty_store": (
        "Tilstanden i «{path}» har ingen synkroniserede data for {site}. Kør «kksync sync» først (og «kksync "
        "provision», hvis listerne ikke er oprettet)."
    ),
    "stale_store": (
        "Data er sidst synkroniseret {when} ({age} siden) – for gammelt til at dømme planerne på (grænse: "
        "--max-age {limit} timer). Kør «kksync sync», eller giv en større --max-age."
    ),
    "last_sync": "Data synkroniseret {when}.",
    "last_sync_never": "Data er aldrig synkroniseret fuldt igennem.",
    "snapshot_used": "Øjebliksbillede brugt: {plan} pr. {date} (fingeraftryk {digest}){made}.",
    "snapshot_made": ", lavet nu",
    "snapshot_exists": (
        "Der findes allerede et øjebliksbillede af {plan} pr. {date} (fingeraftryk {digest}); et øjebliksbillede er "
        "fastfrosset og overskrives ikke. Brug --replace for at lave det om (det gamle gemmes i historikken), "
        "eller vælg en anden dato."
    ),
    "snapshot_saved": "Øjebliksbillede af {plan} pr. {date} gemt: {count}, fingeraftryk {digest}.",
    "snapshot_replaced": "Det tidligere øjebliksbillede (fingeraftryk {digest}) er gemt i historikken som {key}.",
    "snapshot_deleted": "Øjebliksbilledet af {plan} pr. {date} er slettet (det er gemt i historikken som {key}).",
    "snapshot_none": "Der er ingen øjebliksbilleder af {plan}.",
    "snapshot_date_period": (
        "Statusdatoen {date} ligger uden for planens periode ({start} – {end}) og året efter. Vælg en dato "
        "mellem {start} og {last}."
    ),
    "snapshot_date_future": "Statusdatoen {date} ligger i fremtiden (i dag er {today}). Et øjebliksbillede fastfryser data, som de er nu.",
    "year_period": (
        "Planen {plan} gælder {start}–{end}; der kan laves status for årene {start}–{end}, ikke for {year}."
    ),
    "diff_same": "Der er ingen ændringer i {plan} mellem {old} og {new}.",
    "diff_title": "Ændringer i {plan} fra {old} til {new}",
    "plan_missing": "Planen «{plan}» findes ikke. Kendte planer: {known}.",
    "plan_none_known": "ingen – kør «kksync sync» først",
    "sync_summary": "{changes} indlæst, {writes} opdateret, {requests} til SharePoint, mindst {units} ressourceenheder.",
    "sync_failed_writes": (
        "{count} blev ikke skrevet tilbage, fordi SharePoint afviste dem – se listen ovenfor. De forsøges igen ved "
        "næste «kksync sync»; ret årsagen (fx kør «kksync provision» for en slettet kolonne)."
    ),
    "sync_failed_item": "{list} element {item}: {message}",
    "note": "Bemærk: ",
    "provision_none": "Sitet svarer allerede til skemaet – ingen ændringer.",
    "provision_done": "Oprettet {lists} og {fields}; opdateret {updated}.",
    "drift": "Afvigelse: ",
    "seed_done": "Eksempeldata indlæst på {site}: {items}.",
    "seed_list": "{title}: {count}",
    "runs_none": "Der er ingen kørsler i historikken for {site}.",
    "lock_held": (
        "En anden synkronisering kører allerede mod samme tilstand og blev ikke færdig inden for {seconds} s. "
        "Vent til den er færdig, og kør igen (eller vent længere med --lease-wait SEKUNDER). Er den gået ned, "
        "frigives låsen af sig selv efter højst {ttl} s."
    ),
    "lock_waiting": "En anden synkronisering kører allerede mod samme tilstand – venter op til {seconds} s …",
    "document_written": "{title} → {path}",
    "document_published": "Udgivet på intranettet: {url} ({state})",
    "version": "kksync {version}",
    "doctor_ok": "Ingen problemer fundet.",
    "doctor_problems": "{count} at rette:",
    "truncated": "… og {more} mere (brug --format json for alle).",
}
"""Every sentence of the command line, as ``str.format`` templates."""

HELP: dict[str, str] = {
    "app": "kksync: handlingsplaner i SharePoint ⇄ kanonisk model, tjek og statusdokumenter.",
    "report": "Statusdokumenter i Word.",
    "snapshot": "Fastfrys en plan pr. en statusdato, og se eller slet øjebliksbilleder.",
    "debug": "Vis hele forløbet (traceback) ved fejl, og bibliotekernes log.",
    "verbose": "Fortæl mere undervejs (fx hver genforsøgt forespørgsel).",
    "quiet": "Vis kun fejl og resultatet.",
    "version": "Vis kksyncs version og afslut.",
    "format": "Udskrift: table (tabeller) eller json (maskinlæsbar, se schemas/).",
    "plan": "Planens nøgle, fx FHP-2013-2014 (se «kksync check»).",
    "plan_filter": "Kun denne plan (nøgle, fx FHP-2013-2014).",
    "date": "Statusdato (ÅÅÅÅ-MM-DD); i dag, hvis udeladt.",
    "replace": "Lav et eksisterende øjebliksbillede om (det gamle gemmes i historikken).",
    "from": "Ældste statusdato (ÅÅÅÅ-MM-DD).",
    "to": "Nyeste statusdato (ÅÅÅÅ-MM-DD).",
    "max_age": "Højst så mange timer gamle data, før tjekket nægter at dømme (0 = ingen grænse).",
    "limit": "Så mange kørsler vises.",
    "full": "Læs alle lister helt (fuld afstemning).",
    "no_write_back": "Skriv ikke tjekresultater tilbage.",
    "lease_wait": "Sekunder der højst ventes på en anden kørsel, der synkroniserer samme tilstand eller liste.",
    "notification_url": "Webhook-adressen, fx https://<app>.azurewebsites.net/api/webhook",
    "year": "Statusår (inden for planens periode).",
    "out": "Mappe til .docx-filerne.",
    "publish": "Udgiv også i intranettets dokumentbibliotek.",
    "lint_file": "En .docx-fil.",
}
"""The help texts of options and command groups (commands' own help is their docstring)."""

CLICK: dict[str, str] = {
    "Options": "Tilvalg",
    "Arguments": "Argumenter",
    "Commands": "Kommandoer",
    "Missing command.": "Der mangler en kommando.",
    "No such command {name!r}.": "Kommandoen «{name}» findes ikke.",
    "default: {default}": "standard: {default}",
    "env var: {var}": "miljøvariabel: {var}",
    "required": "påkrævet",
    "(dynamic)": "(beregnes)",
    "(deprecated) ": "(forældet) ",
    "Aborted!": "Afbrudt.",
    "Aborted.": "Afbrudt.",
    "Error": "Fejl",
    "[default: {}]": "[standard: {}]",
    "[env var: {}]": "[miljøvariabel: {}]",
    "[required]": "[påkrævet]",
}
"""typer's own messages that go through ``gettext``, in Danish, by their English message id."""

HELP_WORDS: dict[str, str] = {
    "Usage: ": "Brug: ",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
}
"""The English words click writes into every help page (not through ``gettext``)."""

CLICK_ERRORS: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<a>\S+)(?: \(Possible options: (?P<c>.+)\))?(?: Did you mean (?P<b>.+)\?)?",
     "Tilvalget «{a}» findes ikke.{b}{c}"),
    (r"No such command '(?P<a>.*)'\.(?: Did you mean (?P<b>.+)\?)?", "Kommandoen «{a}» findes ikke.{b}"),
    (r"Missing option '?(?P<a>[^'.]+)'?\.?(?P<b>.*)", "Tilvalget {a} skal angives."),
    (r"Missing argument '?(?P<a>[^'.]+)'?\.?(?P<b>.*)", "Argumentet {a} skal angives."),
    (r"Option '?(?P<a>[^' ]+)'? requires an argument\.", "Tilvalget {a} skal have en værdi."),
    (r"Option '?(?P<a>[^' ]+)'? does not take a value\.", "Tilvalget {a} tager ingen værdi."),
    (r"Got unexpected extra argument(?:s|\(s\))? \((?P<a>.*)\)",
     "Uventet ekstra argument: {a}. (Sæt anførselstegn om en værdi med mellemrum.)"),
    (r"Invalid value for '?(?P<a>[^':]+)'?: (?P<b>.*)", "Ugyldig værdi til {a}: {b}"),
    (r"Invalid value: (?P<b>.*)", "Ugyldig værdi: {b}"),
    (r"Value error, (?P<b>.*)", "{b}"),
    (r"Input should be greater than or equal to (?P<a>[-0-9.]+)", "skal være mindst {a}."),
    (r"Input should be less than or equal to (?P<a>[-0-9.]+)", "må højst være {a}."),
    (r"Input should be greater than (?P<a>[-0-9.]+)", "skal være større end {a}."),
    (r"Input should be less than (?P<a>[-0-9.]+)", "skal være mindre end {a}."),
    (r"Input should be a valid integer.*", "skal være et helt tal."),
    (r"Input should be a valid number.*", "skal være et tal (brug punktum som decimaltegn, fx 2.5)."),
    (r"Input should be a valid boolean.*", "skal være ja eller nej."),
    (r"'(?P<a>.*)' is not a valid integer( range)?\.", "«{a}» er ikke et helt tal."),
    (r"'(?P<a>.*)' is not a valid float( range)?\.", "«{a}» er ikke et tal (brug punktum som decimaltegn, fx 2.5)."),
    (r"Value '(?P<a>.*)' is not a valid (?P<c>.*)\.", "«{a}» er ikke gyldig her."),
    (r"(?P<a>.*) is not in the range (?P<c>.*)\.", "{a} ligger uden for det tilladte ({c})."),
    (r"'(?P<a>.*)' is not one of (?P<c>.*)\.", "«{a}» er ikke en af {c}."),
    (r"'(?P<a>.*)' is not '(?P<c>.*)'\.", "«{a}» er ikke «{c}»."),
    (r"(File|Directory|Path) '(?P<a>.*)' does not exist\.", "«{a}» findes ikke."),
    (r"(File|Directory|Path) '(?P<a>.*)' is a directory\.", "«{a}» er en mappe, ikke en fil."),
    (r"(File|Directory|Path) '(?P<a>.*)' is a file\.", "«{a}» er en fil, ikke en mappe."),
    (r"(File|Directory|Path) '(?P<a>.*)' is not readable\.", "«{a}» kan ikke læses."),
    (r"(File|Directory|Path) '(?P<a>.*)' is not writable\.", "«{a}» kan ikke skrives."),
)
"""click's usage errors (f-strings in typer's copy of click, so not through ``gettext``) as patterns and
their Danish; ``{b}`` of "Did you mean" becomes " Mente du …?"."""

_NOUNS: dict[str, str] = {
    "ændring": "ændringer", "element": "elementer", "kald": "kald", "liste": "lister", "kolonne": "kolonner",
    "initiativ": "initiativer", "fund": "fund", "plan": "planer", "kørsel": "kørsler", "time": "timer",
    "dag": "dage", "minut": "minutter", "tilbageskrivning": "tilbageskrivninger", "problem": "problemer",
    "øjebliksbillede": "øjebliksbilleder", "advarsel": "advarsler", "fejl": "fejl",
}


def plural(n: int, noun: str) -> str:
    """``1 ændring``, ``2 ændringer``, ``1.234 elementer`` (Danish plural and thousands separator)."""
    word = noun if n == 1 else _NOUNS.get(noun, noun)
    return f"{n:,}".replace(",", ".") + f" {word}"


def cli_text(code: str, **values: object) -> str:
    """The Danish sentence ``code`` of ``CLI`` filled in with ``values``."""
    return CLI[code].format(**values)
