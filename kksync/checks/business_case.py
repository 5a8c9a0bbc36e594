"""Rules for the business case and the funding agreement (they share the yearly figures)."""

from __future__ import annotations

from decimal import Decimal

from kksync.checks.catalog import Issue, column, issue
from kksync.checks.context import Subject
from kksync.checks.finance import CashFlows, cash_flows, npv, payback_years
from kksync.core import fmt
from kksync.core.fmt import and_list
from kksync.core.model import AgreementStatus, FigureKind, FundingLine
from kksync.texts import LIST_NAMES, RULE_WORDS

__all__ = ["check_business_case", "check_funding", "filled"]

_I, _FIG, _FUND = "initiatives", "figures", "funding_lines"
SUMMARY = column(_I, "business_case.summary")
SCENARIO_0 = column(_I, "business_case.scenario_0")
SCENARIO_1 = column(_I, "business_case.scenario_1")
APPROVED = column(_I, "business_case.approved")
APPROVED_BY = column(_I, "business_case.approved_by")
APPROVED_ON = column(_I, "business_case.approved_on")
RATE = column(_I, "business_case.discount_rate")
NPV = column(_I, "business_case.npv")
PAYBACK = column(_I, "business_case.payback_years")
FIG_KIND = column(_FIG, "kind")
FIG_YEAR = column(_FIG, "year")
FIG_AMOUNT = column(_FIG, "amount")
FUND_SOURCE = column(_FUND, "source")
FUND_YEAR = column(_FUND, "year")
FUND_AMOUNT = column(_FUND, "amount")
FUND_STATUS = column(_FUND, "status")
FUND_AGREED_ON = column(_FUND, "agreed_on")
_FIG_COLUMNS = (FIG_KIND, FIG_YEAR, FIG_AMOUNT)
_FIG_LIST = LIST_NAMES[_FIG]
_FUND_LIST = LIST_NAMES[_FUND]
_ALL_KINDS = frozenset(FigureKind)
_SCENARIO_NAMES = {0: RULE_WORDS["scenario_0"], 1: RULE_WORDS["scenario_1"]}


def filled(text: str | None) -> bool:
    return text is not None and bool(text.strip())


def check_business_case(s: Subject) -> list[Issue]:
    bc = s.initiative.business_case
    flows = cash_flows(s.figures)
    texts = (bc.summary, bc.scenario_0, bc.scenario_1)
    if flows is None and not any(filled(t) for t in texts) and bc.npv is None and bc.payback_years is None and not bc.approved:
        return [issue("BC-MISSING", (SUMMARY, SCENARIO_0, SCENARIO_1, APPROVED))]
    out: list[Issue] = []
    if not filled(bc.summary):
        out.append(issue("BC-SUMMARY-MISSING", (SUMMARY,)))
    missing_scenarios = [(n, c) for n, c in ((0, SCENARIO_0), (1, SCENARIO_1)) if not filled(bc.scenario_0 if n == 0 else bc.scenario_1)]
    if missing_scenarios:
        what = and_list([_SCENARIO_NAMES[n] for n, _ in missing_scenarios])
        out.append(issue("BC-SCENARIO-MISSING", tuple(c for _, c in missing_scenarios), what=what))
    if not bc.approved:
        out.append(issue("BC-NOT-APPROVED", (APPROVED,)))
    if bc.approved_by is None:
        out.append(issue("BC-APPROVER-MISSING", (APPROVED_BY,)))
    if bc.approved_on is None:
        out.append(issue("BC-APPROVAL-DATE-MISSING", (APPROVED_ON,)))
    kinds = flows.kinds if flows is not None else frozenset()
    if FigureKind.INVESTERING not in kinds:
        out.append(issue("BC-INVESTMENT-MISSING", _FIG_COLUMNS, kinds=FigureKind.INVESTERING.value, list=_FIG_LIST))
    lacking = [k for k in (FigureKind.DRIFT_0, FigureKind.DRIFT_1) if k not in kinds]
    if lacking:
        what = and_list([_SCENARIO_NAMES[0 if k is FigureKind.DRIFT_0 else 1] for k in lacking])
        out.append(issue("BC-OPERATING-MISSING", _FIG_COLUMNS, what=what, kinds=and_list([f"«{k.value}»" for k in lacking]), list=_FIG_LIST))
    if FigureKind.GEVINST not in kinds:
        out.append(issue("BC-BENEFITS-MISSING", _FIG_COLUMNS, kinds=FigureKind.GEVINST.value, list=_FIG_LIST))
    if bc.discount_rate is None:
        out.append(issue("BC-DISCOUNT-RATE-MISSING", (RATE,)))
    complete = flows if flows is not None and kinds == _ALL_KINDS else None
    out.extend(_key_figures(s, complete))
    return out


def _key_figures(s: Subject, flows: CashFlows | None) -> list[Issue]:
    """NPV and payback, recomputed only when every kind of yearly figure is there to do it."""
    bc, limits = s.initiative.business_case, s.thresholds
    out: list[Issue] = []
    computed_npv = npv(flows, float(bc.discount_rate)) if flows is not None and bc.discount_rate is not None else None
    if bc.npv is None:
        hint = _figures_give(fmt.kr(computed_npv)) if computed_npv is not None else ""
        out.append(issue("BC-NPV-MISSING", (NPV,), hint=hint))
    elif computed_npv is not None:
        stated = float(bc.npv)
        diff = abs(stated - computed_npv)
        if diff > max(abs(stated) * limits.npv_tolerance_pct / 100.0, limits.npv_tolerance_kr):
            assert bc.discount_rate is not None
            out.append(issue(
                "BC-NPV-MISMATCH", (NPV, RATE, *_FIG_COLUMNS), stated=fmt.kr(stated), computed=fmt.kr(computed_npv),
                rate=fmt.percent(bc.discount_rate, 2), diff=fmt.kr(diff),
            ))
    computed = payback_years(flows) if flows is not None else None
    if bc.payback_years is None:
        if flows is None or computed is not None:
            hint = _figures_give(fmt.years(computed)) if computed is not None else ""
            out.append(issue("BC-PAYBACK-MISSING", (PAYBACK,), hint=hint))
    elif flows is not None and not _payback_consistent(float(bc.payback_years), computed, limits.payback_tolerance_years):
        shown = (
            fmt.years(computed) if computed is not None
            else RULE_WORDS["no_payback"].format(first=flows.first_year, last=flows.last_year)
        )
        out.append(issue("BC-PAYBACK-MISMATCH", (PAYBACK, *_FIG_COLUMNS), stated=fmt.years(bc.payback_years), computed=shown))
    return out


def _figures_give(value: str) -> str:
    """The hint after a missing key figure: what the yearly figures give."""
    return " " + RULE_WORDS["figures_give"].format(value=value)


def _payback_consistent(stated: float, computed: int | None, tolerance: float) -> bool:
    if computed is None:
        return False
    if computed == 0:
        return stated <= tolerance
    # The cumulative flow turns during year ``computed``: any value in (computed − 1, computed] fits.
    return computed - 1 - tolerance < stated <= computed + tolerance


def _years(lines: list[FundingLine]) -> str:
    years = sorted({line.year for line in lines if line.year is not None})
    parts = [str(y) for y in years] + ([RULE_WORDS["lines_without_year"]] if any(line.year is None for line in lines) else [])
    return and_list(parts)


def check_funding(s: Subject) -> list[Issue]:
    lines = s.funding
    if not lines:
        return [issue("FUND-MISSING", (FUND_SOURCE, FUND_YEAR, FUND_AMOUNT, FUND_STATUS), list=_FUND_LIST)]
    limits = s.thresholds
    out: list[Issue] = []
    allowed = limits.allowed_funding_sources
    bad = [line for line in lines if line.source is None or line.source not in allowed]
    if bad:
        shown = sorted({f"«{line.source.value}»" if line.source is not None else RULE_WORDS["no_source"] for line in bad})
        out.append(issue(
            "FUND-SOURCE-INVALID", (FUND_SOURCE,), years=_years(bad), what=and_list(shown),
            allowed=", ".join(f"«{src.value}»" for src in allowed),
        ))
    invested = sum((f.amount for f in s.figures if f.kind is FigureKind.INVESTERING and f.amount is not None), Decimal(0))
    if any(f.kind is FigureKind.INVESTERING for f in s.figures):
        funded = sum((line.amount for line in lines if line.amount is not None), Decimal(0))
        diff = abs(funded - invested)
        if float(diff) > max(float(invested) * limits.funding_tolerance_pct / 100.0, limits.funding_tolerance_kr):
            out.append(issue(
                "FUND-TOTAL-MISMATCH", (FUND_AMOUNT, FUND_YEAR), funded=fmt.kr(funded), invested=fmt.kr(invested),
                diff=fmt.kr(diff),
            ))
    open_lines = [line for line in lines if line.status is not AgreementStatus.AFTALT]
    if open_lines:
        states = sorted({f"«{line.status.value}»" if line.status is not None else RULE_WORDS["no_status"] for line in open_lines})
        out.append(issue(
            "FUND-NOT-AGREED", (FUND_STATUS,), years=_years(open_lines), what=and_list(states),
            agreed=AgreementStatus.AFTALT.value,
        ))
    undated = [line for line in lines if line.status is AgreementStatus.AFTALT and line.agreed_on is None]
    if undated:
        out.append(issue("FUND-DATE-MISSING", (FUND_AGREED_ON,), years=_years(undated)))
    return out
