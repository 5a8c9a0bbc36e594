"""The webhook receiver SharePoint calls: validation handshake and change notifications.

Anonymous, because SharePoint cannot send a function key: the clientState is the secret. The
handshake path touches nothing but the request, so it answers within SharePoint's 5 s even on a
cold start.
"""

from __future__ import annotations

from datetime import UTC, datetime

import azure.functions as func

from functions import common
from kksync.services.webhooks import WebhookRejected, check_token, validation_token

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.function_name("webhook")
@bp.route(route="webhook", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
def webhook(req: func.HttpRequest) -> func.HttpResponse:
    token = validation_token(req.params, req.url)
    if token is None:
        return _notification(req)
    try:
        return common.text_response(check_token(token), 200)
    except WebhookRejected as error:
        common.log.warning("webhook handshake refused: %s", error)
        return common.text_response(str(error), error.status)


def _notification(req: func.HttpRequest) -> func.HttpResponse:
    from kksync.errors import ConfigError, StateError
    from kksync.services.processor import receive_notifications
    from kksync.state.base import make_scope

    try:
        settings = common.settings()
        secret = settings.webhook_client_state.get_secret_value() if settings.webhook_client_state else None
        receipt = receive_notifications(
            req.get_body(), content_length=req.headers.get("content-length"), secret=secret,
            store=common.webhook_store(settings), scope=make_scope(settings.site_url, settings.config_name),
            queue=lambda: common.change_queue(settings), now=datetime.now(UTC),
        )
    except WebhookRejected as error:
        common.log.warning("webhook refused (%s): %s", error.status, error)
        return common.text_response(str(error), error.status)
    except (ConfigError, StateError) as error:
        common.log.error("webhook cannot accept notifications: %s", error)
        return common.text_response(common.TEXTS["config"], 503)
    for refusal in receipt.refused:
        common.log.warning("webhook refused notification for subscription %s: %s", refusal.subscription_id, refusal.reason)
    for refusal in receipt.ignored:
        common.log.warning("webhook ignored notification for subscription %s: %s", refusal.subscription_id, refusal.reason)
    if receipt.enqueued or receipt.coalesced:
        common.log.info("webhook: enqueued %s, already queued %s", receipt.enqueued, receipt.coalesced)
    return func.HttpResponse(status_code=receipt.status)
