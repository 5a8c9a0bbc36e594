"""What the budget office and the committee read about a budget-frame scenario (CLI, JSON, documents)."""

from __future__ import annotations

__all__ = ["SCENARIO_TEXTS", "scenario_text"]

SCENARIO_TEXTS: dict[str, str] = {
    # --- findings about the input -----------------------------------------------------------------
    "note_no_figures": (
        "{key} «{title}» har hverken finansieringslinjer med beløb pr. år eller investeringstal i business casen, "
        "så det kan ikke indgå i scenariet. Udfyld Finansiering (kilde, år, beløb) eller business casens «Investering» pr. år."
    ),
    "note_unreadable_lines": (
        "{key} «{title}»: {count} finansieringslinje(r) fra investeringspuljen mangler år eller beløb og tælles ikke med."
    ),
    "note_no_source": (
        "{key} «{title}» har finansieringslinjer uden finansieringskilde, så det vides ikke, om det trækker på "
        "investeringspuljen; det indgår ikke i scenariet. Angiv kilden."
    ),
    "note_npv_stated": (
        "{key} «{title}»: nettonutidsværdien kan ikke genberegnes (business casens årstal eller diskonteringsrenten "
        "mangler), så den oplyste bruges."
    ),
    "note_no_npv": (
        "{key} «{title}» har ingen nettonutidsværdi (hverken oplyst eller til at beregne). Det kan følge "
        "prioriteringen, men optimeringen kan ikke regne med en værdi og vælger det ikke."
    ),
    "note_from_business_case": (
        "{key} «{title}» har ingen finansieringslinjer; business casens investering pr. år bruges som dets træk på rammen."
    ),
    # --- why an initiative is not in the scenario -------------------------------------------------
    "outside_funded_elsewhere": "finansieres uden for investeringspuljen ({sources})",
    "outside_no_figures": "ingen beløb pr. år at regne med",
    "outside_no_source": "finansieringskilde mangler",
    # --- why a method did not take an initiative --------------------------------------------------
    "overrun": "{year}: ønsker {ask}, {left} tilbage af rammen – {over} for meget",
    "why_over_frame": "passer ikke i rammen – {overruns}",
    "why_over_frame_alone": "overstiger alene rammen – {overruns}",
    "why_not_positive": "nettonutidsværdien er ikke positiv ({npv}), så den lægger intet til",
    "why_no_npv": "ingen nettonutidsværdi at regne med",
    "why_less_value": "rammerne giver mere nettonutidsværdi brugt på de valgte initiativer",
    "why_less_value_years": "rammerne giver mere nettonutidsværdi brugt på de valgte initiativer (ville ikke passe: {overruns})",
    # --- the solver -------------------------------------------------------------------------------
    "solver_not_optimal": (
        "Optimeringen fandt ikke bevist det bedste sæt (HiGHS: {status}; tidsgrænse {seconds} s). Scenariet viser "
        "kun prioriteringsrækkefølgen. Hæv scenarios.time_limit_seconds eller scenarios.optimum_gap_pct i governance-filen."
    ),
    "solver_not_integral": "Optimeringen gav et svar, der ikke er et rent til- eller fravalg; scenariet viser kun prioriteringsrækkefølgen.",
    "solver_over_frame": "Optimeringens svar overholder ikke rammen for {year} (afrundingsfejl); scenariet viser kun prioriteringsrækkefølgen.",
    # --- summary sentences --------------------------------------------------------------------------
    "method_rank": "Efter prioritering",
    "method_optimum": "Største nettonutidsværdi",
    "no_frame": "ingen ramme",
    "years_without_frame": "Der er ikke angivet en ramme for {years}; beløb i de år begrænser intet og vises kun.",
    "ranking_cost": (
        "At følge prioriteringen koster {cost} i nettonutidsværdi: {rank} mod {optimum} for det bedste sæt inden for "
        "de samme rammer."
    ),
    "ranking_cost_none": "At følge prioriteringen koster intet: det giver lige så stor nettonutidsværdi ({rank}) som det bedste sæt.",
    "ranking_unknown": "{count} af de prioriterede valg har ingen kendt nettonutidsværdi og tæller med 0 kr.",
    "gap": (
        "Det bedste sæt er bevist inden for {gap} eller 1 kr. af det bedst mulige (HiGHS); "
        "ingen udvælgelse inden for rammerne giver mere end {bound}"
    ),
    "exact": (
        "Det bedste sæt er bevist optimalt (HiGHS, på 1 kr. nær): ingen udvælgelse inden for rammerne giver mere "
        "end {bound}"
    ),
    "no_candidates": "Ingen initiativer i planen har beløb pr. år, der trækker på investeringspuljen.",
    "counts": "{candidates} initiativer indgår i scenariet; {outside} indgår ikke (se nedenfor).",
    # --- the readiness document's section -----------------------------------------------------------
    "doc_heading": "Budgetrammer: hvad passer inden for investeringsrammen?",
    "doc_intro": (
        "Investeringsrammen pr. år holdes op mod det, initiativerne beder investeringspuljen om (finansieringslinjer "
        "fra «Investeringspulje/investeringskatalog», ellers business casens investering). To udvælgelser inden for "
        "de samme rammer: efter den politiske prioritering (i rækkefølge; det, der ikke passer, fortrænges, og senere "
        "initiativer, der passer, tages stadig), og det sæt, der giver størst samlet nettonutidsværdi."
    ),
    "doc_years_caption": "Rammer og forbrug pr. år",
    "doc_choice_caption": "Initiativerne i begge udvælgelser",
    "doc_outside_heading": "Initiativer uden for scenariet",
    "doc_outside_caption": "Initiativer der ikke indgår i scenariet",
    "doc_notes_heading": "Forbehold ved tallene",
    "col_year": "År",
    "col_frame": "Ramme",
    "col_use_rank": "Brugt efter prioritering",
    "col_use_optimum": "Brugt af bedste sæt",
    "col_initiative": "Initiativ",
    "col_rank": "Prioritet",
    "col_ask": "Ønsket i alt",
    "col_npv": "Nettonutidsværdi",
    "col_by_rank": "Efter prioritering",
    "col_optimum": "Bedste sæt",
    "col_why": "Begrundelse",
    "col_reason": "Hvorfor ikke med",
    "chosen": "valgt",
    "not_chosen": "fravalgt",
    "displaced": "fortrængt",
    "unranked": "uden prioritet",
    "npv_stated_mark": "{npv} (oplyst)",
    "total": "I alt (kendt nettonutidsværdi)",
    # --- the command line -----------------------------------------------------------------------------
    "frame_invalid": (
        "--frame {value!r} forstås ikke. Skriv år=beløb i hele kroner, fx --frame 2013=40000000 "
        "(punktummer som tusindtalsskilletegn er tilladt: 2013=40.000.000)."
    ),
    "frame_twice": "Året {year} har fået to rammer (--frame). Angiv hvert år én gang.",
    "no_frames": (
        "Der er ingen investeringsramme for planen {plan}. Angiv den med --frame ÅR=BELØB (fx --frame 2013=40000000) "
        "eller i governance-filen under [scenarios.plans.\"{plan}\".frames] (eller [scenarios.frames] for alle fælles planer)."
    ),
    "help_frame": "Investeringsrammen for et år i kr., fx --frame 2013=40000000 (kan gentages; erstatter governance-filens rammer).",
    "cli_years_title": "Ramme og forbrug pr. år – {plan}",
    "cli_choice_title": "Initiativerne – {plan}",
    "cli_outside_title": "Uden for scenariet",
    "cli_col_rank": "Prio.",
    "cli_col_npv": "NNV",
    "cli_col_by_rank": "Efter prio.",
    "cli_stated_mark": "NNV: nettonutidsværdi, genberegnet fra business casens årstal; * den oplyste (kan ikke genberegnes).",
    "cli_reasons_title": "Hvorfor fortrængt eller fravalgt",
    "cli_notes_title": "Forbehold",
    "frames_from": "Rammer fra {source}.",
    "source_cli": "kommandolinjen (--frame)",
    "source_governance": "governance-filen",
}


def scenario_text(name: str, /, **values: object) -> str:
    return SCENARIO_TEXTS[name].format(**values)
