"""``kksync remind`` on a synced site: what would go out, sending once, and its errors in Danish."""

from __future__ import annotations

from typing import Any

from tests.cli.conftest import Cli

DAY = "2012-09-20"  # 14 days before FHP-2013-2014's expected decision (4 October 2012)
SENDER = "it-strategi@kk.dk"


def test_dry_run_shows_the_mails_and_sends_and_stores_nothing(synced: Cli) -> None:
    before = synced.fingerprint()
    result = synced("remind", "--dry-run", "--date", DAY, "--show")
    assert result.code == 0, result
    assert "Påmindelser, der ville blive sendt 20. september 2012" in result.text
    assert "jens.holm@kk.dk" in result.text and "ville blive sendt" in result.text
    assert "DispForm.aspx?ID=" in result.text  # --show prints each mail's text
    sp: Any = synced.sp
    assert sp.graph.messages() == []
    assert synced.fingerprint() == before


def test_sending_needs_a_sender(synced: Cli) -> None:
    result = synced("remind", "--date", DAY)
    assert result.code == 2
    assert "KKSYNC_MAIL_SENDER" in result.text and "Traceback" not in result.text


def test_sends_once_then_nothing(synced: Cli, monkeypatch: Any) -> None:
    sp: Any = synced.sp
    sp.add_user(SENDER, "It-strategi")
    monkeypatch.setenv("KKSYNC_MAIL_SENDER", SENDER)
    first = synced("remind", "--date", DAY)
    assert first.code == 0, first
    sent = sp.graph.messages()
    to = [m["message"]["toRecipients"][0]["emailAddress"]["address"] for m in sent]
    assert len(sent) > 5 and len(set(to)) == len(to)  # one mail per person
    assert f"{len(sent)} sendt, 0 allerede sendt af en anden kørsel, 0 afvist, 0 uvisse" in first.text
    assert all(m["content_type"] == "multipart/alternative" and m["from"] == SENDER for m in sent)
    again = synced("remind", "--date", DAY)
    assert again.code == 0 and "Ingen påmindelser" in again.text
    assert len(sp.graph.messages()) == len(sent)


def test_bad_arguments_are_danish_errors(synced: Cli) -> None:
    bad_date = synced("remind", "--dry-run", "--date", "20-09-2012")
    assert bad_date.code == 2 and "ÅÅÅÅ-MM-DD" in bad_date.text
    unknown = synced("remind", "--dry-run", "--date", DAY, "--plan", "[bold]NOPE")
    assert unknown.code == 2 and "[bold]NOPE" in unknown.text


def test_unreachable_people_and_unconfirmed_mails_are_said(synced: Cli, monkeypatch: Any) -> None:
    from datetime import UTC, date, datetime

    from kksync.app import Runtime
    from kksync.checks.reminder_mail import ReminderMail
    from kksync.checks.reminders import Unreachable
    from kksync.services.reminders import ReminderOutcome, ReminderResult
    from kksync.state.base import ReminderClaim

    def remind(self: Runtime, **kw: Any) -> ReminderOutcome:
        mail = ReminderMail("a@kk.dk", "Påmindelse [bold]x", "<p>x</p>", "x")
        held = ReminderClaim("s", "b@kk.dk", date(2012, 9, 19), ("k",), "host:1", datetime(2012, 9, 19, 6, tzinfo=UTC),
                             note="forbindelsen blev afbrudt")
        return ReminderOutcome(kw["today"], False, results=[ReminderResult("a@kk.dk", "unconfirmed", mail, 1, ("F",))],
                               unreachable=[Unreachable("F13-05", "[red]Digital skole", "manager")], unconfirmed=[held])

    monkeypatch.setattr(Runtime, "remind", remind)
    monkeypatch.setenv("KKSYNC_MAIL_SENDER", SENDER)
    result = synced("remind", "--date", DAY)
    assert result.code == 5  # partial: a mail that may not have gone
    assert "Ingen mailadresse for projektleder på «[red]Digital skole» (F13-05)" in result.text
    assert "KKSYNC_ALERT Påmindelsen til b@kk.dk fra 2012-09-19" in result.text and "afbrudt" in result.text
    assert "Påmindelse [bold]x" in result.text and "uvist om sendt" in result.text


def test_json_follows_its_schema(synced: Cli) -> None:
    from tests.cli.test_json_schemas import _valid

    result = synced("remind", "--dry-run", "--date", DAY, "--format", "json")
    assert result.code == 0, result
    doc = _valid("remind", result.out)
    assert doc["day"] == DAY and doc["dry_run"] is True and doc["last_sync"] is not None
    assert doc["mails"] and {m["status"] for m in doc["mails"]} == {"planned"}
    assert all(m["plans"] == ["FHP-2013-2014"] and m["initiatives"] >= 1 for m in doc["mails"])
    assert len({m["to"] for m in doc["mails"]}) == len(doc["mails"])


def test_doctor_names_an_unconfirmed_reminder(synced: Cli) -> None:
    from datetime import UTC, date, datetime

    from kksync.settings import load_settings
    from kksync.state import SqliteStateStore
    from kksync.state.base import ReminderClaim, make_scope

    settings = load_settings()
    with SqliteStateStore(synced.state) as store:
        store.claim_reminder(ReminderClaim(make_scope(settings.site_url, settings.config_name), "jens.holm@kk.dk",
                                           date(2012, 9, 20), ("k",), "host:1", datetime(2012, 9, 20, 6, tzinfo=UTC)))
    result = synced("doctor", "--offline")
    assert result.code == 1
    assert "KKSYNC_ALERT Påmindelsen til jens.holm@kk.dk fra 2012-09-20" in result.text
