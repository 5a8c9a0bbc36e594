"""What the checks write: the message of every rule, the computed traffic light's reason, the plan's
verdict and the words the rules fill into their messages.

Messages are written to the department that can fix the problem: what is missing and where to fill
it in. In ``RULE_TEXTS`` (one ``str.format`` template per rule code of ``kksync.checks.catalog``)
``{field}`` is the display name of the rule's first column and ``{fields}`` all of them, in «», as the
department sees them in SharePoint; the other placeholders are filled in by the rule. The light
reasons, verdicts and the list of what is missing land in bot-owned columns that the sync compares as
text: change one and every item is rewritten.
"""

from __future__ import annotations

from kksync.texts.proposals import PROPOSAL_RULE_TEXTS

__all__ = ["LIGHT_TEXTS", "LIST_NAMES", "MISSING_LIST", "PLURALS", "RULE_TEXTS", "RULE_WORDS", "VERDICT_TEXTS", "counted"]

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
    "DEL-MILESTONE-OVERDUE": "Milepælen «{title}» skulle være nået {due}, men er ikke nået. Udfyld {field} i listen «{list}», når den er nået, eller aftal en ny dato.",
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
    "DATA-KEY-DUPLICATE": "{field} «{key}» bruges også af {others} i samme plan. Giv hvert initiativ sit eget id.",
    "PLAN-DECISION-PASSED": "Planen står som «{stage}», men den forventede politiske behandling {date} er passeret. Ret {field} eller planens stadie.",
    "PLAN-STAGE-UNKNOWN": "Planens stadie «{value}» er ikke et af kksyncs stadier ({stages}), så planen kan ikke vurderes til politisk behandling. Ret {field} i SharePoint (er valget omdøbt, så kør kksync provision).",
    **PROPOSAL_RULE_TEXTS,
}

LIST_NAMES: dict[str, str] = {
    "focus_areas": "Indsatsområder",
    "plans": "Handlingsplaner",
    "initiatives": "Initiativer",
    "funding_lines": "Finansiering",
    "figures": "Business casens tal pr. år",
    "milestones": "Milepæle",
    "statuses": "Statusrapportering",
    "it_projects": "It-projekter",
}
"""The lists as the departments know them (never the lists' internal URL names)."""

RULE_WORDS: dict[str, str] = {
    "scenario_0": "scenarie 0 (i dag)",
    "scenario_1": "scenarie 1 (med projektet)",
    "figures_give": "(tallene pr. år giver {value})",
    "no_payback": "ingen tilbagebetaling i {first}–{last}",
    "lines_without_year": "linjer uden år",
    "no_source": "ingen kilde",
    "no_status": "ingen status",
    "start_date": "startdato",
    "end_date": "slutdato",
    "item": "element {item_id}",
    "item_in_list": "Listen «{list}», element {item_id}",
}
"""Words and phrases the rules fill into the placeholders of their messages."""

LIGHT_TEXTS: dict[str, str] = {
    "no_data": "Ingen status med baseline og prognose",
    "within_budget": "Forventet forbrug inden for budget",
    "no_cost_baseline": "Intet budget (baseline) – intet beregnet trafiklys for økonomi",
    "zero_cost_baseline": "Budget (baseline) er 0 kr. – intet beregnet trafiklys for økonomi",
    "no_cost_forecast": "Intet forventet forbrug – intet beregnet trafiklys for økonomi",
    "no_end_baseline": "Ingen planlagt slutdato (baseline) – intet beregnet trafiklys for tidsplan",
    "no_end_forecast": "Ingen forventet slutdato – intet beregnet trafiklys for tidsplan",
    "end_passed": "Forventet slut {end} er passeret, og initiativet er ikke afsluttet",
    "overrun": "Forventet overskridelse {percent} ({amount})",
    "on_time": "Forventet slut til tiden",
    "late": "Forventet {delay} forsinket",
    "over_limit": "{reason} – over grænsen på {limit}",
    "within_tolerance": "{reason} – inden for tolerancen",
    "under_limit": "{reason} – under {limit}",
}
"""The reason of a computed traffic light (bot-owned column «Begrundelse for beregnet trafiklys»)."""

VERDICT_TEXTS: dict[str, str] = {
    "not_applicable": "Planer af typen {kind} forelægges ikke samlet til politisk behandling.",
    "no_kind": "«(ingen)»",
    "no_initiatives": "Planen har ingen initiativer.",
    "one_ready": "Planens initiativ opfylder kravene før politisk behandling.",
    "all_ready": "Alle {n} initiativer opfylder kravene før politisk behandling.",
    "failing": "{failing} af {initiatives} opfylder ikke kravene før politisk behandling.",
    "requirement_failing": "{requirement}: {initiatives} mangler.",
    "by_administration": "Pr. forvaltning: {counts}.",
    "warnings": "{warnings} bør ses igennem.",
}
"""The lines of a plan's verdict (bot-owned column «Hvad mangler (planen)»)."""

MISSING_LIST: dict[str, str] = {
    "item": "• {requirement}: {message}",
    "more": "• … og {more} mere",
}
"""The bullet list of what an initiative lacks (bot-owned column «Hvad mangler»)."""

PLURALS: dict[str, str] = {"initiativ": "initiativer", "advarsel": "advarsler", "mangel": "mangler"}


def counted(n: int, noun: str) -> str:
    """``1 initiativ``, ``3 initiativer`` (plain digits: these counts are small)."""
    return f"{n} {noun if n == 1 else PLURALS[noun]}"
