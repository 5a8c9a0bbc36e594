"""Plumbing shared by the blueprints: host budget, the way to the composition root, HTTP answers, logging.

Imported when the app is indexed, so it holds only the standard library and ``azure.functions``;
everything of kksync is imported inside the functions that need it. The runtime and the long-lived
webhook store and queue are built (and cached) by the composition root, ``kksync.app``; the thin
functions here reach it lazily and are the one seam the tests replace.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import azure.functions as func

if TYPE_CHECKING:
    from kksync.app import Runtime
    from kksync.queues import AzureChangeQueue
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
    "unavailable": "En tjeneste bag funktionen svarer ikke lige nu; prøv igen om lidt.",
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


def open_runtime(*, http: bool = False) -> Runtime:
    """A runtime for one invocation: fresh settings, a deadline from the time limit. Use it in ``with``
    (the store is closed afterwards)."""
    from kksync.app import open_runtime as open_

    return open_(settings(), deadline=deadline(http=http))


# --- long-lived clients, cached by the composition root: the webhook must answer fast -------------------


def webhook_store(current: Settings) -> StateStore:
    from kksync import app

    return app.webhook_store(current)


def change_queue(current: Settings) -> AzureChangeQueue:
    """The Azure Storage queue between webhook and processor, in the ``KKSYNC_STATE`` account."""
    from kksync import app

    return app.change_queue(current)


def reset() -> None:
    """Close the cached clients (tests switch settings between cases)."""
    from kksync import app

    app.reset()


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
    """Run a service call and map kksync's errors to answers by what the caller can do about them.

    Try again later (503 + Retry-After), nothing but tell the operator (500), ask for something that
    exists (404), fix the request (400). Unexpected errors propagate (500, logged by the host).
    """
    from kksync.errors import (
        AuthError,
        ConfigError,
        KksyncError,
        NotFoundError,
        RetriableError,
        SchemaError,
        StateError,
        ThrottledError,
        UnknownError,
    )

    try:
        return work()
    except RetriableError as error:
        log.warning("%s: SharePoint throttled or unreachable: %s", name, error)
        retry = str(int(error.retry_after or 60))
        text = TEXTS["throttled"] if isinstance(error, ThrottledError) else TEXTS["unavailable"]
        return json_response({"error": text}, 503, {"Retry-After": retry})
    except (ConfigError, SchemaError, AuthError) as error:
        log.error("%s: configuration or permission error: %s", name, error)
        return json_response({"error": TEXTS["config"]}, 500)
    except StateError as error:
        log.error("%s: state store failed: %s", name, error)
        return json_response({"error": TEXTS["unavailable"]}, 503)
    except (UnknownError, NotFoundError) as error:
        return json_response({"error": TEXTS["not_found"].format(error=error)}, 404)
    except KksyncError as error:
        log.warning("%s: refused: %s", name, error)
        return json_response({"error": TEXTS["bad_request"].format(error=error)}, 400)
