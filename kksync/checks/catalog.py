"""The rule catalogue: every rule code, its requirement and its Danish message, in one place.

Messages are ``str.format`` templates written to the department that can fix the problem: what
is missing and where to fill it in. ``{field}`` is the display name of the rule's first column
and ``{fields}`` all of them, in «», as the department sees them in SharePoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from kksync.checks.findings import Requirement
from kksync.core.schema import Column, list_schema

__all__ = ["RULES", "Issue", "Rule", "column", "issue", "rule_order"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    requirement: Requirement
    text: str


class Issue(NamedTuple):
    """What a rule function returns: the engine adds severity and identity to make a ``Finding``."""

    code: str
    message: str
    fields: tuple[str, ...]


R = Requirement
_TABLE: tuple[tuple[str, Requirement, str], ...] = (
    ("RANK-MISSING", R.RANKING, "Initiativet har ingen prioritet. Udfyld {field} med initiativets plads i planens indbyrdes prioritering (1 = højest)."),
    ("RANK-DUPLICATE", R.RANKING, "Prioritet {rank} er også givet til {others}. Hvert initiativ i planen skal have sin egen prioritet i {field}."),
    ("RANK-GAP", R.RANKING, "Prioritet {rank} ligger uden for 1–{n}. Planens {n} initiativer skal prioriteres 1, 2, 3 … uden huller; ret {field}."),
    ("RANK-BY-MISSING", R.RANKING, "Det er ikke angivet, hvem der har aftalt prioriteringen. Udfyld {field}."),
    ("RANK-DATE-MISSING", R.RANKING, "Det er ikke angivet, hvornår prioriteringen blev aftalt. Udfyld {field}."),
    ("BC-MISSING", R.BUSINESS_CASE, "Initiativet har ingen business case. Udarbejd en efter den fællesoffentlige model (ledelsesresumé, scenarie 0 og 1, investering, drift og gevinster pr. år), og få den godkendt."),
    ("BC-SUMMARY-MISSING", R.BUSINESS_CASE, "Business casen mangler et ledelsesresumé. Udfyld {field}."),
    ("BC-SCENARIO-MISSING", R.BUSINESS_CASE, "Business casen beskriver ikke {what}. Udfyld {fields}."),
    ("BC-NOT-APPROVED", R.BUSINESS_CASE, "Business casen er ikke godkendt. Få den godkendt, og markér {field}."),
    ("BC-APPROVER-MISSING", R.BUSINESS_CASE, "Det er ikke angivet, hvem der har godkendt business casen. Udfyld {field}."),
    ("BC-APPROVAL-DATE-MISSING", R.BUSINESS_CASE, "Det er ikke angivet, hvornår business casen blev godkendt. Udfyld {field}."),
    ("BC-INVESTMENT-MISSING", R.BUSINESS_CASE, "Business casen har ingen investering pr. år. Tilføj linjer af typen «{kinds}» i listen «{list}»."),
    ("BC-OPERATING-MISSING", R.BUSINESS_CASE, "Business casen mangler driftsudgifter pr. år for {what}. Tilføj linjer af typen {kinds} i listen «{list}»."),
    ("BC-BENEFITS-MISSING", R.BUSINESS_CASE, "Business casen har ingen økonomiske gevinster pr. år. Tilføj linjer af typen «{kinds}» i listen «{list}» (0 kr., hvis der ingen er)."),
    ("BC-DISCOUNT-RATE-MISSING", R.BUSINESS_CASE, "Business casen angiver ingen diskonteringsrente. Udfyld {field}."),
    ("BC-NPV-MISSING", R.BUSINESS_CASE, "Business casen angiver ingen nettonutidsværdi. Udfyld {field}{hint}."),
    ("BC-NPV-MISMATCH", R.BUSINESS_CASE, "Nettonutidsværdien er angivet til {stated}, men business casens tal pr. år giver {computed} ved {rate} i diskonteringsrente (forskel {diff}). Ret {field} eller tallene pr. år."),
    ("BC-PAYBACK-MISSING", R.BUSINESS_CASE, "Business casen angiver ingen tilbagebetalingstid. Udfyld {field}{hint}."),
    ("BC-PAYBACK-MISMATCH", R.BUSINESS_CASE, "Tilbagebetalingstiden er angivet til {stated}, men business casens tal pr. år giver {computed}. Ret {field} eller tallene pr. år."),
    ("RESP-ADMIN-MISSING", R.RESPONSIBILITY, "Ansvaret er ikke placeret: angiv den ansvarlige forvaltning i {field}."),
    ("RESP-OWNER-MISSING", R.RESPONSIBILITY, "Initiativet har ingen navngiven projektejer. Udfyld {field}."),
    ("RESP-OWNER-UNKNOWN", R.RESPONSIBILITY, "Projektejeren (bruger-id {value}) findes ikke længere på sitet. Vælg en aktuel medarbejder i {field}."),
    ("RESP-MANAGER-MISSING", R.RESPONSIBILITY, "Initiativet har ingen projektleder. Udfyld {field}."),
    ("FUND-MISSING", R.FUNDING, "Der er ingen aftale om finansiering. Tilføj linjer med kilde, styringsområde, beløb pr. år og aftalestatus i listen «{list}»."),
    ("FUND-SOURCE-INVALID", R.FUNDING, "Finansieringen for {years} har ingen tilladt kilde ({what}). Vælg en af: {allowed}."),
    ("FUND-TOTAL-MISMATCH", R.FUNDING, "Finansieringen er i alt {funded}, men business casens investering er {invested} (forskel {diff}). Ret beløbene, så de stemmer."),
    ("FUND-NOT-AGREED", R.FUNDING, "Finansieringen for {years} er ikke aftalt ({what}). Indgå aftalen, og sæt {field} til «{agreed}»."),
    ("FUND-DATE-MISSING", R.FUNDING, "Finansieringsaftalen for {years} har ingen dato. Udfyld {field}."),
    ("DEL-DELIVERER-MISSING", R.DELIVERY, "Det er ikke angivet, hvem der gennemfører initiativet. Udfyld {field}."),
    ("DEL-DATES-MISSING", R.DELIVERY, "Gennemførelsesaftalen mangler {what}. Udfyld {fields}."),
    ("DEL-DATES-INVALID", R.DELIVERY, "Slutdatoen {end} ligger før startdatoen {start}. Ret {fields}."),
    ("DEL-OUTSIDE-PERIOD", R.DELIVERY, "Gennemførelsen {start} – {end} ligger uden for planens periode {period}. Ret datoerne, eller begrund det i {field}."),
    ("DEL-MILESTONES-MISSING", R.DELIVERY, "Gennemførelsesaftalen har ingen milepæle. Tilføj mindst én milepæl med dato i listen «{list}»."),
    ("DEL-NOT-AGREED", R.DELIVERY, "Gennemførelsesaftalen er ikke indgået. Indgå aftalen med udføreren, og markér {field}."),
    ("STRAT-FOCUS-MISSING", R.STRATEGY, "Initiativet er ikke knyttet til et af it-strategiens indsatsområder. Vælg mindst ét i {field}."),
    ("CONTRIB-MISSING", R.CONTRIBUTION, "Det lokale initiativ angiver ikke, hvilke fælles initiativer det bidrager til. Vælg dem i {field}."),
    ("CONTRIB-NOT-JOINT", R.CONTRIBUTION, "{field} peger på {refs}, som ikke er initiativer i en fælles handlingsplan. Vælg fælles initiativer."),
    ("CONTRIB-UNCOVERED", R.CONTRIBUTION, "{admins} er angivet som involveret, men har intet lokalt initiativ, der bidrager til dette initiativ. Opret et lokalt initiativ, eller ret {field}."),
    ("PORT-PROJECT-UNLINKED", R.PORTFOLIO, "It-projektet {key} «{title}» har et budget på {cost} (grænsen er {limit}), men er ikke knyttet til et initiativ. Udfyld {field} i listen «{list}»."),
    ("TRANS-ORIGIN-MISSING", R.TRANSITION, "Det er ikke angivet, hvor initiativet allerede er forankret ({choices}). Udfyld {field}."),
    ("TRANS-REFERENCE-MISSING", R.TRANSITION, "Angiv en reference til forankringen (fx sagsnummer eller nummer i investeringskataloget) i {field}."),
    ("TRANS-PLAN-AT-GATE", R.TRANSITION, "Overgangshandlingsplanen fremlægges ikke samlet til politisk behandling; dens initiativer forankres dér, hvor de allerede hører hjemme. Ret {field}."),
    ("DATA-PROBLEM", R.DATA, "{where}{message}"),
    ("DATA-PLAN-MISSING", R.DATA, "Initiativet er ikke knyttet til en eksisterende handlingsplan. Vælg planen i {field}."),
)

RULES: dict[str, Rule] = {code: Rule(code, req, text) for code, req, text in _TABLE}
_ORDER = {code: n for n, (code, _, _) in enumerate(_TABLE)}


def rule_order(code: str) -> int:
    """Catalogue position: the stable order of findings in bot-written texts."""
    return _ORDER[code]


@cache
def _columns_by_attr(list_key: str) -> dict[str, Column]:
    return {c.attr: c for c in list_schema(list_key).columns}


def column(list_key: str, attr: str) -> Column:
    """The schema column for a model attribute path (``"business_case.npv"``); raises if none."""
    try:
        return _columns_by_attr(list_key)[attr]
    except KeyError:
        raise KeyError(f"list {list_key!r} has no column for {attr!r}") from None


def _quoted(columns: tuple[Column, ...]) -> str:
    names = [f"«{c.title}»" for c in columns]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1]


def issue(code: str, columns: tuple[Column, ...] = (), **values: object) -> Issue:
    """Build an issue for ``code`` with its message filled in."""
    text = RULES[code].text
    if columns:
        values.setdefault("field", f"«{columns[0].title}»")
        values.setdefault("fields", _quoted(columns))
    return Issue(code, text.format(**values), tuple(c.name for c in columns))
