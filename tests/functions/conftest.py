"""Fixtures for the function-app tests: the handlers, settings via environment, emulator and Azurite.

Handlers are called directly with ``func.HttpRequest``/``func.QueueMessage``/``func.TimerRequest``;
SharePoint is the local emulator and the queue and state live in Azurite, as in Azure. The emulator
runs in-process (the clients the functions build reach it without a socket) unless a test is marked
``loopback``; webhook notifications always travel over real HTTP to the handler.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

from sp_emulator import EmulatorServer
from sp_emulator.receiver import Answer, Delivery, WebhookReceiver
from testkit.emulator import serving

SECRET = "s3cret-client-state-" + "x" * 12
Handler = Callable[..., Any]


@pytest.fixture(scope="session")
def handlers() -> dict[str, Handler]:
    import function_app

    return {f.get_function_name(): f.get_user_function() for f in function_app.create_app().get_functions()}


def http_request(
    method: str = "POST", *, route: str = "webhook", body: bytes = b"", params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None, route_params: dict[str, str] | None = None,
) -> func.HttpRequest:
    all_headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), **(headers or {})}
    return func.HttpRequest(method, f"http://localhost:7071/api/{route}", headers=all_headers,
                            params=params or {}, route_params=route_params or {}, body=body)


class Clock:
    """The emulator's clock, shiftable (to stamp a change hours ago)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Env:
    """The settings a test runs the functions with, plus the clients to look behind them."""

    monkeypatch: pytest.MonkeyPatch
    connection_string: str
    queue_name: str
    config_name: str
    site_url: str = "http://127.0.0.1:9/sites/kk-it"

    def set(self, **values: str) -> None:
        for key, value in values.items():
            self.monkeypatch.setenv(f"KKSYNC_{key.upper()}", value)

    @property
    def scope(self) -> str:
        from kksync.state.base import make_scope

        return make_scope(self.site_url, self.config_name)

    def queue(self) -> Any:
        from azure.core.exceptions import ResourceExistsError
        from azure.storage.queue import QueueClient, TextBase64DecodePolicy, TextBase64EncodePolicy

        client = QueueClient.from_connection_string(
            self.connection_string, self.queue_name,
            message_encode_policy=TextBase64EncodePolicy(), message_decode_policy=TextBase64DecodePolicy(),
        )
        with contextlib.suppress(ResourceExistsError):
            client.create_queue()
        return client

    def visible(self) -> list[str]:
        return [m.content for m in self.queue().peek_messages(max_messages=32)]

    def store(self) -> Any:
        from kksync.state import open_state_store

        return open_state_store(self.connection_string)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, azurite_connection_string: str, tmp_path: Path) -> Iterator[Env]:
    from functions import common

    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env
    tag = uuid.uuid4().hex[:12]
    current = Env(monkeypatch, azurite_connection_string, f"q{tag}", f"t{tag}")
    current.set(site_url=current.site_url, auth="emulator", state=azurite_connection_string, queue_name=current.queue_name,
                config_name=current.config_name, webhook_client_state=SECRET, max_attempts="2", max_retry_seconds="5")
    common.reset()
    yield current
    common.reset()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(request: pytest.FixtureRequest, tmp_path: Path, clock: Clock) -> Iterator[EmulatorServer]:
    """The site: in-process, or on a loopback port for a test marked ``loopback``."""
    server = EmulatorServer(db_path=tmp_path / "sp.db", notification_delay=0.05, clock=clock)
    server.hooks.retry_interval = 0.2
    if request.node.get_closest_marker("loopback") is not None:
        with server:
            yield server
        return
    try:
        with serving(server):
            yield server
    finally:
        server.stop()


def seed_site(client: Any) -> None:
    """Provision the lists and put a small, fixed portfolio on them.

    Not ``kksync.services.seed.seed``: the sample data belongs to another part of the project and may
    change; these tests want a small portfolio that stays put (and seeds in a fraction of a second).
    """
    from kksync.services.provision import provision
    from kksync.services.seed import seed_portfolio
    from testkit.scenarios import documents_portfolio, people_of

    provision(client)
    portfolio = documents_portfolio(3)
    seed_portfolio(client, portfolio, people_of(portfolio))


@pytest.fixture
def site(env: Env, emulator: EmulatorServer) -> EmulatorServer:
    """A provisioned, seeded emulator site the functions' settings point at (not yet synced)."""
    from kksync.app import build_client
    from kksync.settings import load_settings

    env.site_url = emulator.url
    env.set(site_url=emulator.url)
    seed_site(build_client(load_settings()))
    return emulator


class WebhookAdapter(WebhookReceiver):
    """The real webhook handler on loopback: HTTP request → ``func.HttpRequest`` → handler → answer."""

    def __init__(self, handler: Handler) -> None:
        def answer(delivery: Delivery) -> Answer:
            request = func.HttpRequest(
                "POST", f"http://127.0.0.1{delivery.target}", headers=delivery.headers, params=delivery.params,
                route_params={}, body=delivery.body,
            )
            response = handler(request)
            return Answer(response.status_code, response.get_body(), response.mimetype or "text/plain")

        super().__init__(on_notification=answer, on_validation=answer)


@pytest.fixture
def adapter(handlers: dict[str, Handler], env: Env) -> Iterator[WebhookAdapter]:
    with WebhookAdapter(handlers["webhook"]) as served:
        env.set(notification_url=served.url)
        yield served


def queue_message(content: str | bytes, *, dequeue_count: int = 1, message_id: str = "m-1") -> func.QueueMessage:
    """A message as the runtime hands it over (``func.QueueMessage`` itself has no dequeue count)."""
    from azure.functions.queue import QueueMessage

    body = content.encode() if isinstance(content, str) else content
    return QueueMessage(id=message_id, body=body, dequeue_count=dequeue_count)


def receive_all(env: Env) -> list[func.QueueMessage]:
    """Dequeue the visible messages as the Functions runtime would hand them to the processor."""
    client = env.queue()
    out = []
    for message in client.receive_messages(max_messages=32, visibility_timeout=60):
        client.delete_message(message)
        out.append(queue_message(message.content, dequeue_count=message.dequeue_count, message_id=message.id))
    return out


def receive(env: Env) -> func.QueueMessage:
    """Dequeue the one visible message."""
    received = receive_all(env)
    assert len(received) == 1, [m.get_body() for m in received]
    return received[0]


def timer(*, past_due: bool = False) -> func.TimerRequest:
    from azure.functions.timer import TimerRequest

    return TimerRequest(past_due=past_due)
