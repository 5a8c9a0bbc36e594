"""Send today's reminder mails before political decision: plan, claim, send, record (``kksync remind``, the timer).

The planning and the mail are pure (``kksync.checks.reminders``, ``kksync.checks.reminder_mail``); this
service adds the ledger and Microsoft Graph, in an order chosen so that no mail goes out twice:

1. read the ledger: which reminder keys each person already got, who already had today's digest;
2. plan the digests (nothing for a person with nothing missing, nothing already sent);
3. per digest, **claim** it in the ledger (the day and every reminder key, all or nothing); a refused
   claim means another processor or an earlier run has it: skip;
4. send it through Graph; on 202 mark it ``sent``.

A crash (or a lost answer) between 3 and 4 leaves a claim that is not ``sent``. It is never sent again by
itself — at most once, never twice — and every later run lists it as unconfirmed (with ``KKSYNC_ALERT``)
so an operator can look in the sender's Sent Items. When Graph refused the mail for certain (a 4xx, or
throttling that outlived the retry budget) the claim is released and the next run tries again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from kksync.checks.engine import check_portfolio
from kksync.checks.reminder_mail import ReminderMail, compose
from kksync.checks.reminders import OccasionSource, Unreachable, default_sources, plan_reminders
from kksync.errors import AuthError, NotFoundError, SharePointError, ThrottledError
from kksync.sharepoint.data import AlternativeMail
from kksync.state.base import ReminderClaim

if TYPE_CHECKING:
    from kksync.checks.findings import CheckReport
    from kksync.checks.governance import Governance
    from kksync.core.model import Portfolio
    from kksync.services.ports import MailSender, ReminderLedger

__all__ = ["ReminderOutcome", "ReminderResult", "send_reminders"]

Status = Literal["planned", "sent", "taken", "failed", "unconfirmed"]
UNCONFIRMED_AFTER = timedelta(minutes=10)
"""A claim this old that is still not ``sent`` is reported: a processor sending right now is not."""


@dataclass(frozen=True, slots=True)
class ReminderResult:
    address: str
    status: Status
    mail: ReminderMail
    initiatives: int
    plans: tuple[str, ...]
    note: str = ""


@dataclass
class ReminderOutcome:
    day: date
    dry_run: bool
    results: list[ReminderResult] = field(default_factory=list)
    unreachable: list[Unreachable] = field(default_factory=list)
    unconfirmed: list[ReminderClaim] = field(default_factory=list)
    """Earlier claims never confirmed sent (see the module docstring)."""

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)


def send_reminders(
    portfolio: Portfolio,
    ledger: ReminderLedger,
    mailer: MailSender | None,
    *,
    scope: str,
    governance: Governance,
    site_url: str,
    sender: str | None,
    today: date,
    owner: str,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    dry_run: bool = False,
    plan_key: str | None = None,
    report: CheckReport | None = None,
    sources: Iterable[OccasionSource] | None = None,
) -> ReminderOutcome:
    """Send (or with ``dry_run`` only show) the digests due ``today``; ``owner`` names this processor.

    ``sources``: the deadlines to remind of; by default every one the governance file knows (``default_sources``).
    """
    if not dry_run and (mailer is None or not sender):
        raise ValueError("sending needs a mailer and a sender address")
    now = clock()
    if report is None:
        report = check_portfolio(portfolio, governance=governance, today=today, now=now)
    claims = ledger.reminder_claims(scope)
    sent: dict[str, set[str]] = {}
    for held in claims:
        sent.setdefault(held.address, set()).update(held.keys)
    busy = {c.address for c in claims if c.day == today}
    plan = plan_reminders(portfolio, report, governance.reminders, today=today, sent=sent, busy_today=busy,
                          plan_key=plan_key, sources=default_sources(governance) if sources is None else sources)
    outcome = ReminderOutcome(today, dry_run, unreachable=plan.unreachable)
    outcome.unconfirmed = [c for c in claims if c.status == "claimed" and c.claimed_at <= now - UNCONFIRMED_AFTER]
    for digest in plan.digests:
        mail = compose(digest, site_url=site_url)
        plans = tuple(dict.fromkeys(s.occasion.plan_key for s in digest.sections))

        def result(status: Status, note: str = "", *, mail: ReminderMail = mail, digest_plans: tuple[str, ...] = plans,
                   initiatives: int = digest.initiatives) -> None:
            outcome.results.append(ReminderResult(mail.to, status, mail, initiatives, digest_plans, note))

        if dry_run:
            result("planned")
            continue
        assert mailer is not None and sender
        if not ledger.claim_reminder(ReminderClaim(scope, digest.address, today, digest.keys, owner, now)):
            result("taken")
            continue
        status, note = _send(mailer, sender, mail, ledger, scope=scope, today=today, clock=clock)
        result(status, note)
    return outcome


def _send(mailer: MailSender, sender: str, mail: ReminderMail, ledger: ReminderLedger, *, scope: str, today: date,
          clock: Callable[[], datetime]) -> tuple[Status, str]:
    try:
        mailer.send_mime_mail(sender, AlternativeMail(mail.subject, mail.html, mail.text, (mail.to,)))
    except (AuthError, NotFoundError):
        # The app's rights or the sender's mailbox: nothing will go until that is mended.
        ledger.release_reminder(scope, mail.to, today)
        raise
    except ThrottledError as error:  # Graph said no, again and again: not sent
        ledger.release_reminder(scope, mail.to, today)
        return "failed", str(error)
    except SharePointError as error:
        if error.status is not None and 400 <= error.status < 500:  # refused for certain: may be tried again
            ledger.release_reminder(scope, mail.to, today)
            return "failed", str(error)
        # A dropped connection, a 5xx after retries, an odd answer: it may have gone. Never twice.
        ledger.finish_reminder(scope, mail.to, today, sent=False, at=clock(), note=str(error)[:500])
        return "unconfirmed", str(error)
    ledger.finish_reminder(scope, mail.to, today, sent=True, at=clock())
    return "sent", ""
