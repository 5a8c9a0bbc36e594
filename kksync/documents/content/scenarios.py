"""The readiness document's section on budget frames: both selections side by side (pure).

Built from a ``Scenario`` computed by the service (the solver is not called from the content model);
every sentence comes from ``kksync.checks.scenario_words``, so the document says what the CLI says.
"""

from __future__ import annotations

from kksync.checks.scenario_words import choice_word, note_text, npv_text, outside_text, reason_cell, summary_lines
from kksync.checks.scenarios import Scenario
from kksync.core import fmt
from kksync.documents.content.model import BulletList, Column, Document, Paragraph, Table
from kksync.texts.scenarios import scenario_text

__all__ = ["add_scenario_section"]


def add_scenario_section(doc: Document, scenario: Scenario) -> None:
    section = doc.section(scenario_text("doc_heading"))
    section.add(Paragraph(scenario_text("doc_intro")))
    for line in summary_lines(scenario):
        section.add(Paragraph(line))
    section.add(Paragraph(scenario_text("counts", candidates=fmt.number(len(scenario.candidates)),
                                        outside=fmt.number(len(scenario.outside)))))
    best = scenario.optimum.selection if scenario.optimum is not None else None
    rows = tuple(
        (str(year), fmt.kr(scenario.frame(year)) if year in scenario.frames else scenario_text("no_frame"),
         fmt.kr(scenario.by_rank.use.get(year, 0)), fmt.kr(best.use.get(year, 0)) if best is not None else "–")
        for year in scenario.years
    )
    section.add(Table(scenario_text("doc_years_caption"), (
        Column(scenario_text("col_year"), width=0.8), Column(scenario_text("col_frame"), True, 1.6),
        Column(scenario_text("col_use_rank"), True, 1.6), Column(scenario_text("col_use_optimum"), True, 1.6)), rows))
    choices = tuple(
        (f"{c.key} {c.title}".strip(), str(c.rank) if c.rank is not None else scenario_text("unranked"),
         fmt.kr(c.total), npv_text(c), choice_word(scenario.by_rank, c), choice_word(best, c), reason_cell(scenario, c))
        for c in scenario.candidates
    )
    total = (scenario_text("total"), "", "", "", fmt.kr(scenario.by_rank.npv), fmt.kr(best.npv) if best else "–", "")
    section.add(Table(scenario_text("doc_choice_caption"), (
        Column(scenario_text("col_initiative"), width=2.0), Column(scenario_text("col_rank"), True, 0.8),
        Column(scenario_text("col_ask"), True, 1.3), Column(scenario_text("col_npv"), True, 1.3),
        Column(scenario_text("col_by_rank"), width=1.0), Column(scenario_text("col_optimum"), width=0.9),
        Column(scenario_text("col_why"), width=3.8)), (*choices, total)))
    if scenario.outside:
        sub = section.sub(scenario_text("doc_outside_heading"))
        sub.add(Table(scenario_text("doc_outside_caption"), (
            Column(scenario_text("col_initiative"), width=3.0), Column(scenario_text("col_rank"), True, 0.9),
            Column(scenario_text("col_reason"), width=4.0)),
            tuple((f"{o.key} {o.title}".strip(), str(o.rank) if o.rank is not None else scenario_text("unranked"),
                   outside_text(o)) for o in scenario.outside)))
    if scenario.notes:
        sub = section.sub(scenario_text("doc_notes_heading"))
        sub.add(BulletList(tuple(note_text(n) for n in scenario.notes)))
