"""The SharePoint emulator in-process: the product's client on it, with no socket in between.

Most tests are about what kksync does, not about HTTP: they hand the product a ``GuardedTransport``
whose HTTP layer is ``sp_emulator.transport.EmulatorTransport``, so retries, counting and faults run
exactly as in production while requests cost a function call instead of a loopback round trip.

- ``in_process_emulator(db_path)``: an ``EmulatorServer`` that never binds a port, stopped on exit;
- ``in_process(server)``: the transport, for ``build_client(settings, transport=...)``;
- ``client_for(server)``: a ``SharePointClient`` on ``server`` in one call; ``graph_for(server)`` its Graph client;
- ``serving(server)``: while active, clients the product builds for itself (``kksync.app.build_client``,
  called inside ``open_runtime`` by the functions) reach ``server`` in-process too.

The server is never ``start()``ed (``stop()`` it when done); webhook notifications still travel over
real HTTP to a ``sp_emulator.receiver.WebhookReceiver``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from office365.runtime.transport.requests_transport import RequestsTransport

from sp_emulator.transport import EmulatorTransport

if TYPE_CHECKING:
    from kksync.settings import Settings
    from kksync.sharepoint.client import SharePointClient
    from kksync.sharepoint.graph import GraphClient
    from kksync.sharepoint.transport import GuardedTransport
    from sp_emulator import EmulatorServer

__all__ = ["client_for", "graph_for", "in_process", "in_process_emulator", "serving"]


@contextmanager
def in_process_emulator(db_path: str | Path, **options: Any) -> Iterator[EmulatorServer]:
    """``EmulatorServer(db_path=db_path, **options)``, never started (no socket); stopped on exit."""
    from sp_emulator import EmulatorServer

    server = EmulatorServer(db_path=db_path, **options)
    try:
        yield server
    finally:
        server.stop()


def in_process(server: EmulatorServer, **guarded: Any) -> GuardedTransport:
    """``GuardedTransport(inner=EmulatorTransport(server), **guarded)`` (policy, sleep, clock, deadline)."""
    from kksync.sharepoint.transport import GuardedTransport

    return GuardedTransport(inner=EmulatorTransport(server), **guarded)


def client_for(server: EmulatorServer, settings: Settings | None = None, **guarded: Any) -> SharePointClient:
    """The product's client for ``server`` as ``kksync.app.build_client`` wires it (retry policy from the
    settings), on the in-process transport; ``guarded`` (policy, sleep, ...) builds the transport instead."""
    from kksync.app import build_client
    from kksync.settings import Settings

    settings = settings or Settings(site_url=server.url, state=":memory:")
    if guarded:
        return build_client(settings, transport=in_process(server, **guarded))
    client = build_client(settings)
    client.transport.inner = EmulatorTransport(server)
    return client


def graph_for(server: EmulatorServer, settings: Settings | None = None) -> GraphClient:
    """The product's Microsoft Graph client for ``server``'s Graph (``settings.graph_endpoint``), in-process."""
    from kksync.app import build_directory
    from kksync.settings import Settings

    settings = settings or Settings(site_url=server.url, state=":memory:")
    directory = build_directory(settings.model_copy(update={"graph_enabled": True}))
    assert directory is not None
    directory.transport.inner = EmulatorTransport(server)
    return directory


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


@contextmanager
def serving(server: EmulatorServer) -> Iterator[EmulatorServer]:
    """Route the clients ``kksync.app.build_client`` makes for ``server.url`` to ``server``, in-process.

    Only a client on the default socket transport is rerouted: one built with a transport of the
    caller's own (a recorder, say) keeps it. The functions call ``open_runtime`` per invocation, which
    is why this swaps the composition root's function rather than passing a transport in.
    """
    import kksync.app

    real = kksync.app.build_client
    real_directory = kksync.app.build_directory

    def build_client(settings: Settings, *args: Any, **kwargs: Any) -> SharePointClient:
        client = real(settings, *args, **kwargs)
        if type(client.transport.inner) is RequestsTransport and _origin(client.site_url) == _origin(server.url):
            client.transport.inner = EmulatorTransport(server)
        return client

    def build_directory(settings: Settings, *args: Any, **kwargs: Any) -> GraphClient | None:
        directory = real_directory(settings, *args, **kwargs)
        if directory is not None and type(directory.transport.inner) is RequestsTransport and (
                _origin(directory.base_url) == _origin(server.url)):
            directory.transport.inner = EmulatorTransport(server)
        return directory

    kksync.app.build_client = build_client
    kksync.app.build_directory = build_directory  # type: ignore[assignment]
    try:
        yield server
    finally:
        kksync.app.build_client = real
        kksync.app.build_directory = real_directory  # type: ignore[assignment]
