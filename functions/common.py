"""Plumbing shared by the blueprints: host budget, cached clients, the runtime, HTTP answers.

Imported when the app is indexed, so it holds only the standard library and ``azure.functions``;
everything of kksync beyond that is imported inside the functions that need it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import azure.functions as func

if TYPE_CHECKING:
    from kksync.app import Runtime
    from kksync.services.processor import AzureChangeQueue
    from kksync.settings import Settings
    from kksync.state.base import StateStore

__all__ = [
    "HOST_JSON",
    "change_queue",
    "deadline",
    "env",
    "http_errors",
    "json_response",
    "log",
    "max_dequeue_count",
    "open_runtime",
    "reset",
    "settings",
    "text_response",
    "webhook_store",
]

log = logging.getLogger("kksync.functions")
# The Azure SDKs log every request at INFO (URLs, headers); the function's own log is what matters.
for _noisy in ("azure", "azure.core.pipeline.policies.http_logging_policy", "urllib3"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

HOST_JSON = Path(__file__).resolve().parents[1] / "host.json"
DEFAULT_TIMEOUT_SECONDS = 300.0  # Consumption plan default when host.json does not say
DEFAULT_MAX_DEQUEUE = 5

# User-facing answers of the HTTP functions (Danish, like the rest of kksync's texts).
TEXTS = {
    "config": "Funktionen er ikke konfigureret korrekt; se loggen.",
    "throttled": "SharePoint er overbelastet; prøv igen om lidt.",
    "not_found": "Findes ikke: {error}",
    "bad_request": "Ugyldig forespørgsel: {error}",
    "failed": "Kørslen mislykkedes: {error}",
}


def env(name: str, default: str) -> str:
    """An app setting read when the app is indexed (binding values must be known before any call)."""
    return os.environ.get(name, "").strip() or default


@cache
def _host() -> dict[str, Any]:
    try:
        data = json.loads(HOST_JSON.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _seconds(text: str) -> float | None:
    parts = text.strip().split(":")
    try:
        if len(parts) == 3:
            days, _, hours = parts[0].rpartition(".")
            return (int(days or 0) * 24 + int(hours)) * 3600 + int(parts[1]) * 60 + float(parts[2])
    except ValueError:
        return None
    return None


def function_timeout() -> float:
    """``functionTimeout`` from host.json in seconds (``-1``, unlimited, counts as an hour)."""
    raw = str(_host().get("functionTimeout", ""))
    if raw.strip() == "-1":
        return 3600.0
    return _seconds(raw) or DEFAULT_TIMEOUT_SECONDS


HTTP_LIMIT_SECONDS = 230.0  # Azure's front end drops an HTTP request after 230 s, whatever functionTimeout says


def deadline(*, http: bool = False) -> float:
    """Absolute ``time.monotonic()`` by which a run must stop waiting: the time limit minus a margin to wrap up."""
    budget = min(function_timeout(), HTTP_LIMIT_SECONDS) if http else function_timeout()
    return time.monotonic() + budget - max(10.0, budget * 0.1)


def max_dequeue_count() -> int:
    queues = _host().get("extensions", {}).get("queues", {})
    value = queues.get("maxDequeueCount", DEFAULT_MAX_DEQUEUE)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_MAX_DEQUEUE


def settings() -> Settings:
    from kksync.settings import load_settings

    return load_settings()


@contextmanager
def open_runtime(*, http: bool = False) -> Iterator[Runtime]:
    """A runtime for one invocation (fresh settings, a deadline from the time limit; store closed afterwards)."""
    from kksync.app import open_runtime as open_

    runtime = open_(settings(), deadline=deadline(http=http))
    try:
        yield runtime
    finally:
        runtime.close()


# --- long-lived clients: the webhook must answer fast, so it reuses connections across calls ---------

_lock = threading.Lock()
_stores: dict[str, StateStore] = {}
_queues: dict[tuple[str, str], AzureChangeQueue] = {}


def webhook_store(current: Settings) -> StateStore:
    from kksync.state import open_state_store

    with _lock:
        store = _stores.get(current.state)
        if store is None:
            store = _stores[current.state] = open_state_store(current.state)
        return store


def change_queue(current: Settings) -> AzureChangeQueue:
    """The Azure Storage queue between webhook and processor, in the ``KKSYNC_STATE`` account."""
    from kksync.errors import ConfigError
    from kksync.services.processor import AzureChangeQueue

    if not current.state_is_azure:
        raise ConfigError("KKSYNC_STATE skal være en Azure Storage-forbindelsesstreng, når funktionerne bruger køen.")
    key = (current.state, current.queue_name)
    with _lock:
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = AzureChangeQueue(current.state, current.queue_name)
        return queue


def reset() -> None:
    """Close the cached clients (tests switch settings between cases)."""
    with _lock:
        for store in _stores.values():
            store.close()
        for queue in _queues.values():
            queue.close()
        _stores.clear()
        _queues.clear()


# --- HTTP answers ------------------------------------------------------------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"  # never a document's content in an answer
    return str(value)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    body = json.dumps(data, ensure_ascii=False, default=_default)
    return func.HttpResponse(body, status_code=status, mimetype="application/json", charset="utf-8", headers=headers)


def text_response(text: str, status: int) -> func.HttpResponse:
    return func.HttpResponse(text, status_code=status, mimetype="text/plain", charset="utf-8",
                             headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def http_errors(name: str, work: Callable[[], func.HttpResponse]) -> func.HttpResponse:
    """Run a service call and map kksync's errors to answers; unexpected errors propagate (500, logged)."""
    from kksync.errors import ConfigError, KksyncError, NotFoundError, SchemaError, ThrottledError

    try:
        return work()
    except ThrottledError as error:
        log.warning("%s: SharePoint throttled: %s", name, error)
        retry = str(int(error.retry_after or 60))
        return json_response({"error": TEXTS["throttled"]}, 503, {"Retry-After": retry})
    except (ConfigError, SchemaError) as error:
        log.error("%s: configuration error: %s", name, error)
        return json_response({"error": TEXTS["config"]}, 500)
    except NotFoundError as error:
        return json_response({"error": TEXTS["not_found"].format(error=error)}, 404)
    except KksyncError as error:
        log.warning("%s: refused: %s", name, error)
        return json_response({"error": TEXTS["bad_request"].format(error=error)}, 400)
