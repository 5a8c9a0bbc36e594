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

    # titles
    status_title = "Status på implementering {year}"
    readiness_title = "Klar til politisk behandling?"
    plan_title = "{title}"

    # status document
    summary = "Sammenfatning"
    summary_text = (
        "Handlingsplanen «{plan}» har {count} initiativer. Statusår {year}, opgjort {date}. "
        "Samlet budget {budget}, forbrugt {spent}, forventet forbrug {forecast}."
    )
    summary_lights = "Rapporterede trafiklys: {green} grønne, {yellow} gule, {red} røde og {none} uden vurdering."
    summary_computed = "Beregnede trafiklys: {green} grønne, {yellow} gule, {red} røde og {none} uden beregning."
    summary_differs = "For {count} initiativer afviger det beregnede trafiklys fra det rapporterede."
    by_focus_area = "Status pr. indsatsområde"
    by_administration = "Status pr. forvaltning"
    lights_over_time = "Trafiklys over tid"
    changes = "Ændringer siden sidste status"
    no_previous = "Der er ingen tidligere status at sammenligne med."
    no_changes = "Der er ingen ændringer siden statussen {date}."
    changes_since = "Sammenlignet med statussen {date}."
    added = "Nye initiativer"
    removed = "Udgået af planen"
    closed = "Afsluttede initiativer"
    reranked = "Omprioriterede initiativer"
    refunded = "Ændret finansiering"
    owner_changed = "Ny projektejer"
    status_changed = "Ændret status"
    rank_change = "{name}: prioritet {old} → {new}"
    funding_change = "{name}: {old} → {new}"
    owner_change = "{name}: {old} → {new}"
    status_change = "{name}: {old} → {new}"
    initiatives = "Initiativerne"
    milestones = "Milepæle"
    no_milestones = "Der er ingen milepæle."
    no_initiatives = "Planen har endnu ingen initiativer."
    unranked = "uden prioritet"
    without_focus_area = "Uden indsatsområde"
    without_administration = "Uden forvaltning"
    reported_light = "Rapporteret trafiklys"
    computed_light = "Beregnet trafiklys"
    light_reason = "Begrundelse"
    no_light = "Uden vurdering"
    initiatives_count = "Initiativer"
    budget = "Budget"
    spent = "Forbrugt"
    forecast = "Forventet forbrug"
    focus_area = "Indsatsområde"
    administration = "Forvaltning"
    year = "År"
    status_year_missing = "Der er ikke rapporteret status for {year}."
    chart_admin_title = "Rapporterede trafiklys pr. forvaltning"
    chart_admin_alt = "Søjlediagram over antal initiativer pr. forvaltning fordelt på rapporteret trafiklys. {detail}"
    chart_focus_title = "Budget og forventet forbrug pr. indsatsområde (mio. kr.)"
    chart_focus_alt = "Søjlediagram over budget og forventet forbrug i mio. kr. pr. indsatsområde. {detail}"
    chart_time_title = "Rapporterede trafiklys pr. statusår"
    chart_time_alt = "Kurvediagram over antal initiativer med grønt, gult og rødt trafiklys pr. statusår. {detail}"
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
    ready = "Planen er klar til politisk behandling."
    not_ready = "Planen er ikke klar til politisk behandling: {errors} mangler skal rettes ({warnings} advarsler)."
    not_applicable = "Kravene før politisk behandling gælder ikke for denne plan ({kind})."
    no_verdict = "Planen er ikke tjekket endnu; den regnes derfor ikke som klar."
    reasons = "Begrundelse"
    per_administration = "Mangler pr. forvaltning"
    per_requirement = "Mangler pr. krav"
    requirement = "Krav"
    missing_items = "Initiativernes mangler"
    missing_item = "Hvad mangler"
    severity = "Alvor"
    no_findings = "Ingen mangler"
    ranked_list = "Den prioriterede liste"
    initiative = "Initiativ"
    is_ready = "Klar"
    plan_findings = "Planen som helhed"

    # action plan
    about_plan = "Om handlingsplanen"
    ranked_initiatives = "Prioriterede initiativer"
    business_case = "Business case"
    key_figures = "Nøgletal fra business cases"
    funding = "Finansiering"
    funding_table = "Finansiering pr. år og kilde"
    funding_of = "Finansiering af {name}"
    no_funding = "Der er ikke registreret finansiering."
    source = "Kilde"
    focus_areas = "Indsatsområder"
    plan_kind = "Plantype"
    stage = "Stadie"
    approved = "Godkendt"
    contributes_to = "Bidrager til"
