"""The change processor: one queue message = sync, check and write back one list."""

from __future__ import annotations

import azure.functions as func

from functions import common

# Resolved when the app is indexed; the default must match Settings.queue_name (a test pins it).
QUEUE_NAME = common.env("KKSYNC_QUEUE_NAME", "kksync-changes")
QUEUE_CONNECTION = "KKSYNC_STATE"  # the app setting holding the storage connection string

bp = func.Blueprint()  # type: ignore[no-untyped-call]  # azure-functions leaves __init__ unannotated


@bp.function_name("process_changes")
@bp.queue_trigger(arg_name="msg", queue_name=QUEUE_NAME, connection=QUEUE_CONNECTION)
def process_changes(msg: func.QueueMessage) -> None:
    from kksync.errors import BadMessage
    from kksync.queues import ChangeMessage

    try:
        message = ChangeMessage.decode(msg.get_body())
    except BadMessage as error:
        # Retrying cannot fix it: log it (the body holds no secrets) and let the runtime delete it.
        common.log.error("KKSYNC_ALERT dropped queue message %s: %s Body: %r", msg.id, error, msg.get_body()[:200])
        return
    try:
        with common.open_runtime() as runtime:
            result = runtime.process_change(message, queue=common.change_queue(runtime.settings))
    except Exception as error:
        _log_failure(msg, message.list_key, error)
        raise
    if result.status == "deferred":
        common.log.warning("list %s throttled; put back on the queue, visible again in %s s", result.list_key, result.retry_after)
    elif result.status == "skipped":
        common.log.warning("queue message %s skipped: %s", msg.id, result.note)
    elif result.outcome is not None:
        o = result.outcome
        common.log.info("list %s synced: %d changed, %d written, %d requests, %d resource units", result.list_key,
                        o.changed, o.writes, o.requests, o.resource_units)


def _log_failure(msg: func.QueueMessage, list_key: str, error: BaseException) -> None:
    attempt, limit = msg.dequeue_count or 1, common.max_dequeue_count()
    reason = f"{type(error).__name__}: {error}"
    if attempt >= limit:
        common.log.error("KKSYNC_ALERT list %s failed %d of %d attempts; the runtime moves message %s to %s-poison. "
                         "Reason: %s", list_key, attempt, limit, msg.id, QUEUE_NAME, reason)
    else:
        common.log.warning("list %s failed (attempt %d of %d), will be retried: %s", list_key, attempt, limit, reason)
