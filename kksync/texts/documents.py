"""Every Danish word the documents show that is not a column's display name.

Labels of model fields are the columns' display names in ``kksync.core.schema``, read through
``kksync.documents.content.common.label()``; this module holds the rest: titles, section headings,
sentences and chart texts.
"""

from __future__ import annotations

__all__ = ["MISSING", "ORGANISATION", "T"]

ORGANISATION = "Københavns Kommune · It-chefforum"
# Also what ``kksync.core.fmt`` prints for a value that is not there.
MISSING = "ikke angivet"


class T:
    """Danish document texts (``str.format`` templates where they take values)."""

    organisation = ORGANISATION
    missing = MISSING
    none = "ingen"
    yes = "Ja"
    no = "Nej"
    total = "I alt"
    draft_marking = "UDKAST – ikke klar til politisk behandling"
    status_date = "Statusdato: {date}"
    plan_period = "Periode: {start} – {end}"
    truncated_note = "(teksten er afkortet)"

    listed_below = "se nedenfor."

    # titles
    status_title = "Status på implementering {year}: {plan}"
    readiness_title = "Klar til politisk behandling?"
    readiness_doc_title = "Klar til politisk behandling? {plan}"
    plan_title = "{title}"

    # status document
    indstilling = "Indstilling"
    indstilling_lead = "It-chefforum indstiller, at Økonomiudvalget"
    indstilling_take_note = "tager status for implementeringen af «{plan}» for statusåret {year}, opgjort {date}, til efterretning"
    indstilling_red = "noterer, at {count} initiativer har rødt trafiklys (rapporteret eller beregnet), jf. resuméet"
    resume = "Resumé"
    resume_text = (
        "Handlingsplanen «{plan}» har {count} initiativer. Statusår {year}, opgjort {date}: "
        "{running} er i gang, {not_started} er ikke påbegyndt, og {completed} er afsluttet."
    )
    resume_economy = "Samlet budget (baseline) {budget}, forbrugt {spent} og forventet forbrug {forecast}."
    price_level = "Alle beløb er i løbende priser, som forvaltningerne har indberettet dem."
    # "grøn 1" rather than "1 grønne": the count stands after the colour, so the adjective never disagrees with it.
    summary_lights = "Rapporterede trafiklys (samlet vurdering): grøn {green}, gul {yellow}, rød {red}, uden vurdering {none}."
    summary_computed = (
        "Beregnede trafiklys efter Statens It-råds grænser for økonomi og tidsplan: grøn {green}, gul {yellow}, "
        "rød {red}, uden beregning {none}."
    )
    flagged_title = "Initiativer med rødt eller gult trafiklys ({count})"
    flagged = "{name}: rapporteret {reported}, beregnet {computed}. {reason}."
    differs_title = "Beregnet trafiklys afviger fra det rapporterede ({count})"
    differs_item = "{name}: rapporteret {reported}, beregnet {computed}"
    overdue_title = "Overskredne milepæle ({count})"
    overdue_item = "{name}: «{title}» skulle være nået {due}"
    by_focus_area = "Status pr. indsatsområde"
    focus_double_count = (
        "{count} initiativer hører til flere indsatsområder og tæller med under hvert af dem; rækkerne summer derfor "
        "til mere end planens total, som står i sidste række med hvert initiativ talt én gang."
    )
    plan_total_once = "Planen i alt (hvert initiativ én gang)"
    by_administration = "Status pr. forvaltning"
    by_administration_caption = "Initiativer og rapporterede trafiklys pr. forvaltning"
    admin_with_code = "{name} ({code})"
    lights_over_time = "Trafiklys over tid"
    changes = "Ændringer siden statusår {year}"
    changes_years_title = "Fase og trafiklys: statusår {year} mod {previous}"
    changes_records_title = "Prioritering, finansiering og projektejer"
    changes_years = "Fase og rapporteret trafiklys i statusår {year} sammenlignet med statusår {previous}."
    no_year_changes = "Ingen initiativer har ændret fase eller rapporteret trafiklys fra statusår {previous} til {year}."
    first_status = "Første status i år ({count})"
    closed = "Afsluttet i år ({count})"
    phase_changed = "Ændret fase ({count})"
    light_changed = "Ændret rapporteret trafiklys ({count})"
    unreported = "Ingen status i år, men status sidste år ({count})"
    no_previous = (
        "Der er intet tidligere øjebliksbillede af planen, så ændringer i prioritering, finansiering og projektejer "
        "kan ikke opgøres."
    )
    no_record_changes = "Prioritering, finansiering og projektejer er uændrede siden øjebliksbilledet {date}."
    record_changes = "Prioritering, finansiering og projektejer sammenlignet med øjebliksbilledet {date}."
    added = "Nye initiativer ({count})"
    removed = "Udgået af planen ({count})"
    reranked = "Omprioriterede initiativer ({count})"
    refunded = "Ændret finansiering ({count})"
    owner_changed = "Ny projektejer ({count})"
    change = "{name}: {old} → {new}"
    running = "Igangværende initiativer ({count})"
    not_started = "Ikke påbegyndte initiativer ({count})"
    completed = "Afsluttede initiativer ({count})"
    none_running = "Ingen initiativer er i gang."
    none_not_started = "Alle initiativer er påbegyndt."
    none_completed = "Ingen initiativer er afsluttet endnu."
    milestones = "Milepæle"
    milestones_of = "Milepæle pr. {date}: {name}"
    milestone_state = "Status"
    milestone_reached = "Nået"
    milestone_overdue = "Overskredet"
    milestone_planned = "Planlagt"
    not_reached = "ikke nået"
    overdue_note = "{count} milepæle er overskredet pr. {date} (markeret «Overskredet» i tabellen)."
    no_milestones = "Der er ingen milepæle."
    no_initiatives = "Planen har endnu ingen initiativer."
    no_status_for_year = "Der er ikke rapporteret status for statusåret."
    unranked = "uden prioritet"
    rank_of = "{rank} af {n}"
    without_focus_area = "Uden indsatsområde"
    without_administration = "Uden forvaltning"
    measures_caption = "Statens It-råds fire mål og den samlede vurdering"
    measure = "Mål"
    measure_cost = "Projektomkostninger"
    measure_schedule = "Tidsplan"
    measure_benefits = "Økonomiske gevinster"
    measure_nonfinancial = "Ikke-økonomiske gevinster"
    measure_overall = "Samlet vurdering"
    reported = "Rapporteret"
    computed = "Beregnet"
    not_computed = "beregnes ikke"
    no_computed_light = "intet lys"
    benefits_not_computed = "Gevinster rapporteres af forvaltningen; listerne har ingen realiserede gevinster at beregne ud fra"
    no_status_reason = "Ingen status at beregne ud fra"
    reported_light = "Rapporteret trafiklys"
    computed_light = "Beregnet trafiklys"
    light_reason = "Begrundelse"
    no_light = "Uden vurdering"
    initiatives_count = "Initiativer"
    budget = "Budget"
    budget_baseline = "Budget (baseline)"
    spent = "Forbrugt"
    forecast = "Forventet forbrug"
    deviation = "Forventet afvigelse fra budget"
    focus_area = "Indsatsområde"
    administration = "Forvaltning"
    year = "År"
    status_year_missing = "Der er ikke rapporteret status for {year}."
    chart_admin_title = "Rapporterede trafiklys pr. forvaltning"
    chart_admin_alt = (
        "Stablet liggende søjlediagram over antal initiativer pr. forvaltning fordelt på rapporteret trafiklys. {detail}"
    )
    chart_focus_title = "Budget og forventet forbrug pr. indsatsområde (mio. kr.)"
    chart_focus_alt = "Liggende søjlediagram over budget og forventet forbrug i mio. kr. pr. indsatsområde. {detail}"
    chart_time_title = "Rapporterede trafiklys pr. statusår"
    chart_time_alt = "Søjlediagram over antal initiativer med grønt, gult og rødt trafiklys pr. statusår. {detail}"
    chart_data_caption = "Tal bag diagrammet: {title}"
    chart_focus_detail = "{count} indsatsområder."
    chart_over_budget = "Forventet forbrug over budget: {titles}."
    chart_admin_detail = "{initiatives} initiativer i {administrations} forvaltninger."
    chart_time_detail = "Statusår {first}–{last}."
    chart_numbers_below = "Tallene står i tabellen efter diagrammet."
    mio_kr = "mio. kr."
    count = "Antal"

    # readiness
    verdict = "Konklusion"
    ready = "Planen er klar til politisk behandling: alle initiativer opfylder de fem krav."
    not_ready_counts = (
        "Planen er ikke klar til politisk behandling: {failing} af {initiatives} initiativer opfylder ikke kravene. "
        "De har tilsammen {findings} mangler, der skal rettes, fordelt på {pairs} kombinationer af initiativ og krav."
    )
    plan_level_count = "Hertil kommer {count} mangler ved planen som helhed."
    warnings_count = "{count} forhold bør rettes, men hindrer ikke politisk behandling."
    not_applicable = "Kravene før politisk behandling gælder ikke for denne plan ({kind})."
    no_verdict = "Planen er ikke tjekket endnu; den regnes derfor ikke som klar."
    stage_line = "Planens stadie er «{stage}»; forventet politisk behandling: {date}."
    decision_passed = (
        "Bemærk: Den forventede politiske behandling {date} ligger før statusdatoen {status_date}, men planen står "
        "stadig som «Klar til politisk behandling». Stadiet eller datoen skal rettes."
    )
    overview = "Overblik"
    per_administration = "Initiativer og mangler pr. forvaltning"
    per_requirement = "Initiativer, der ikke opfylder hvert krav"
    col_initiatives = "Initiativer i planen"
    col_failing = "Initiativer med mangler"
    col_findings = "Mangler, der skal rettes"
    col_failing_requirement = "Initiativer, der ikke opfylder kravet"
    total_pairs = "I alt (initiativ × krav)"
    counts_explained = (
        "Et initiativ, der ikke opfylder to krav, tæller én gang blandt initiativerne med mangler og to gange i "
        "tabellen over krav. Et krav kan have flere mangler (fx både prioritet og dato)."
    )
    requirement = "Krav"
    missing_items = "Mangler pr. forvaltning"
    missing_items_intro = (
        "Hver forvaltning har sit eget afsnit med sine initiativer og hvad de mangler. «Skal rettes» hindrer politisk "
        "behandling; «Bør rettes» gør ikke."
    )
    admin_summary = "{count}, heraf {failing} med mangler ({findings}, der skal rettes)."
    findings_of = "Mangler: {admin}"
    at_gate = "Ved politisk behandling"
    must_fix = "Skal rettes"
    should_fix = "Bør rettes"
    for_information = "Til orientering"
    missing_item = "Hvad mangler"
    no_findings = "Opfylder kravene"
    no_plan_findings = "Der er ingen mangler ved planen som helhed."
    ranked_list = "Den prioriterede liste"
    initiative = "Initiativ"
    is_ready = "Opfylder kravene"
    plan_findings = "Planen som helhed"

    # action plan
    introduction = "Indledning"
    intro_text = (
        "«{title}» er en {kind} under Københavns Kommunes it-strategi 2010–2014, {period}. Planen omfatter {count} "
        "initiativer, indbyrdes prioriteret af It-chefforum, med en samlet investering på {invest} ifølge "
        "business casene og en samlet finansiering på {funded}."
    )
    intro_requirements = (
        "Før planen forelægges Økonomiudvalget, skal hvert initiativ være prioriteret, have en godkendt business case, "
        "en placeret ansvarlig og aftaler om finansiering og gennemførelse."
    )
    intro_ready = "Alle initiativer opfylder de fem krav."
    intro_not_ready = (
        "Ikke alle initiativer opfylder de fem krav endnu; dokumentet er derfor et udkast. Se dokumentet "
        "«Klar til politisk behandling?» for hvad der mangler."
    )
    ranked_initiatives = "Prioriterede initiativer"
    plan_economy = "Planens økonomi"
    economy_intro = "Business casenes tal pr. år for alle planens initiativer og den aftalte finansiering, i mio. kr."
    economy_table = "Planens økonomi pr. år (mio. kr.)"
    economy_by_focus = "Investering pr. indsatsområde"
    business_case = "Business case"
    business_case_of = "Business case for {key}"
    key_figures = "Nøgletal fra business cases"
    figures_of = "Business casens tal pr. år: {name}"
    no_figures = "Business casen har ingen tal pr. år."
    funding = "Finansiering"
    funding_table = "Finansiering pr. år og kilde (mio. kr.)"
    funding_of_title = "Finansiering af {key}"
    funding_of = "Finansiering af {name} (mio. kr.)"
    agreements_of = "Finansieringsaftaler: {name}"
    agreement_overview = "Finansieringsaftalernes status"
    lines_count = "Aftalelinjer"
    amount = "Beløb"
    year_missing = "Uden år"
    no_funding = "Der er ikke registreret finansiering."
    delivery_period = "Gennemførelse"
    initiatives_title = "Initiativerne"
    focus_areas = "Indsatsområder"
    contributes_to = "Bidrager til"
