"""The budget process in Danish: the budget calendar's dates, the rules on investment-catalogue proposals
and on initiatives continued from an earlier plan, and the proposal document's texts.

``PROPOSAL_RULE_TEXTS`` joins ``RULE_TEXTS`` (``kksync.texts.checks``); its placeholders follow the same
conventions (``{field}``/``{fields}`` are the rule's columns in «»).
"""

from __future__ import annotations

__all__ = ["MILESTONE_NAMES", "P", "PROPOSAL_GAPS", "PROPOSAL_RULE_TEXTS", "days_left"]

PROPOSAL_RULE_TEXTS: dict[str, str] = {
    "FUND-PROPOSAL-INCOMPLETE": (
        "Forslaget til investeringskataloget for budget {year} er ikke komplet: {missing} mangler. Fristen er "
        "{deadline} ({left}). Udfyld {fields}."
    ),
    "FUND-PROPOSAL-LATE": (
        "Fristen for forslag til investeringskataloget for budget {year} var {deadline}, og forslaget er stadig ikke "
        "komplet: {missing} mangler. Udfyld {fields}, og aftal med Økonomiforvaltningen, om forslaget kan nå med før "
        "budgetaftalen {agreement}."
    ),
    "DATA-CONTINUATION-MISSING": (
        "{field} peger på et initiativ, der ikke findes (element {item_id}). Vælg initiativet i den tidligere plan "
        "igen, eller ryd feltet."
    ),
    "DATA-CONTINUATION-PLAN": (
        "{field} peger på {ref} i «{other_plan}» ({other_period}), som ikke ligger før denne plan ({period}). Et "
        "initiativ kan kun fortsætte et initiativ fra en tidligere plan; ret {field}."
    ),
    "DATA-CONTINUATION-CYCLE": (
        "{field} danner en ring: {chain}. Et initiativ kan ikke fortsætte sig selv; ret {field} på et af dem."
    ),
    "DATA-CONTINUATION-DUPLICATE": (
        "{ref} fortsættes også af {others}. Et initiativ fortsætter i ét initiativ i den næste plan; ret {field}, "
        "så de ikke står dobbelt."
    ),
}

PROPOSAL_GAPS: dict[str, str] = {
    "amounts": "beløb pr. år og styringsområde",
    "summary": "ledelsesresumé",
    "npv": "nettonutidsværdi",
    "payback": "tilbagebetalingstid",
    "discount_rate": "diskonteringsrente",
    "lasting": "driftsudgifter pr. år i scenarie 0 og 1 i listen «Business casens tal pr. år» (til den varige ændring)",
    "benefit_owner": "gevinstejer",
    "risks": "væsentligste risici",
}
"""What a proposal to the investment catalogue can lack, as the rule and the document name it."""

MILESTONE_NAMES: dict[str, str] = {
    "proposal_deadline": "Frist for forslag til investeringskataloget",
    "budget_seminar": "Økonomiudvalgets budgetseminar",
    "budget_agreement": "Budgetaftale",
    "adoption": "Borgerrepræsentationens vedtagelse af budgettet",
}
"""The budget calendar's dates (keys are ``kksync.checks.budget_calendar.Milestone`` values)."""


def days_left(days: int) -> str:
    """``i dag``, ``om 1 dag``, ``om 12 dage``."""
    if days == 0:
        return "i dag"
    return f"om {days} dag" if days == 1 else f"om {days} dage"


class P:
    """Texts of the document «Forslag til investeringskataloget»."""

    title = "Forslag til investeringskataloget, budget {year}: {plan}"
    keywords = "investeringskatalog; budget {year}"
    calendar = "Budgetkalender for budget {year}"
    calendar_caption = "Budgetprocessens datoer for budget {year}"
    calendar_missing = (
        "Governance-filen har ingen budgetkalender for budget {year}, så dokumentet kan ikke angive frister og "
        "prisniveau. Tilføj [budget_calendar.years.{year}] i governance-filen."
    )
    milestone = "Milepæl"
    day = "Dato"
    intro = (
        "Dokumentet samler planens forslag til investeringskataloget for budget {year}: de initiativer, der helt "
        "eller delvis finansieres af «{source}». Beløbene står i 1.000 kr. pr. år og pr. styringsområde (service "
        "og anlæg), som forvaltningerne har angivet dem i listen «{list}». Budgetkalenderen beder om dem i "
        "{price_level}; kksync omregner ikke mellem prisniveauer."
    )
    intro_no_price = (
        "Dokumentet samler planens forslag til investeringskataloget for budget {year}: de initiativer, der helt "
        "eller delvis finansieres af «{source}». Beløb er i 1.000 kr. pr. år og pr. styringsområde (service og "
        "anlæg), som forvaltningerne har angivet dem i listen «{list}»; prisniveauet er ikke angivet."
    )
    rounding = "Beløbene er afrundet til hele 1.000 kr.; summer kan derfor afvige med afrundingen."
    overview = "Oversigt over forslagene"
    proposals_heading = "Forslagene"
    overview_caption = "Forslag til investeringskataloget, budget {year} (1.000 kr.)"
    none = "Planen har ingen initiativer, der søger midler fra «{source}»."
    summary_counts = "{count} forslag, heraf {complete} komplette og {incomplete} med mangler."
    deadline_line = "Forslagene er opgjort {date}; fristen for forslag {tense} {deadline}."
    deadline_ahead = "er"
    deadline_passed = "var"
    initiative = "Initiativ"
    total_period = "I alt"
    complete = "Komplet"
    yes = "Ja"
    no = "Nej"
    amounts = "Beløb"
    other_budget = "Forslaget gælder budget {year} (fristen for forslag er {deadline})."
    amounts_caption = "{name}: beløb i 1.000 kr.{price}"
    price_suffix = ", {price_level}"
    category = "Styringsområde"
    lasting = "Varig ændring"
    total = "I alt"
    lasting_text = (
        "Varig ændring efter perioden: {amount} (1.000 kr. pr. år, service), business casens nettoændring i år "
        "{year}: driftsudgifter i scenarie 1 minus scenarie 0 minus økonomiske gevinster. Et negativt tal er en "
        "varig besparelse."
    )
    lasting_missing = "Varig ændring efter perioden: kan ikke opgøres, fordi business casen mangler driftsudgifter pr. år."
    other_funding = "Øvrig finansiering af initiativet (andre kilder end investeringskataloget): {amount}."
    key_figures_lead = "Business casens nøgletal:"
    status_complete = "Forslaget er komplet."
    status_incomplete = "Forslaget er ikke komplet: {missing} mangler."
    agreement = "Aftalestatus for beløbene: {states}."
    amount_lines_without = "Linjer uden år, styringsområde eller beløb indgår ikke i tabellen: {count}."
    draft_marking = "UDKAST – {count} forslag er ikke komplette"
    history = "Statushistorik på tværs af planer"
    history_intro = "Initiativet fortsætter {chain}. Statusser fra alle planerne:"
    history_caption = "{name}: status pr. år på tværs af planer"
    plan = "Handlingsplan"
    year = "Statusår"
    reported_light = "Rapporteret trafiklys"
