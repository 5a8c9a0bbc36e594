"""The reminder service with an injected clock: Graph's sendMail served by the emulator, a real ledger.

Must show: the right people get one mail each on the right days with the right items; no mail twice
after a restart or from two processors running at once against one store; a person with nothing
missing gets none; a mail lost between claim and send is never sent twice and is reported.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kksync.checks import load_governance
from kksync.checks.governance import Governance
from kksync.core.model import Administration, Person, Portfolio
from kksync.errors import AuthError, SharePointError
from kksync.services.reminders import ReminderOutcome, send_reminders
from kksync.sharepoint.data import AlternativeMail
from kksync.state import SqliteStateStore, StateStore
from testkit.emulator import graph_for
from tests.reminders.conftest import DECISION, PLAN, SENDER, SITE, at, days, responsible

SCOPE = f"{SITE}#default"
KEY = re.compile(r"\((F13-\d\d)\)")


def run(portfolio: Portfolio, store: StateStore, emulator: Any, day: date, *, governance: Governance | None = None,
        owner: str = "p1", mailer: Any = None, clock: Callable[[], datetime] | None = None,
        dry_run: bool = False) -> ReminderOutcome:
    return send_reminders(portfolio, store, mailer if mailer is not None else graph_for(emulator), scope=SCOPE,
                          governance=governance or load_governance(), site_url=SITE, sender=SENDER, today=day,
                          owner=owner, clock=clock or (lambda: at(day)), dry_run=dry_run)


def mail_keys(message: dict[str, Any]) -> set[str]:
    return set(KEY.findall(message["text"]))


def test_the_right_people_get_one_mail_each_on_the_right_days(portfolio: Portfolio, emulator: Any,
                                                             tmp_path: Path) -> None:
    sent_on: dict[date, list[dict[str, Any]]] = {}
    with SqliteStateStore(tmp_path / "state.db") as store:
        for day in days(DECISION - timedelta(days=20), DECISION + timedelta(days=2)):
            before = len(emulator.graph.messages())
            outcome = run(portfolio, store, emulator, day)
            new = emulator.graph.messages()[before:]
            assert outcome.count("sent") == len(new)
            if new:
                sent_on[day] = new
    assert sorted(sent_on) == [DECISION - timedelta(days=14), DECISION - timedelta(days=3)]
    for day, messages in sent_on.items():
        wanted = responsible(portfolio, day)
        to = [m["message"]["toRecipients"][0]["emailAddress"]["address"] for m in messages]
        assert Counter(to) == Counter(list(wanted)), day  # each responsible person exactly once, nobody else
        for message in messages:
            address = message["message"]["toRecipients"][0]["emailAddress"]["address"]
            assert mail_keys(message) == wanted[address]  # their incomplete initiatives, and only theirs
            assert message["from"] == SENDER
            left = (DECISION - day).days
            assert f"om {left} dage" in message["text"]
            assert "4. oktober 2012" in message["message"]["subject"]


def test_what_is_missing_is_in_the_mail(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    from kksync.checks.bot_values import missing_text
    from tests.reminders.conftest import report_for

    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        run(portfolio, store, emulator, day)
    report = report_for(portfolio, day)
    initiative = next(i for i in portfolio.initiatives if i.key == "F13-05")
    assert initiative.project_owner is not None and initiative.id is not None
    [message] = emulator.graph.messages(str(initiative.project_owner.email))
    expected = missing_text(report.for_initiative(initiative.id), report.missing_max_items)
    assert expected
    for line in expected.splitlines():
        assert line.removeprefix("• ") in message["text"]
    assert f"/Lists/Initiativer/DispForm.aspx?ID={initiative.id}" in message["text"]
    assert f'href="{SITE}/Lists/Initiativer/DispForm.aspx?ID={initiative.id}"' in message["html"]


def test_a_person_with_nothing_missing_gets_none(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    # Signe Thorup and Kasper Mølgaard own and manage F13-02 and F13-03 (complete) and F13-15 (not):
    # give F13-15 to someone else, and they are responsible only for complete initiatives.
    f15 = next(i for i in portfolio.initiatives if i.key == "F13-15")
    f15.project_owner = Person(id=90, name="Anne Ny", email="anne.ny@kk.dk")
    f15.project_manager = Person(id=91, name="Bo Ny", email="bo.ny@kk.dk")
    with SqliteStateStore(tmp_path / "state.db") as store:
        for day in days(DECISION - timedelta(days=15), DECISION):
            run(portfolio, store, emulator, day)
    assert emulator.graph.messages("signe.thorup@kk.dk") == []
    assert emulator.graph.messages("kasper.moelgaard@kk.dk") == []
    assert [mail_keys(m) for m in emulator.graph.messages("anne.ny@kk.dk")] == [{"F13-15"}, {"F13-15"}]


def test_nothing_missing_anywhere_sends_nothing(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    plan = portfolio.plan_by_key(PLAN)
    assert plan is not None
    portfolio.initiatives = [i for i in portfolio.initiatives if i.plan_id != plan.id or i.key in ("F13-01", "F13-02")]
    with SqliteStateStore(tmp_path / "state.db") as store:
        for day in days(DECISION - timedelta(days=15), DECISION):
            assert run(portfolio, store, emulator, day).results == []
    assert emulator.graph.messages() == []


def test_no_mail_twice_after_a_restart(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        first = run(portfolio, store, emulator, day)
    assert first.count("sent") > 0
    sent = len(emulator.graph.messages())
    for again in (day, day, day + timedelta(days=1), day + timedelta(days=2)):  # restarted, the timer rerun
        with SqliteStateStore(tmp_path / "state.db") as store:
            assert run(portfolio, store, emulator, again).results == []
    assert len(emulator.graph.messages()) == sent


def _two_processors(portfolio: Portfolio, emulator: Any, open_store: Callable[[], StateStore]) -> None:
    day = DECISION - timedelta(days=3)
    start = threading.Barrier(2)
    outcomes: list[ReminderOutcome] = []
    errors: list[BaseException] = []

    def processor(owner: str, store: StateStore) -> None:
        try:
            start.wait(timeout=30)
            outcomes.append(run(portfolio, store, emulator, day, owner=owner))
        except BaseException as error:
            errors.append(error)

    stores = [open_store(), open_store()]  # each its own connection, as two function instances have
    threads = [threading.Thread(target=processor, args=(f"host-{n}", store)) for n, store in enumerate(stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert not errors
    to = Counter(m["message"]["toRecipients"][0]["emailAddress"]["address"] for m in emulator.graph.messages())
    assert to == Counter(list(responsible(portfolio, day)))  # every person once, though both processors planned all
    assert sum(o.count("sent") for o in outcomes) == len(to)
    # The later one read the ledger after some claims, or lost the race for them: never a second mail.
    assert all(o.count("failed") == o.count("unconfirmed") == 0 for o in outcomes)


def test_two_processors_at_once_on_one_sqlite_file(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    _two_processors(portfolio, emulator, lambda: SqliteStateStore(tmp_path / "state.db"))


@pytest.mark.azurite
def test_two_processors_at_once_on_azure_table(portfolio: Portfolio, emulator: Any, azurite_connection_string: str) -> None:
    import uuid

    from kksync.state.azure import AzureStateStore

    prefix = "r" + uuid.uuid4().hex[:12]
    _two_processors(portfolio, emulator, lambda: AzureStateStore(azurite_connection_string, prefix=prefix))


def test_contacts_get_their_administrations_digest(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    base = load_governance()
    governance = base.model_copy(update={"reminders": base.reminders.model_copy(
        update={"contacts": {Administration.TMF: ("it-tmf@kk.dk",), Administration.BUF: ("it-buf@kk.dk",)}})})
    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        run(portfolio, store, emulator, day, governance=governance)
    [tmf] = emulator.graph.messages("it-tmf@kk.dk")
    assert mail_keys(tmf) == {"F13-08", "F13-11", "F13-14"}  # TMF's incomplete initiatives of the plan
    assert "kontaktperson for TMF" in tmf["text"]
    assert tmf["text"].replace("\r\n", "\n").startswith("Påmindelse før politisk behandling\n\nHej,")
    [buf] = emulator.graph.messages("it-buf@kk.dk")
    assert mail_keys(buf) == {"F13-05"}


def test_a_mail_lost_between_claim_and_send_is_never_sent_twice(portfolio: Portfolio, emulator: Any,
                                                                tmp_path: Path) -> None:
    real = graph_for(emulator)

    class Flaky:
        """Graph accepts the mail, but the connection breaks before the answer comes back."""

        def send_mime_mail(self, sender: str, mail: AlternativeMail) -> None:
            real.send_mime_mail(sender, mail)
            if mail.to == ("jens.holm@kk.dk",):
                raise SharePointError("Forbindelsen til Microsoft Graph blev afbrudt under afsendelsen")

    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        first = run(portfolio, store, emulator, day, mailer=Flaky())
        assert [r.address for r in first.results if r.status == "unconfirmed"] == ["jens.holm@kk.dk"]
        later = run(portfolio, store, emulator, day, clock=lambda: at(day) + timedelta(minutes=30))
        assert later.results == []
        [claim] = later.unconfirmed
        assert claim.address == "jens.holm@kk.dk" and "afbrudt" in claim.note
    assert len(emulator.graph.messages("jens.holm@kk.dk")) == 1


def test_a_refused_mail_is_released_and_tried_again(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    real = graph_for(emulator)
    refused = {"jens.holm@kk.dk"}

    class Refusing:
        def send_mime_mail(self, sender: str, mail: AlternativeMail) -> None:
            if mail.to[0] in refused:
                raise SharePointError("Microsoft Graph svarede 400: ErrorInvalidRecipients", status=400)
            real.send_mime_mail(sender, mail)

    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        first = run(portfolio, store, emulator, day, mailer=Refusing())
        assert [r.address for r in first.results if r.status == "failed"] == ["jens.holm@kk.dk"]
        refused.clear()
        again = run(portfolio, store, emulator, day)
    assert [(r.address, r.status) for r in again.results] == [("jens.holm@kk.dk", "sent")]
    assert len(emulator.graph.messages("jens.holm@kk.dk")) == 1


def test_missing_rights_stop_the_run_and_keep_nothing_claimed(portfolio: Portfolio, emulator: Any,
                                                             tmp_path: Path) -> None:
    class Forbidden:
        def send_mime_mail(self, sender: str, mail: AlternativeMail) -> None:
            raise AuthError("Microsoft Graph afviste adgangen (403)", status=403)

    with SqliteStateStore(tmp_path / "state.db") as store:
        with pytest.raises(AuthError):
            run(portfolio, store, emulator, DECISION - timedelta(days=14), mailer=Forbidden())
        assert store.reminder_claims(SCOPE) == []


def test_dry_run_sends_and_stores_nothing(portfolio: Portfolio, emulator: Any, tmp_path: Path) -> None:
    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        planned = run(portfolio, store, emulator, day, dry_run=True)
        assert {r.address for r in planned.results} == set(responsible(portfolio, day))
        assert {r.status for r in planned.results} == {"planned"}
        assert store.reminder_claims(SCOPE) == []
    assert emulator.graph.messages() == []


def test_a_dropped_connection_on_send_is_unconfirmed_not_repeated(portfolio: Portfolio, emulator: Any,
                                                                  tmp_path: Path) -> None:
    # The emulator breaks the connection on the second sendMail (through the product's own transport,
    # which never repeats a sendMail whose answer was lost).
    emulator.faults.add(drop=True, nth=2, kinds=("graph",), path_contains="/sendMail")
    day = DECISION - timedelta(days=14)
    with SqliteStateStore(tmp_path / "state.db") as store:
        first = run(portfolio, store, emulator, day)
        [lost] = [r for r in first.results if r.status == "unconfirmed"]
        assert "mailen er måske sendt" in lost.note
        assert first.count("sent") == len(responsible(portfolio, day)) - 1
        assert run(portfolio, store, emulator, day + timedelta(days=1)).results == []
        [held] = [c for c in store.reminder_claims(SCOPE) if c.status == "claimed"]
        assert held.address == lost.address
    assert emulator.graph.messages(lost.address) == []  # it did not go, and it is not sent twice: it is said
