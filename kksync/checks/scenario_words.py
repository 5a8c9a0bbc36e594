"""A scenario's findings and reasons in Danish, the same words in the CLI, the JSON and the documents (pure)."""

from __future__ import annotations

from collections.abc import Iterable

from kksync.checks.scenarios import Candidate, Displaced, Outside, Overrun, Scenario, ScenarioNote, Selection
from kksync.core import fmt
from kksync.core.fmt import and_list
from kksync.texts.scenarios import scenario_text

__all__ = ["choice_word", "gap_text", "note_text", "npv_text", "outside_text", "reason_cell", "summary_lines", "why_text"]


def gap_text(gap_pct: float) -> str:
    """``0,01 %``: the gap as written in the governance file, without trailing zeros."""
    return f"{gap_pct:g} %".replace(".", ",")


def note_text(note: ScenarioNote) -> str:
    return scenario_text(f"note_{note.code}", key=note.key, title=note.title, **note.values)


def outside_text(outside: Outside) -> str:
    return scenario_text(f"outside_{outside.reason}", sources=", ".join(outside.sources))


def _overruns(items: Iterable[Overrun]) -> str:
    return and_list([scenario_text("overrun", year=o.year, ask=fmt.kr(o.ask), left=fmt.kr(o.left),
                                   over=fmt.kr(o.over)) for o in items])


def why_text(displaced: Displaced) -> str:
    c = displaced.candidate
    if displaced.why in ("over_frame", "too_big"):
        key = "why_over_frame" if displaced.why == "over_frame" else "why_over_frame_alone"
        return scenario_text(key, overruns=_overruns(displaced.overruns))
    if displaced.why == "not_positive":
        return scenario_text("why_not_positive", npv=fmt.kr(c.npv))
    if displaced.why == "no_npv":
        return scenario_text("why_no_npv")
    if displaced.overruns:
        return scenario_text("why_less_value_years", overruns=_overruns(displaced.overruns))
    return scenario_text("why_less_value")


def npv_text(candidate: Candidate) -> str:
    shown = fmt.kr(candidate.npv)
    return scenario_text("npv_stated_mark", npv=shown) if candidate.npv_source == "stated" else shown


def choice_word(selection: Selection | None, candidate: Candidate) -> str:
    if selection is None:
        return "–"
    if any(c is candidate for c in selection.chosen):
        return scenario_text("chosen")
    return scenario_text("displaced" if selection.method == "rank" else "not_chosen")


def summary_lines(scenario: Scenario) -> list[str]:
    """The sentences that say what the scenario shows: the cost of the ranking, the gap, unframed years."""
    lines: list[str] = []
    if not scenario.candidates:
        lines.append(scenario_text("no_candidates"))
    unframed = [y for y in scenario.years if y not in scenario.frames]
    if unframed:
        lines.append(scenario_text("years_without_frame", years=and_list([str(y) for y in unframed])))
    rank = scenario.by_rank
    if scenario.optimum is None:
        if scenario.problem:
            lines.append(scenario.problem)
    else:
        best = scenario.optimum.selection
        cost = scenario.ranking_cost or 0.0
        if round(cost) >= 1:
            lines.append(scenario_text("ranking_cost", cost=fmt.kr(cost), rank=fmt.kr(rank.npv), optimum=fmt.kr(best.npv)))
        else:
            lines.append(scenario_text("ranking_cost_none", rank=fmt.kr(rank.npv)))
        if scenario.optimum.gap_pct:
            lines.append(scenario_text("gap", gap=gap_text(scenario.optimum.gap_pct),
                                       bound=fmt.kr(scenario.optimum.bound)))
        else:
            lines.append(scenario_text("exact", bound=fmt.kr(scenario.optimum.bound)))
    if rank.unknown_npv:
        lines.append(scenario_text("ranking_unknown", count=len(rank.unknown_npv)))
    return lines


def _reason(selection: Selection | None, candidate: Candidate) -> str:
    if selection is None:
        return ""
    found = next((d for d in selection.displaced if d.candidate is candidate), None)
    return why_text(found) if found is not None else ""


def reason_cell(scenario: Scenario, candidate: Candidate) -> str:
    """Why either method left the initiative out, each reason after its method's name."""
    best = scenario.optimum.selection if scenario.optimum is not None else None
    parts = [f"{scenario_text(name)}: {text}" for name, text in (
        ("method_rank", _reason(scenario.by_rank, candidate)), ("method_optimum", _reason(best, candidate))) if text]
    return "; ".join(parts)
