"""The Microsoft Graph client against a fake Graph in the documented shapes (no network)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from kksync.errors import AuthError, NotFoundError, SharePointError
from kksync.sharepoint.graph import MAX_BATCH, AccountState, GraphClient, MailMessage
from kksync.sharepoint.retry import RetryPolicy
from kksync.sharepoint.transport import USER_AGENT, GuardedTransport

from .fakes import FakeGraph, canned

USERS = [
    {"id": "11111111-0000-0000-0000-000000000001", "userPrincipalName": "aktiv@kk.dk", "mail": "aktiv@kk.dk",
     "accountEnabled": True},
    {"id": "11111111-0000-0000-0000-000000000002", "userPrincipalName": "spaerret@kk.dk", "mail": None,
     "accountEnabled": False},
    {"id": "11111111-0000-0000-0000-000000000003", "userPrincipalName": "gaest_ekstern.dk#EXT#@kk.onmicrosoft.com",
     "mail": "gaest@ekstern.dk", "accountEnabled": True},
]


class Setup:
    def __init__(self, graph: FakeGraph, client: GraphClient, slept: list[float], tokens: list[int]) -> None:
        self.graph, self.client, self.slept, self.tokens = graph, client, slept, tokens


def _setup(*, attempts: int = 4, users: list[dict[str, Any]] | None = None, clock: list[float] | None = None) -> Setup:
    graph = FakeGraph(users if users is not None else USERS)
    slept: list[float] = []
    tokens: list[int] = []
    now = clock if clock is not None else [0.0]

    def provider() -> dict[str, Any]:
        tokens.append(1)
        return {"access_token": f"graph-token-{len(tokens)}", "token_type": "Bearer", "expires_in": 600}

    transport = GuardedTransport(graph, policy=RetryPolicy(max_attempts=attempts), sleep=slept.append)
    client = GraphClient(base_url=FakeGraph.base + "/", token_provider=provider, transport=transport,
                         clock=lambda: now[0])
    return Setup(graph, client, slept, tokens)


def _batches(graph: FakeGraph) -> list[list[dict[str, Any]]]:
    return [body["requests"] for method, url, _, body in graph.log if url.endswith("/$batch")]


def test_active_disabled_and_gone_in_one_batch() -> None:
    s = _setup()
    states = s.client.account_states(["aktiv@kk.dk", "SPAERRET@kk.dk", "slettet@kk.dk", "aktiv@kk.dk", " ", USERS[0]["id"]])
    assert states == {"aktiv@kk.dk": AccountState.ACTIVE, "SPAERRET@kk.dk": AccountState.DISABLED,
                      "slettet@kk.dk": AccountState.GONE, USERS[0]["id"]: AccountState.ACTIVE}
    [batch] = _batches(s.graph)
    assert [r["method"] for r in batch] == ["GET"] * 4
    assert batch[0]["url"] == "/users/aktiv@kk.dk?$select=id,accountEnabled,userPrincipalName,mail"
    assert s.client.transport.counts == {"graph_batch": 1} and s.client.requests_sent == 1


def test_requests_are_decorated_and_authorised_once_per_token_lifetime() -> None:
    now = [0.0]
    s = _setup(clock=now)
    s.client.account_states(["aktiv@kk.dk"])
    s.client.account_states(["spaerret@kk.dk"])
    now[0] = 601.0  # past expires_in: a new token
    s.client.account_states(["aktiv@kk.dk"])
    headers = [h for _, _, h, _ in s.graph.log]
    assert [h["Authorization"] for h in headers] == ["Bearer graph-token-1"] * 2 + ["Bearer graph-token-2"]
    assert all(h["User-Agent"] == USER_AGENT and h["Content-Type"] == "application/json" for h in headers)
    assert s.graph.log[0][1] == "https://graph.test/v1.0/$batch"


def test_at_most_twenty_per_batch() -> None:
    users = [{"id": f"id-{n}", "userPrincipalName": f"bruger{n}@kk.dk", "mail": None, "accountEnabled": n % 2 == 0}
             for n in range(45)]
    s = _setup(users=users)
    states = s.client.account_states(u["userPrincipalName"] for u in users)
    assert [len(b) for b in _batches(s.graph)] == [MAX_BATCH, MAX_BATCH, 5]
    assert [states[u["userPrincipalName"]] for u in users] == [
        AccountState.ACTIVE if n % 2 == 0 else AccountState.DISABLED for n in range(45)]


def test_a_429_inside_the_batch_honours_its_retry_after_and_is_asked_again_alone() -> None:
    s = _setup()
    s.graph.throttle["spaerret@kk.dk"] = 1
    states = s.client.account_states(["aktiv@kk.dk", "spaerret@kk.dk", "slettet@kk.dk"])
    assert states["spaerret@kk.dk"] is AccountState.DISABLED
    assert [len(b) for b in _batches(s.graph)] == [3, 1]
    assert _batches(s.graph)[1][0]["url"].startswith("/users/spaerret@kk.dk?")
    assert s.slept == [7.0] and s.client.transport.retries == 1


def test_still_throttled_after_the_attempts_is_unknown_and_the_rest_stands() -> None:
    s = _setup(attempts=3)
    s.graph.throttle["spaerret@kk.dk"] = 99
    states = s.client.account_states(["aktiv@kk.dk", "spaerret@kk.dk"])
    assert states == {"aktiv@kk.dk": AccountState.ACTIVE, "spaerret@kk.dk": AccountState.UNKNOWN}
    assert len(_batches(s.graph)) == 3


def test_a_wait_beyond_the_budget_is_not_slept_and_leaves_the_account_unknown() -> None:
    s = _setup()
    s.graph.retry_after = "3600"
    s.graph.throttle["aktiv@kk.dk"] = 1
    assert s.client.account_states(["aktiv@kk.dk", "slettet@kk.dk"]) == {
        "aktiv@kk.dk": AccountState.UNKNOWN, "slettet@kk.dk": AccountState.GONE}
    assert s.slept == []


def test_a_throttled_batch_request_is_retried_by_the_transport() -> None:
    s = _setup()
    s.graph.whole_batch.append(canned(429, {"error": {"code": "TooManyRequests", "message": "x"}},
                                      headers={"Retry-After": "2"}))
    assert s.client.account_states(["aktiv@kk.dk"]) == {"aktiv@kk.dk": AccountState.ACTIVE}
    assert s.slept == [2.0]


@pytest.mark.parametrize("status", [500, 400, 502])
def test_other_sub_request_errors_are_unknown_and_only_gateways_repeated(status: int) -> None:
    s = _setup(attempts=2)
    s.graph.fail["aktiv@kk.dk"] = status
    states = s.client.account_states(["aktiv@kk.dk", "spaerret@kk.dk"])
    assert states == {"aktiv@kk.dk": AccountState.UNKNOWN, "spaerret@kk.dk": AccountState.DISABLED}
    # a 500 without Retry-After is a fixed error (not throttling); 502 is a gateway: asked once more
    assert [len(b) for b in _batches(s.graph)] == ([2, 1] if status == 502 else [2])


def test_missing_rights_inside_the_batch_raise_naming_the_permission() -> None:
    s = _setup()
    s.graph.fail["aktiv@kk.dk"] = 403
    with pytest.raises(AuthError, match=r"User\.Read\.All"):
        s.client.account_states(["aktiv@kk.dk", "spaerret@kk.dk"])


def test_a_refused_token_raises_and_is_not_used_again() -> None:
    s = _setup()
    s.graph.whole_batch.append(canned(401, {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}))
    with pytest.raises(AuthError, match=r"\(401\): expired") as error:
        s.client.account_states(["aktiv@kk.dk"])
    assert error.value.code == "InvalidAuthenticationToken"
    s.client.account_states(["aktiv@kk.dk"])
    assert len(s.tokens) == 2


@pytest.mark.parametrize(("answer", "reason"), [
    (canned(200, content=b"<html>proxy error</html>"), "ikke JSON"),
    (canned(200, {"value": []}), "ingen responses-liste"),
    (canned(200, {"responses": [{"id": "1", "body": {}}]}), "uden status"),
    (canned(200, {"responses": [{"id": "9", "status": 200, "body": {}}]}), "ukendt"),
    (canned(200, {"responses": ["1"]}), "uden status"),
    (canned(200, {"responses": []}), "intet svar på 2 af 2"),
])
def test_a_malformed_batch_answer_is_a_clear_error(answer: Any, reason: str) -> None:
    s = _setup()
    s.graph.batch_answer = lambda: answer
    with pytest.raises(SharePointError, match=r"Microsoft Graph sendte et \$batch-svar") as error:
        s.client.account_states(["aktiv@kk.dk", "spaerret@kk.dk"])
    assert reason in str(error.value)


def test_odd_user_bodies_are_unknown_not_a_crash() -> None:
    s = _setup(users=[{"id": "x", "userPrincipalName": "uden@kk.dk", "mail": None}])  # no accountEnabled
    assert s.client.account_states(["uden@kk.dk"]) == {"uden@kk.dk": AccountState.UNKNOWN}


def test_awkward_upns_are_addressed_as_graph_documents() -> None:
    s = _setup()
    guest = USERS[2]["userPrincipalName"]
    states = s.client.account_states([guest, "$dollar@kk.dk"])
    assert states == {guest: AccountState.ACTIVE, "$dollar@kk.dk": AccountState.GONE}
    urls = [r["url"] for r in _batches(s.graph)[0]]
    assert urls[0].startswith("/users/gaest_ekstern.dk%23EXT%23@kk.onmicrosoft.com?")  # '#' would end the URL
    assert urls[1].startswith("/users('$dollar@kk.dk')?")


def test_no_accounts_no_requests() -> None:
    s = _setup()
    assert s.client.account_states([]) == {}
    assert s.graph.log == []


def test_send_mail_posts_the_message_and_expects_202() -> None:
    s = _setup()
    s.client.send_mail("kksync@kk.dk", MailMessage("Påmindelse", "Husk statusrapporten.", ("aktiv@kk.dk",),
                                                    cc=("chef@kk.dk",)))
    [(sender, body)] = s.graph.sent
    assert sender == "kksync@kk.dk"
    assert body == {"message": {"subject": "Påmindelse", "body": {"contentType": "Text", "content": "Husk statusrapporten."},
                                "toRecipients": [{"emailAddress": {"address": "aktiv@kk.dk"}}],
                                "ccRecipients": [{"emailAddress": {"address": "chef@kk.dk"}}]},
                    "saveToSentItems": True}
    assert s.client.transport.counts == {"graph_mail": 1}


def test_send_mail_retries_a_429_but_never_a_dropped_connection() -> None:
    s = _setup()
    s.graph.whole_batch = []
    throttled = canned(429, {"error": {"code": "ApplicationThrottled", "message": "x"}}, headers={"Retry-After": "5"})
    original = s.graph.execute
    answers = [throttled]
    s.graph.execute = lambda request: answers.pop(0) if answers else original(request)  # type: ignore[method-assign]
    s.client.send_mail("kksync@kk.dk", {"subject": "Hej", "toRecipients": []})
    assert s.slept == [5.0] and len(s.graph.sent) == 1
    s.graph.drop_mail = True
    with pytest.raises(SharePointError, match="mailen er måske sendt"):
        s.client.send_mail("kksync@kk.dk", {"subject": "Hej", "toRecipients": []})
    assert s.client.transport.counts["graph_mail"] == 3  # 429, 202, the dropped one (not repeated)


@pytest.mark.parametrize(("status", "error"), [(200, SharePointError), (404, NotFoundError), (403, AuthError)])
def test_send_mail_answers_other_than_202(status: int, error: type[Exception]) -> None:
    s = _setup()
    s.graph.mail_status = status
    with pytest.raises(error):
        s.client.send_mail("ukendt@kk.dk", MailMessage("x", "y", ("aktiv@kk.dk",)))


def test_an_unreachable_graph_is_a_clear_error_naming_the_setting() -> None:
    s = _setup(attempts=2)

    def refuse(request: Any) -> Any:
        raise requests.ConnectionError("connection refused")

    s.graph.execute = refuse  # type: ignore[method-assign]
    with pytest.raises(SharePointError, match=r"Microsoft Graph kunne ikke nås efter 2 forsøg.*KKSYNC_GRAPH_URL"):
        s.client.account_states(["aktiv@kk.dk"])
