"""The composition root's long-lived webhook clients: one cache per process, in ``kksync.app``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kksync import app
from kksync.errors import ConfigError
from kksync.settings import Settings

SITE = "http://127.0.0.1:9/sites/kk"


@pytest.fixture
def clean() -> Iterator[None]:
    app.reset()
    yield
    app.reset()


def test_the_webhook_store_is_opened_once_per_state(tmp_path: Path, clean: None) -> None:
    first = Settings(site_url=SITE, state=str(tmp_path / "a.db"))
    other = Settings(site_url=SITE, state=str(tmp_path / "b.db"))
    store = app.webhook_store(first)
    assert app.webhook_store(first) is store
    assert app.webhook_store(Settings(site_url=SITE, state=str(tmp_path / "a.db"))) is store  # by state, not object
    assert app.webhook_store(other) is not store
    app.reset()
    assert app.webhook_store(first) is not store  # closed and forgotten


def test_the_functions_reach_the_same_cache(tmp_path: Path, clean: None) -> None:
    from functions import common

    settings = Settings(site_url=SITE, state=str(tmp_path / "a.db"))
    assert common.webhook_store(settings) is app.webhook_store(settings)


def test_the_change_queue_needs_azure_storage(tmp_path: Path, clean: None) -> None:
    with pytest.raises(ConfigError, match="Azure Storage"):
        app.change_queue(Settings(site_url=SITE, state=str(tmp_path / "a.db")))


def test_a_runtime_closes_its_store_when_used_as_a_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(site_url=SITE, state=str(tmp_path / "a.db"))
    closed: list[bool] = []
    with app.open_runtime(settings) as runtime:
        monkeypatch.setattr(runtime.store, "close", lambda: closed.append(True))
        assert runtime.scope.startswith(SITE)
    assert closed == [True]
