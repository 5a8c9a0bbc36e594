"""The product's guarded transport over the emulator's in-process transport: retries honour Retry-After."""

from __future__ import annotations

from pathlib import Path

from office365.runtime.http.request_options import RequestOptions

from kksync.sharepoint.retry import RetryPolicy
from kksync.sharepoint.transport import GuardedTransport
from sp_emulator import EmulatorServer
from sp_emulator.transport import EmulatorTransport


def _get(url: str) -> RequestOptions:
    return RequestOptions(url, headers={"Authorization": "Bearer t", "Accept": "application/json;odata=verbose"})


def test_throttling_with_retry_after_through_the_guarded_transport(tmp_path: Path) -> None:
    local = EmulatorServer(db_path=tmp_path / "sp.db", notification_delay=0.05)
    transport = EmulatorTransport(local)
    try:
        slept: list[float] = []
        guarded = GuardedTransport(inner=transport, policy=RetryPolicy(max_attempts=3), sleep=slept.append)
        local.faults.add(status=429, retry_after=7, nth=1)
        local.faults.add(drop=True, nth=1)  # counts from the second request: the first rule answered the first
        response = guarded.execute(_get(f"{local.url}/_api/web"))
        assert response.status_code == 200 and slept[0] == 7.0 and len(slept) == 2
        assert guarded.retries == 2 and guarded.counts["other_get"] == 3
        assert [e.fault for e in local.request_log.entries] == ["429", " drop", None]
    finally:
        local.stop()
