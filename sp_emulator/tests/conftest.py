from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sp_emulator import EmulatorServer
from sp_emulator.receiver import WebhookReceiver


def token() -> dict[str, Any]:
    return {"access_token": "t", "token_type": "Bearer", "expires_in": 3600}


@pytest.fixture
def sp(tmp_path: Path) -> Iterator[EmulatorServer]:
    """The emulator on loopback: these tests are about what it does on the wire."""
    with EmulatorServer(db_path=tmp_path / "sp.db", notification_delay=0.05) as server:
        server.hooks.retry_interval = 0.05
        yield server


@pytest.fixture
def ctx(sp: EmulatorServer):
    from office365.sharepoint.client_context import ClientContext

    return ClientContext(sp.url).with_access_token(token)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(path="/hook") as rec:
        yield rec
