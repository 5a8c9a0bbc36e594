"""The check messages: one ``str.format`` template per rule code of ``kksync.checks.catalog``.

Written to the department that can fix the problem: what is missing and where to fill it in.
``{field}`` is the display name of the rule's first column and ``{fields}`` all of them, in «», as
the department sees them in SharePoint; the other placeholders are filled in by the rule.
"""

from __future__ import annotations

__all__ = ["RULE_TEXTS"]

RULE_TEXTS: dict[str, str] = {
    "RANK-MISSING": "Initiativet har ingen prioritet. Udfyld {field} med initiativets plads i planens indbyrdes prioritering (1 = højest).",
    "RANK-DUPLICATE": "Prioritet {rank} er også givet til {others}. Hvert initiativ i planen skal have sin egen prioritet i {field}.",
    "RANK-GAP": "Prioritet {rank} ligger uden for 1–{n}. Planens {n} initiativer skal prioriteres 1, 2, 3 … uden huller; ret {field}.",
    "RANK-BY-MISSING": "Det er ikke angivet, hvem der har aftalt prioriteringen. Udfyld {field}.",
    "RANK-DATE-MISSING": "Det er ikke angivet, hvornår prioriteringen blev aftalt. Udfyld {field}.",
    "BC-MISSING": "Initiativet har ingen business case. Udarbejd en efter den fællesoffentlige model (ledelsesresumé, scenarie 0 og 1, investering, drift og gevinster pr. år), og få den godkendt.",
    "BC-SUMMARY-MISSING": "Business casen mangler et ledelsesresumé. Udfyld {field}.",
    "BC-SCENARIO-MISSING": "Business casen beskriver ikke {what}. Udfyld {fields}.",
    "BC-NOT-APPROVED": "Business casen er ikke godkendt. Få den godkendt, og markér {field}.",
    "BC-APPROVER-MISSING": "Det er ikke angivet, hvem der har godkendt business casen. Udfyld {field}.",
    "BC-APPROVAL-DATE-MISSING": "Det er ikke angivet, hvornår business casen blev godkendt. Udfyld {field}.",
    "BC-INVESTMENT-MISSING": "Business casen har ingen investering pr. år. Tilføj linjer af typen «{kinds}» i listen «{list}».",
    "BC-OPERATING-MISSING": "Business casen mangler driftsudgifter pr. år for {what}. Tilføj linjer af typen {kinds} i listen «{list}».",
    "BC-BENEFITS-MISSING": "Business casen har ingen økonomiske gevinster pr. år. Tilføj linjer af typen «{kinds}» i listen «{list}» (0 kr., hvis der ingen er).",
    "BC-DISCOUNT-RATE-MISSING": "Business casen angiver ingen diskonteringsrente. Udfyld {field}.",
    "BC-NPV-MISSING": "Business casen angiver ingen nettonutidsværdi. Udfyld {field}{hint}.",
    "BC-NPV-MISMATCH": "Nettonutidsværdien er angivet til {stated}, men business casens tal pr. år giver {computed} ved {rate} i diskonteringsrente (forskel {diff}). Ret {field} eller tallene pr. år.",
    "BC-PAYBACK-MISSING": "Business casen angiver ingen tilbagebetalingstid. Udfyld {field}{hint}.",
    "BC-PAYBACK-MISMATCH": "Tilbagebetalingstiden er angivet til {stated}, men business casens tal pr. år giver {computed}. Ret {field} eller tallene pr. år.",
    "RESP-ADMIN-MISSING": "Ansvaret er ikke placeret: angiv den ansvarlige forvaltning i {field}.",
    "RESP-OWNER-MISSING": "Initiativet har ingen navngiven projektejer. Udfyld {field}.",
    "RESP-OWNER-UNKNOWN": "Projektejeren (bruger-id {value}) findes ikke længere på sitet. Vælg en aktuel medarbejder i {field}.",
    "RESP-MANAGER-MISSING": "Initiativet har ingen projektleder. Udfyld {field}.",
    "FUND-MISSING": "Der er ingen aftale om finansiering. Tilføj linjer med kilde, styringsområde, beløb pr. år og aftalestatus i listen «{list}».",
    "FUND-SOURCE-INVALID": "Finansieringen for {years} har ingen tilladt kilde ({what}). Vælg en af: {allowed}.",
    "FUND-TOTAL-MISMATCH": "Finansieringen er i alt {funded}, men business casens investering er {invested} (forskel {diff}). Ret beløbene, så de stemmer.",
    "FUND-NOT-AGREED": "Finansieringen for {years} er ikke aftalt ({what}). Indgå aftalen, og sæt {field} til «{agreed}».",
    "FUND-DATE-MISSING": "Finansieringsaftalen for {years} har ingen dato. Udfyld {field}.",
    "DEL-DELIVERER-MISSING": "Det er ikke angivet, hvem der gennemfører initiativet. Udfyld {field}.",
    "DEL-DATES-MISSING": "Gennemførelsesaftalen mangler {what}. Udfyld {fields}.",
    "DEL-DATES-INVALID": "Slutdatoen {end} ligger før startdatoen {start}. Ret {fields}.",
    "DEL-OUTSIDE-PERIOD": "Gennemførelsen {start} – {end} ligger uden for planens periode {period}. Ret datoerne, eller begrund det i {field}.",
    "DEL-MILESTONES-MISSING": "Gennemførelsesaftalen har ingen milepæle. Tilføj mindst én milepæl med dato i listen «{list}».",
    "DEL-NOT-AGREED": "Gennemførelsesaftalen er ikke indgået. Indgå aftalen med udføreren, og markér {field}.",
    "STRAT-FOCUS-MISSING": "Initiativet er ikke knyttet til et af it-strategiens indsatsområder. Vælg mindst ét i {field}.",
    "CONTRIB-MISSING": "Det lokale initiativ angiver ikke, hvilke fælles initiativer det bidrager til. Vælg dem i {field}.",
    "CONTRIB-NOT-JOINT": "{field} peger på {refs}, som ikke er initiativer i en fælles handlingsplan. Vælg fælles initiativer.",
    "CONTRIB-UNCOVERED": "{admins} er angivet som involveret, men har intet lokalt initiativ, der bidrager til dette initiativ. Opret et lokalt initiativ, eller ret {field}.",
    "PORT-PROJECT-UNLINKED": "It-projektet {key} «{title}» har et budget på {cost} (grænsen er {limit}), men er ikke knyttet til et initiativ. Udfyld {field} i listen «{list}».",
    "TRANS-ORIGIN-MISSING": "Det er ikke angivet, hvor initiativet allerede er forankret ({choices}). Udfyld {field}.",
    "TRANS-REFERENCE-MISSING": "Angiv en reference til forankringen (fx sagsnummer eller nummer i investeringskataloget) i {field}.",
    "TRANS-PLAN-AT-GATE": "Overgangshandlingsplanen fremlægges ikke samlet til politisk behandling; dens initiativer forankres dér, hvor de allerede hører hjemme. Ret {field}.",
    "DATA-PROBLEM": "{where}{message}",
    "DATA-PLAN-MISSING": "Initiativet er ikke knyttet til en eksisterende handlingsplan. Vælg planen i {field}.",
}
