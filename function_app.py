"""The Azure Functions app: registration only (the host requires this file at the repository root).

Functions (see ``functions/``): ``webhook`` (anonymous; SharePoint's handshake and notifications →
queue), ``process_changes`` (queue → sync one list), ``nightly_reconcile`` and ``scheduled_documents``
(timers), ``readiness`` and ``documents`` (HTTP, function key).
"""

from __future__ import annotations

import azure.functions as func

from functions import api, processor, timers, webhook

BLUEPRINTS = (webhook.bp, processor.bp, timers.bp, api.bp)


def create_app() -> func.FunctionApp:
    """A fresh app with every blueprint registered (``get_functions()`` may be called once per app)."""
    new = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
    for blueprint in BLUEPRINTS:
        new.register_functions(blueprint)
    return new


app = create_app()
