"""The Azure store's list leases: a blob lease on one empty blob ``leases/scope/list/lease`` per list.

The service enforces the lease, so exclusion does not depend on the instances' clocks; a finite blob
lease lasts 15–60 s and lapses by itself when its holder crashes. Renewing a lapsed lease that nobody
took since succeeds (the service keeps it until another client acquires), as in the SQLite store.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobLeaseClient

from kksync.state._azure_io import blob_prefix, guard
from kksync.state.base import Lease

__all__ = ["acquire_blob_lease", "lease_seconds", "release_blob_lease", "renew_blob_lease"]

# The blob service's range for a finite lease.
_LEASE_MIN, _LEASE_MAX = 15, 60


def lease_seconds(ttl_seconds: int) -> int:
    """``ttl_seconds`` rounded into the range the blob service accepts."""
    return max(_LEASE_MIN, min(_LEASE_MAX, ttl_seconds))


def _blob(blobs: Any, scope: str, list_key: str) -> Any:
    return blobs.get_blob_client(blob_prefix("leases", scope, list_key) + "lease")


def _held_by_another(error: HttpResponseError) -> bool:
    """The service refused a lease operation because another lease (or none) is active: 409 Conflict."""
    return bool(error.status_code == 409)


def acquire_blob_lease(blobs: Any, scope: str, list_key: str, *, owner: str, ttl_seconds: int) -> Lease | None:
    seconds = lease_seconds(ttl_seconds)
    blob = _blob(blobs, scope, list_key)
    client = BlobLeaseClient(blob, lease_id=str(uuid.uuid4()))
    with guard("tag listens lås"):
        for _ in range(2):
            try:
                client.acquire(lease_duration=seconds)
                break
            except ResourceNotFoundError:
                # The list's first lease: create its blob (another run may be doing the same).
                with contextlib.suppress(ResourceExistsError):
                    blob.upload_blob(b"", overwrite=False)
            except HttpResponseError as error:
                if _held_by_another(error):
                    return None
                raise
        else:
            return None
        # For an operator looking at the blob: who holds it. Best effort; the lease is what counts.
        with contextlib.suppress(HttpResponseError):
            blob.set_blob_metadata({"owner": owner[:200].encode("ascii", "replace").decode()}, lease=client)
    return Lease(scope, list_key, owner, client.id, datetime.now(UTC) + timedelta(seconds=seconds), seconds)


def renew_blob_lease(blobs: Any, lease: Lease) -> Lease | None:
    client = BlobLeaseClient(_blob(blobs, lease.scope, lease.list_key), lease_id=lease.lease_id)
    with guard("forny listens lås"):
        try:
            client.renew()
        except ResourceNotFoundError:
            return None
        except HttpResponseError as error:
            if _held_by_another(error):
                return None
            raise
    # The service renews for the duration the lease was taken with; this is the local estimate of it.
    return Lease(lease.scope, lease.list_key, lease.owner, lease.lease_id,
                 datetime.now(UTC) + timedelta(seconds=lease.ttl_seconds), lease.ttl_seconds)


def release_blob_lease(blobs: Any, lease: Lease) -> None:
    client = BlobLeaseClient(_blob(blobs, lease.scope, lease.list_key), lease_id=lease.lease_id)
    with guard("frigiv listens lås"):
        try:
            client.release()
        except ResourceNotFoundError:
            pass
        except HttpResponseError as error:
            if not _held_by_another(error):
                raise
