"""The reminders timer: a thin shell over ``Runtime.remind`` (the service is tested in ``tests/reminders``)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest

from .conftest import Env, Handler, timer

pytestmark = pytest.mark.azurite

DAY = date(2012, 9, 20)


def test_without_a_sender_nothing_is_sent(handlers: dict[str, Handler], env: Env, monkeypatch: pytest.MonkeyPatch,
                                          caplog: Any) -> None:
    from kksync.app import Runtime

    called: list[object] = []
    monkeypatch.setattr(Runtime, "remind", lambda self, **kw: called.append(kw))
    caplog.set_level(logging.INFO, "kksync.functions")
    handlers["reminders"](timer())
    assert called == [] and "KKSYNC_MAIL_SENDER is not set" in caplog.text


def test_sends_todays_reminders_and_fails_visibly_on_a_refusal(handlers: dict[str, Handler], env: Env,
                                                               monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    from functions import timers
    from kksync.app import Runtime
    from kksync.checks.reminder_mail import ReminderMail
    from kksync.services.reminders import ReminderOutcome, ReminderResult

    env.set(mail_sender="it-strategi@kk.dk")
    monkeypatch.setattr(timers, "_today", lambda: DAY)
    mail = ReminderMail("a@kk.dk", "Påmindelse", "<p>x</p>", "x")
    answers = [
        [ReminderResult("a@kk.dk", "sent", mail, 1, ("F",)), ReminderResult("b@kk.dk", "taken", mail, 1, ("F",))],
        [ReminderResult("c@kk.dk", "failed", mail, 2, ("F",), "Microsoft Graph svarede 400")],
    ]
    calls: list[dict[str, Any]] = []

    def remind(self: Runtime, **kw: Any) -> ReminderOutcome:
        calls.append(kw)
        return ReminderOutcome(kw["today"], False, results=answers.pop(0))

    monkeypatch.setattr(Runtime, "remind", remind)
    caplog.set_level(logging.INFO, "kksync.functions")
    handlers["reminders"](timer())
    assert calls == [{"today": DAY}]
    assert "reminders 2012-09-20: 1 sent, 1 already taken, 0 refused, 0 unconfirmed" in caplog.text
    with pytest.raises(RuntimeError, match="1 reminder mail"):
        handlers["reminders"](timer())
    assert "reminder to c@kk.dk refused: Microsoft Graph svarede 400" in caplog.text
