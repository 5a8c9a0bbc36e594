"""The pure parts: which reminder is due when, the digests, and the mail (accessible HTML, a text part,
values from departments escaped)."""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kksync.checks import load_governance
from kksync.checks.reminder_mail import compose, item_form_url
from kksync.checks.reminders import Occasion, due_reminder, plan_reminders
from kksync.core.model import Portfolio
from kksync.sharepoint.data import AlternativeMail
from tests.reminders.conftest import DECISION, PLAN, SITE, report_for, responsible


def test_due_reminder_windows() -> None:
    day = date(2012, 10, 4)
    due = {n: due_reminder(day, (14, 3), day - timedelta(days=n)) for n in range(-2, 20)}
    assert {n for n, offset in due.items() if offset == 14} == set(range(4, 15))
    assert {n for n, offset in due.items() if offset == 3} == {1, 2, 3}
    assert due[0] is None and due[-1] is None and due[15] is None  # not on or after the day, not before 14


@given(st.lists(st.integers(1, 60), min_size=1, max_size=5, unique=True), st.integers(-10, 80))
def test_at_most_one_reminder_is_due_and_only_before_the_day(offsets: list[int], left: int) -> None:
    day = date(2013, 1, 1)
    offset = due_reminder(day, offsets, day - timedelta(days=left))
    if offset is None:
        assert left <= 0 or left > max(offsets)
    else:
        assert offset in offsets and 0 < left <= offset
        assert not any(left <= other < offset for other in offsets)  # a smaller reminder would be the one


def test_digests_follow_the_ledger(portfolio: Portfolio) -> None:
    rules = load_governance().reminders
    day = DECISION - timedelta(days=14)
    report = report_for(portfolio, day)
    plan = plan_reminders(portfolio, report, rules, today=day)
    assert {d.address for d in plan.digests} == set(responsible(portfolio, day))
    key = f"decision|{PLAN}|{DECISION.isoformat()}|14"
    assert all(d.keys == (key,) for d in plan.digests)
    # Already sent to one person; another already had today's digest: both are left out.
    again = plan_reminders(portfolio, report, rules, today=day, sent={"jens.holm@kk.dk": {key}},
                           busy_today={"trine.bang@kk.dk"})
    assert {d.address for d in again.digests} == set(responsible(portfolio, day)) - {"jens.holm@kk.dk", "trine.bang@kk.dk"}
    assert plan_reminders(portfolio, report, rules, today=day, plan_key="OHP-2009-2010").digests == []


def test_a_moved_decision_date_is_a_new_occasion() -> None:
    first = Occasion("decision", date(2012, 10, 4), 3, PLAN, "x")
    moved = Occasion("decision", date(2012, 11, 1), 3, PLAN, "x")
    assert first.key != moved.key


def test_a_person_without_an_address_is_reported(portfolio: Portfolio) -> None:
    f05 = next(i for i in portfolio.initiatives if i.key == "F13-05")
    assert f05.project_manager is not None
    f05.project_manager = f05.project_manager.model_copy(update={"email": None})
    day = DECISION - timedelta(days=14)
    plan = plan_reminders(portfolio, report_for(portfolio, day), load_governance().reminders, today=day)
    assert [(u.initiative_key, u.role) for u in plan.unreachable] == [("F13-05", "manager")]


class _Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.title = ""
        self.headings: list[int] = []
        self.links: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._in: list[str] = []
        self._href = ""
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(int(tag[1]))
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", ""
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.links.append((self._href, self._text))
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "a" in self._in:
            self._text += data


def _mail(portfolio: Portfolio, address: str = "jens.holm@kk.dk") -> tuple[str, str, str]:
    day = DECISION - timedelta(days=14)
    plan = plan_reminders(portfolio, report_for(portfolio, day), load_governance().reminders, today=day)
    digest = next(d for d in plan.digests if d.address == address)
    mail = compose(digest, site_url=SITE)
    return mail.subject, mail.html, mail.text


def test_the_html_is_accessible(portfolio: Portfolio) -> None:
    subject, html, text = _mail(portfolio)
    outline = _Outline()
    outline.feed(html)
    assert html.startswith("<!DOCTYPE html>")
    assert outline.lang == "da"
    assert outline.title == subject
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))  # no level skipped
    titles = {i.title: i for i in portfolio.initiatives if i.key in ("F13-07", "F13-13")}
    assert len(outline.links) == 2
    for href, link_text in outline.links:
        initiative = next(i for t, i in titles.items() if f"«{t}»" in link_text)  # the link names its initiative
        assert href == item_form_url(SITE, "Initiativer", initiative.id or 0)
        assert "klik her" not in link_text.lower()
    assert "style" not in outline.tags and "font" not in outline.tags and "color" not in html.lower()  # no colour
    assert "ul" in outline.tags and "li" in outline.tags
    for initiative in titles.values():  # the text part says the same
        assert initiative.title in text and item_form_url(SITE, "Initiativer", initiative.id or 0) in text


def test_values_from_departments_are_escaped(portfolio: Portfolio) -> None:
    f07 = next(i for i in portfolio.initiatives if i.key == "F13-07")
    f07.title = '<script>alert("x")</script> & <a href="https://evil.example">klik</a> «ÆØÅ»'
    f07.project_manager = f07.project_manager.model_copy(update={"name": "<b>Jens</b> & co"})  # type: ignore[union-attr]
    _, html, text = _mail(portfolio)
    assert "<script>" not in html and "evil.example\">" not in html and "<b>Jens" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;" in html
    assert "Kære &lt;b&gt;Jens&lt;/b&gt; &amp; co," in html
    outline = _Outline()
    outline.feed(html)
    assert all(href.startswith(SITE) for href, _ in outline.links)
    assert f07.title in text  # the text part is text: as typed


def test_the_mime_message_has_both_parts() -> None:
    from email import message_from_bytes, policy

    mail = AlternativeMail("Påmindelse: æøå", "<p>hej</p>", "hej", ("a@kk.dk",))
    parsed = message_from_bytes(mail.mime("it-strategi@kk.dk"), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in parsed.iter_parts()] == ["text/plain", "text/html"]  # type: ignore[attr-defined]
    assert parsed["Subject"] == "Påmindelse: æøå" and parsed["Content-Language"] == "da"
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_item_form_url() -> None:
    assert item_form_url(SITE + "/", "Initiativer", 27) == f"{SITE}/Lists/Initiativer/DispForm.aspx?ID=27"
    assert item_form_url(SITE, "Mål & midler", 1) == f"{SITE}/Lists/M%C3%A5l%20%20midler/DispForm.aspx?ID=1"


def test_compose_refuses_a_non_web_site_url(portfolio: Portfolio) -> None:
    day = DECISION - timedelta(days=14)
    plan = plan_reminders(portfolio, report_for(portfolio, day), load_governance().reminders, today=day)
    with pytest.raises(ValueError):
        compose(plan.digests[0], site_url="javascript:alert(1)")


@pytest.mark.parametrize(("section", "wrong"), [
    ('[reminders]\ndays_before = [14, 14]\n', "days_before"),
    ('[reminders]\ndays_before = []\n', "days_before"),
    ('[reminders]\ndays_before = [0]\n', "days_before"),
    ('[reminders.contacts]\n"BUF" = ["ikke en adresse"]\n', "ikke en adresse"),
    ('[reminders.contacts]\n"XYZ" = ["a@kk.dk"]\n', "XYZ"),
    ('[reminders]\nstages = ["Snart"]\n', "stages"),
])
def test_a_wrong_reminders_section_is_a_clear_error(tmp_path: Path, section: str, wrong: str) -> None:
    from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE
    from kksync.errors import ConfigError

    text = DEFAULT_GOVERNANCE_FILE.read_text(encoding="utf-8").split("\n[reminders]")[0]
    path = tmp_path / "governance.toml"
    path.write_text(text + "\n" + section, encoding="utf-8")
    with pytest.raises(ConfigError, match="reminders") as error:
        load_governance(path)
    assert wrong in str(error.value)


def test_contacts_are_read_and_normalised(tmp_path: Path) -> None:
    from kksync.checks.governance import DEFAULT_GOVERNANCE_FILE
    from kksync.core.model import Administration

    text = DEFAULT_GOVERNANCE_FILE.read_text(encoding="utf-8").split("\n[reminders]")[0]
    path = tmp_path / "governance.toml"
    path.write_text(text + '\n[reminders]\ndays_before = [3, 21]\n[reminders.contacts]\n"BUF" = [" IT-BUF@kk.dk "]\n',
                    encoding="utf-8")
    rules = load_governance(path).reminders
    assert rules.days_before == (21, 3)
    assert rules.contacts == {Administration.BUF: ("it-buf@kk.dk",)}
