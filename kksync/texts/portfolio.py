"""The Danish words of the portfolio of larger IT projects: the status document's section and the workbook."""

from __future__ import annotations

__all__ = ["PF"]


class PF:
    """Portfolio texts (``str.format`` templates where they take values)."""

    # the status document's section
    section = "Større it-projekter"
    lead = (
        "Porteføljestyringen omfatter alle it-projekter med et samlet budget på mindst {limit}. "
        "{count} af dem hører til planens initiativer i {year}. Tallene er initiativernes status for året, "
        "som forvaltningerne har indberettet den."
    )
    lead_none = (
        "Porteføljestyringen omfatter alle it-projekter med et samlet budget på mindst {limit}. "
        "Ingen af planens initiativer har et sådant projekt i {year}."
    )
    economy = "Projekterne har et budget på {budget}, der er forbrugt {spent}, og det forventede forbrug er {forecast}."
    lights = "Samlet vurdering: grøn {green}, gul {yellow}, rød {red}, uden vurdering {none}."
    economy_none = "Ingen af projekternes initiativer har indberettet budget, forbrug eller forventet forbrug for {year}."
    shared_note = (
        "{count} projekter hører til et initiativ, der også har et andet projekt; initiativets tal er talt med "
        "én gang, under det første projekt."
    )
    without_cost_note = "{count} it-projekter under planens initiativer har intet samlet budget og indgår ikke: {keys}."
    elsewhere_note = (
        "It-projekter uden initiativ hører ikke til nogen plan; de står med deres fund i kommunens samlede "
        "porteføljeoversigt (regnearket fra «kksync report portfolio»)."
    )
    measures_caption = "Større it-projekter {year}: Statens It-råds fire målepunkter"
    economy_caption = "Større it-projekter {year}: budget, forbrug og forventet forbrug"
    admin_caption = "Større it-projekter {year} pr. forvaltning"
    project = "Projekt"
    initiative = "Initiativ"
    shared_cell = "talt under {key}"

    # the workbook
    workbook_title = "Porteføljeoversigt: større it-projekter"
    workbook_subject = "Alle it-projekter med et samlet budget på mindst {limit}, på tværs af planer og år"
    workbook_keywords = "it-projekter; portefølje; Statens It-råd"
    sheet_projects = "Projekter"
    sheet_years = "Pr. år"
    sheet_admins = "Pr. forvaltning"
    sheet_plans = "Pr. plan"
    sheet_unlinked = "Uden initiativ"
    sheet_about = "Om oversigten"
    col_year = "År"
    col_plan = "Handlingsplan"
    col_plan_title = "Planens titel"
    col_initiative_key = "Initiativ-id"
    col_initiative = "Initiativ"
    col_administration = "Forvaltning"
    col_phase = "Fase"
    col_cost = "Økonomi"
    col_schedule = "Tidsplan"
    col_benefit = "Økonomiske gevinster"
    col_nonfinancial = "Ikke-økonomiske gevinster"
    col_overall = "Samlet vurdering"
    col_computed = "Beregnet trafiklys"
    col_deviation = "Afvigelse (kr.)"
    col_note = "Bemærkning"
    col_projects = "Projekter"
    col_green = "Grønne"
    col_yellow = "Gule"
    col_red = "Røde"
    col_no_light = "Uden vurdering"
    col_unlinked = "Uden initiativ"
    col_computed_red = "Røde (beregnet)"
    col_shared = "Talt under andet projekt"
    col_finding = "Fund"
    col_item = "Oplysning"
    col_value = "Værdi"
    no_plan = "Uden initiativ"
    shared_row = "Initiativets tal er talt under {key}."
    no_status = "Initiativet har ingen status for året."
    about_title = "Titel"
    about_threshold = "Grænse for større it-projekter"
    about_source = "Data"
    about_source_value = "Synkroniseret fra SharePoint {when}"
    about_source_unknown = "Tidspunktet for synkroniseringen kendes ikke"
    about_years = "År"
    about_amounts = "Beløb"
    about_amounts_value = (
        "Kroner i løbende priser, som forvaltningerne har indberettet dem i initiativernes status for året. "
        "Budget er baseline, forbrugt er til og med statusdatoen, afvigelse er forventet forbrug minus budget."
    )
    about_totals = "Summer"
    about_totals_value = (
        "Et år ad gangen: et projekt står i hvert år af sin plans periode, så år kan ikke lægges sammen. "
        "Et initiativ med flere projekter tælles én gang."
    )
    about_without_cost = "Uden samlet budget (indgår ikke)"
    about_unlinked = "Uden initiativ"
    about_undated = "Uden år (planen har ingen periode, initiativet ingen status; står i hvert år)"
    about_count = "{count} projekter"
    none = "ingen"

    # the command line
    written = "Porteføljeoversigten ({projects} projekter, {years}) → {path}"
    out_not_xlsx = "--out skal være en fil, der ender på .xlsx (fik {path})."
    year_unknown = "Året {year} findes ikke i porteføljen; kendte år: {years}."
    help_out = "Regnearket, der skrives (en .xlsx-fil)."
    help_year = "Kun dette år (standard: alle år i porteføljen)."
    step = "Skriver porteføljeoversigt"
    help_publish = "Udgiv også regnearket i intranettets bibliotek «Publikationer»."
    published_unchanged = "uændret"
    published_version = "version {version}"
    published = "Udgivet på intranettet: {url} ({state})."
