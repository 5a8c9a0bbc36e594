"""`kksync emulator serve` / `python -m sp_emulator serve`: run the emulator until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app", "serve"]

app = typer.Typer(help="Local SharePoint Online site emulator.", no_args_is_help=True)


def serve(
    db: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    site: str = "kk-it",
    notification_delay: float = 1.0,
) -> None:
    """Serve until SIGINT/SIGTERM. The first stdout line announces the URL (scripts parse it)."""
    from .server import EmulatorServer

    stop = threading.Event()
    server = EmulatorServer(db_path=db, host=host, port=port, site=site, notification_delay=notification_delay)
    server.start()
    print(f"Serving SharePoint site at {server.url}", flush=True)
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Interface to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = 0,
    db: Annotated[Path, typer.Option(help="SQLite file holding the site's state.")] = Path("sharepoint-emulator.db"),
    site: Annotated[str, typer.Option(help="Site name: served at /sites/<site>.")] = "kk-it",
    notification_delay: Annotated[float, typer.Option(help="Seconds to batch changes before a webhook POST.")] = 1.0,
) -> None:
    """Serve a SharePoint site over HTTP."""
    serve(db, host=host, port=port, site=site, notification_delay=notification_delay)


@app.callback()
def _main() -> None:
    """Keep `serve` a sub-command even though it is the only one."""
