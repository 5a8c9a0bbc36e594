"""``kksync scenario``: which initiatives fit the investment frame by the ranking, and the NPV-best set beside it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click import exceptions as click

from kksync.cli_output import FormatOpt, OutputFormat, add_row, clean, emit_json, make_table, out, say, styled
from kksync.texts.cli import HELP
from kksync.texts.scenarios import scenario_text

if TYPE_CHECKING:
    from kksync.checks.scenarios import Candidate, Scenario, Selection

__all__ = ["mount", "parse_frames"]

_FRAME = re.compile(r"(?P<year>[0-9]{4})=(?P<amount>[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)")
_MAX = Decimal("999999999999")


def parse_frames(values: list[str]) -> dict[int, Decimal]:
    """``2013=40000000`` or ``2013=40.000.000`` (whole kroner, dots only as thousands separators), each year once."""
    frames: dict[int, Decimal] = {}
    for value in values:
        match = _FRAME.fullmatch(value.strip().replace(" ", ""))
        year = int(match["year"]) if match else 0
        amount = Decimal(match["amount"].replace(".", "")) if match else Decimal(-1)
        if match is None or not 2000 <= year <= 2100 or amount > _MAX:
            raise click.UsageError(scenario_text("frame_invalid", value=clean(value, 80, one_line=True)))
        if year in frames:
            raise click.UsageError(scenario_text("frame_twice", year=year))
        frames[year] = amount
    return dict(sorted(frames.items()))


def _by_key(selection: Selection | None) -> dict[int, Any]:
    return {} if selection is None else {id(d.candidate): d for d in selection.displaced}


def scenario_out(scenario: Scenario, *, frames_from: str, last: Any, now: datetime) -> dict[str, Any]:
    from kksync.checks.scenario_words import note_text, outside_text, summary_lines, why_text
    from kksync.cli_json import (
        ScenarioInitiativeOut,
        ScenarioMethodOut,
        ScenarioNoteOut,
        ScenarioOut,
        ScenarioOutsideOut,
        ScenarioOverrunOut,
        ScenarioYearOut,
        dump,
        head,
    )

    best = scenario.optimum.selection if scenario.optimum is not None else None

    def method(selection: Selection) -> ScenarioMethodOut:
        return ScenarioMethodOut(chosen=[c.key for c in selection.chosen],
                                 displaced=[d.candidate.key for d in selection.displaced],
                                 npv=selection.npv, unknown_npv=len(selection.unknown_npv))

    rank_left, best_left = _by_key(scenario.by_rank), _by_key(best)

    def initiative(c: Candidate) -> ScenarioInitiativeOut:
        displaced, left_out = rank_left.get(id(c)), best_left.get(id(c))
        return ScenarioInitiativeOut(
            initiative_key=c.key, initiative_id=c.initiative_id, title=c.title, rank=c.rank,
            administration=c.administration, asks={str(y): float(a) for y, a in c.costs.items()},
            ask_source=c.cost_source, npv=c.npv, npv_source=c.npv_source,
            by_rank="displaced" if displaced else "chosen", by_rank_reason=why_text(displaced) if displaced else "",
            by_rank_overruns=[ScenarioOverrunOut(year=o.year, ask=float(o.ask), left=float(o.left), over=float(o.over))
                              for o in (displaced.overruns if displaced else ())],
            optimum=None if best is None else ("not_chosen" if left_out else "chosen"),
            optimum_reason=why_text(left_out) if left_out else "",
        )

    doc = ScenarioOut(
        **head("scenario", last, now), plan_key=scenario.plan_key,
        frames_from="cli" if frames_from == "cli" else "governance",
        years=[ScenarioYearOut(year=y, frame=float(f) if (f := scenario.frame(y)) is not None else None,
                               used_by_rank=float(scenario.by_rank.use.get(y, 0)),
                               used_by_optimum=float(best.use.get(y, 0)) if best is not None else None)
               for y in scenario.years],
        by_rank=method(scenario.by_rank), optimum=method(best) if best is not None else None,
        optimum_bound=scenario.optimum.bound if scenario.optimum else None,
        optimum_gap_pct=scenario.optimum.gap_pct if scenario.optimum else None,
        ranking_cost=scenario.ranking_cost, problem=scenario.problem,
        initiatives=[initiative(c) for c in scenario.candidates],
        outside=[ScenarioOutsideOut(initiative_key=o.key, title=o.title, rank=o.rank, reason=o.reason,
                                    text=outside_text(o)) for o in scenario.outside],
        notes=[ScenarioNoteOut(initiative_key=n.key, code=n.code, message=note_text(n)) for n in scenario.notes],
        summary=summary_lines(scenario),
    )
    return dump(doc)


def render_scenario(scenario: Scenario, *, frames_from: str) -> None:
    from kksync.checks.scenario_words import choice_word, note_text, outside_text, reason_cell, summary_lines
    from kksync.core import fmt

    best = scenario.optimum.selection if scenario.optimum is not None else None
    plan = clean(scenario.plan_key, 100)
    years = make_table(scenario_text("cli_years_title", plan=plan),
                       [scenario_text(k) for k in ("col_year", "col_frame", "col_use_rank", "col_use_optimum")],
                       right=tuple(scenario_text(k) for k in ("col_frame", "col_use_rank", "col_use_optimum")))
    for y in scenario.years:
        frame = scenario.frame(y)
        add_row(years, str(y), fmt.kr(frame) if frame is not None else scenario_text("no_frame"),
                fmt.kr(scenario.by_rank.use.get(y, 0)), fmt.kr(best.use.get(y, 0)) if best is not None else "–")
    out.print(years)
    heads = ["col_initiative", "cli_col_rank", "col_ask", "cli_col_npv", "cli_col_by_rank", "col_optimum"]
    table = make_table(scenario_text("cli_choice_title", plan=plan), [scenario_text(k) for k in heads],
                       right=tuple(scenario_text(k) for k in ("cli_col_rank", "col_ask", "cli_col_npv")))
    reasons: list[str] = []
    wide = out.width >= 120  # on a narrow terminal the key alone keeps one line per initiative
    for c in scenario.candidates:
        npv = fmt.kr(c.npv) + ("*" if c.npv_source == "stated" else "")
        add_row(table, clean(f"{c.key} {c.title}" if wide else c.key, 60), str(c.rank) if c.rank is not None else "–",
                fmt.kr(c.total), npv, choice_word(scenario.by_rank, c), choice_word(best, c))
        if why := reason_cell(scenario, c):
            reasons.append(f"{clean(c.key, 40)}: {clean(why, 600)}")
    out.print(table)  # the totals are in the summary below (what the ranking costs)
    if any(c.npv_source == "stated" for c in scenario.candidates):
        say(styled(scenario_text("cli_stated_mark"), "dim"))
    if reasons:
        say(styled(scenario_text("cli_reasons_title"), "bold"))
        for line in reasons:
            say("• ", line)
    if scenario.outside:
        outside = make_table(scenario_text("cli_outside_title"),
                             [scenario_text("col_initiative"), scenario_text("col_rank"), scenario_text("col_reason")])
        for o in scenario.outside:
            add_row(outside, clean(f"{o.key} {o.title}", 80), str(o.rank) if o.rank is not None else scenario_text("unranked"),
                    clean(outside_text(o)))
        out.print(outside)
    if scenario.notes:
        say(styled(scenario_text("cli_notes_title"), "bold"))
        for note in scenario.notes:
            say("• ", clean(note_text(note), 600))
    for line in summary_lines(scenario):
        say(styled(line, "yellow" if scenario.optimum is None else "green"))
    say(styled(scenario_text("frames_from", source=scenario_text(f"source_{frames_from}")), "dim"))


def mount(app: typer.Typer) -> None:
    @app.command("scenario")
    def scenario(
        plan: Annotated[str, typer.Option("--plan", metavar="NØGLE", help=HELP["plan"])],
        frame: Annotated[list[str] | None, typer.Option("--frame", metavar="ÅR=BELØB", help=scenario_text("help_frame"))] = None,
        fmt: FormatOpt = OutputFormat.table,
    ) -> None:
        """Budgetrammer: hvilke initiativer passer i investeringsrammen efter prioriteringen, og hvilket sæt giver
        størst nettonutidsværdi inden for de samme rammer (hvad koster det at følge prioriteringen?).

        Rammerne kommer fra --frame ÅR=BELØB (kr.) eller governance-filen ([scenarios]). Afslutter med 5, når
        optimeringen ikke blev bevist (fx tidsgrænsen); prioriteringsudvælgelsen vises stadig.
        """
        from kksync.cli_errors import ExitCode
        from kksync.cli_runtime import runtime
        from kksync.services.scenarios import scenario_for
        from kksync.services.snapshots import require_plan

        given = parse_frames(frame) if frame else {}
        with runtime(create_state=False) as rt:
            stamp = rt.require_data()
            portfolio = rt.load_portfolio()
            kind = require_plan(portfolio, plan).kind
            frames = given or rt.governance.scenarios.frames_for(plan, kind)
            if not frames:
                raise click.UsageError(scenario_text("no_frames", plan=clean(plan, 100, one_line=True)))
            result = scenario_for(portfolio, plan, frames, rt.governance)
        source = "cli" if given else "governance"
        if fmt is OutputFormat.json:
            emit_json(scenario_out(result, frames_from=source, last=stamp, now=datetime.now(UTC)))
        else:
            render_scenario(result, frames_from=source)
        if result.optimum is None:
            raise typer.Exit(ExitCode.PARTIAL)
