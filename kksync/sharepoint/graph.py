"""A small Microsoft Graph client for what SharePoint cannot tell: is an account gone or disabled.

SharePoint keeps a colleague who left in the site's User Information List, so only Graph knows
(``GET /users/{upn}``: 404 when the account is deleted, ``accountEnabled: false`` when disabled;
application permission ``User.Read.All``). It also sends mail (``POST /users/{sender}/sendMail``,
``Mail.Send``) for reminders.

Not the office365 library's Graph client: its base URL is fixed (no local emulator) and its batches
ignore our transport. Requests go through the same ``GuardedTransport`` as SharePoint's (counting,
retries with ``Retry-After``, User-Agent); sub-requests Graph throttled inside a JSON ``$batch``
are sent again through the same retry loop.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests
from office365.runtime.http.http_method import HttpMethod
from office365.runtime.http.request_options import RequestOptions

from kksync.errors import AuthError, NotFoundError, SharePointError, ThrottledError
from kksync.settings import Settings
from kksync.sharepoint.auth import TokenProvider, graph_token_provider
from kksync.sharepoint.data import AccountState, AlternativeMail, MailMessage
from kksync.sharepoint.retry import Again, RetryPolicy, is_retriable, parse_retry_after, retry_after_of
from kksync.sharepoint.transport import GuardedTransport

__all__ = ["MAX_BATCH", "AccountState", "AlternativeMail", "GraphClient", "MailMessage", "graph_client"]

MAX_BATCH = 20
"""Requests per JSON ``$batch``: Graph refuses more."""
_USER_SELECT = "id,accountEnabled,userPrincipalName,mail"
_JSON = "application/json"


def _user_path(account: str) -> str:
    """``/users/{id | upn}``; a UPN starting with ``$`` must be written ``/users('...')`` (Get user)."""
    if account.startswith("$"):
        return f"/users('{quote(account.replace(chr(39), chr(39) * 2), safe='@$')}')"
    return f"/users/{quote(account, safe='@')}"  # guest UPNs carry '#EXT#': '#' must be encoded


def _malformed(reason: str) -> SharePointError:
    return SharePointError(f"Microsoft Graph sendte et $batch-svar, der ikke kan læses ({reason}).")


def _error_text(body: Any, status: int) -> tuple[str, str | None]:
    """(message, code) of Graph's error body ``{"error": {"code", "message"}}``; the status without one."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        code = error.get("code")
        return str(error.get("message") or code or f"HTTP {status}"), str(code) if code is not None else None
    return f"HTTP {status}", None


def _auth_error(status: int, message: str, code: str | None) -> AuthError:
    return AuthError(
        f"Microsoft Graph afviste adgangen ({status}): {message}. Tjek at app-registreringen har "
        "applikationstilladelsen User.Read.All (og Mail.Send for mails) med administratorgodkendelse.",
        status=status, code=code,
    )


class GraphClient:
    """Graph calls for one tenant. Thread-compatible, not thread-safe: use one client per worker."""

    def __init__(
        self,
        *,
        base_url: str,
        token_provider: TokenProvider,
        transport: GuardedTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport or GuardedTransport()
        self._token_provider = token_provider
        self._clock = clock
        self._token: tuple[str, float] | None = None  # (header value, valid until on clock())

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent through this client's transport so far (retries included)."""
        return int(self.transport.total)

    # --- accounts ---------------------------------------------------------------------------

    def account_states(self, upns: Iterable[str]) -> dict[str, AccountState]:
        """The state of each account (UPN or object id), asked ``MAX_BATCH`` at a time.

        Keys are the accounts as given (blank ones dropped). A sub-request Graph throttled is asked
        again after its ``Retry-After``; one still throttled when the retry budget runs out, or one
        that failed otherwise (400, 500, an odd body), is ``UNKNOWN``: not known now, do not act on it.
        Errors that would make every answer unknown raise instead, so that they are seen and mended:
        ``AuthError`` when Graph refuses our rights (401/403), ``SharePointError`` when Graph cannot
        be reached or its answer is not a ``$batch`` answer.
        """
        accounts = list(dict.fromkeys(u.strip() for u in upns if u and u.strip()))
        states: dict[str, AccountState] = {}
        for start in range(0, len(accounts), MAX_BATCH):
            states.update(self._states(accounts[start : start + MAX_BATCH]))
        return {account: states.get(account, AccountState.UNKNOWN) for account in accounts}

    def _states(self, accounts: Sequence[str]) -> dict[str, AccountState]:
        """One batch of at most ``MAX_BATCH``, its throttled sub-requests retried through the one retry loop."""
        by_id = {
            str(n): {"id": str(n), "method": "GET", "url": f"{_user_path(a)}?$select={_USER_SELECT}"}
            for n, a in enumerate(accounts, 1)
        }
        account_of = {str(n): a for n, a in enumerate(accounts, 1)}
        states: dict[str, AccountState] = {}
        pending = list(by_id)

        def attempt(number: int) -> dict[str, AccountState] | Again:
            nonlocal pending
            throttled: list[str] = []
            retry_after: float | None = None
            status: int | None = None
            for answer in self._batch([by_id[i] for i in pending]):
                rid, code, headers, body = answer
                if is_retriable(code, headers):
                    throttled.append(rid)
                    status = code
                    wanted = parse_retry_after(retry_after_of(headers))
                    if wanted is not None:  # the longest wait asked for covers every throttled request
                        retry_after = max(retry_after or 0.0, wanted)
                    continue
                states[account_of[rid]] = _state(code, body)
            if not throttled:
                return states
            pending = throttled
            return Again(retry_after, status)

        def exhausted(number: int, last: Again) -> Exception:
            return ThrottledError("Microsoft Graph blev ved med at afvise opslag af konti.", retry_after=last.retry_after,
                                  status=last.status)

        try:
            return self.transport.retrier.run(attempt, kind="graph_batch", exhausted=exhausted)
        except ThrottledError:  # attempts, budget or deadline used up: what was answered stands
            return states

    def _batch(self, subrequests: list[dict[str, Any]]) -> list[tuple[str, int, dict[str, str], Any]]:
        """(id, status, headers, body) for each request; ``SharePointError`` for an answer that does not fit."""
        response = self._send("POST", "/$batch", {"requests": subrequests}, kind="graph_batch")
        try:
            data = response.json()
        except ValueError:
            raise _malformed("ikke JSON") from None
        answers = data.get("responses") if isinstance(data, dict) else None
        if not isinstance(answers, list):
            raise _malformed("ingen responses-liste")
        wanted = {str(r["id"]).lower(): str(r["id"]) for r in subrequests}  # ids are not case-sensitive
        parsed: dict[str, tuple[str, int, dict[str, str], Any]] = {}
        for answer in answers:
            if not isinstance(answer, dict) or not isinstance(answer.get("status"), int):
                raise _malformed("et svar uden status")
            rid = wanted.get(str(answer.get("id")).lower())
            if rid is None or rid in parsed:
                raise _malformed(f"svar på en ukendt eller gentaget forespørgsel ({answer.get('id')!r})")
            headers = answer.get("headers")
            headers = {str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {}
            status = int(answer["status"])
            if status in (401, 403):
                raise _auth_error(status, *_error_text(answer.get("body"), status))
            parsed[rid] = (rid, status, headers, answer.get("body"))
        missing = [r for r in wanted.values() if r not in parsed]
        if missing:
            raise _malformed(f"intet svar på {len(missing)} af {len(subrequests)} forespørgsler")
        return [parsed[str(r["id"])] for r in subrequests]

    # --- mail -------------------------------------------------------------------------------

    def send_mail(self, sender: str, message: MailMessage | Mapping[str, Any], *, save_to_sent_items: bool = True) -> None:
        """Send ``message`` from ``sender``'s mailbox; Graph answers 202 (accepted, delivered later).

        A dropped connection is not repeated (the mail may have gone); a 429 with ``Retry-After`` is.
        """
        payload = message.payload() if isinstance(message, MailMessage) else dict(message)
        body = {"message": payload, "saveToSentItems": save_to_sent_items}
        response = self._send("POST", f"{_user_path(sender)}/sendMail", body, kind="graph_mail")
        self._accepted(response, sender)

    def send_mime_mail(self, sender: str, mail: AlternativeMail) -> None:
        """Send ``mail`` as MIME from ``sender``'s mailbox (Microsoft Learn, "user: sendMail": the MIME
        content base64-encoded in the body, ``Content-Type: text/plain``; saved in Sent Items; 202)."""
        payload = base64.b64encode(mail.mime(sender))
        response = self._send("POST", f"{_user_path(sender)}/sendMail", payload, kind="graph_mail",
                              content_type="text/plain")
        self._accepted(response, sender)

    @staticmethod
    def _accepted(response: requests.Response, sender: str) -> None:
        if response.status_code != 202:
            raise SharePointError(
                f"Microsoft Graph svarede {response.status_code} i stedet for 202 på mailen fra {sender}; "
                "tjek om den er sendt, før du prøver igen.", status=response.status_code,
            )

    # --- plumbing ---------------------------------------------------------------------------

    def _authorization(self) -> str:
        now = self._clock()
        if self._token is None or now >= self._token[1]:
            token = self._token_provider()
            lifetime = float(token.get("expires_in") or 300)
            self._token = (f"{token.get('token_type') or 'Bearer'} {token['access_token']}", now + lifetime)
        return self._token[0]

    def _send(self, method: str, path: str, body: Any, *, kind: str, content_type: str = _JSON) -> requests.Response:
        """One request through the guarded transport; a final error status becomes one of our errors.

        ``body`` is JSON, or ``bytes`` sent as they are (with ``content_type``).
        """
        options = RequestOptions(f"{self.base_url}{path}", method=HttpMethod.Post if method == "POST" else HttpMethod.Get)
        options.headers.update({"Authorization": self._authorization(), "Accept": _JSON, "Content-Type": content_type})
        if isinstance(body, bytes):
            options.data = body
        elif body is not None:
            options.data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response = self.transport.execute(options, kind=kind)
        if response.status_code < 400:
            return response
        try:
            error_body: Any = response.json()
        except ValueError:
            error_body = None
        message, code = _error_text(error_body, response.status_code)
        if response.status_code in (401, 403):
            self._token = None  # a refused token is not used again
            raise _auth_error(response.status_code, message, code)
        if response.status_code == 404:
            raise NotFoundError(f"Findes ikke i Microsoft Graph: {message}", status=404, code=code)
        raise SharePointError(f"Microsoft Graph svarede {response.status_code}: {message}", status=response.status_code,
                              code=code)


def _state(status: int, body: Any) -> AccountState:
    if status == 404:
        return AccountState.GONE
    if status != 200 or not isinstance(body, dict):
        return AccountState.UNKNOWN
    enabled = body.get("accountEnabled")
    if enabled is False:
        return AccountState.DISABLED
    return AccountState.ACTIVE if enabled is True else AccountState.UNKNOWN


def graph_client(settings: Settings, *, transport: GuardedTransport | None = None, deadline: float | None = None) -> GraphClient:
    """The Graph client the settings describe (``graph_endpoint``, ``KKSYNC_AUTH``, the retry budget)."""
    policy = RetryPolicy(max_attempts=settings.max_attempts, max_total_wait=settings.max_retry_seconds)
    return GraphClient(
        base_url=settings.graph_endpoint,
        token_provider=graph_token_provider(settings),
        transport=transport or GuardedTransport(policy=policy, deadline=deadline),
    )
