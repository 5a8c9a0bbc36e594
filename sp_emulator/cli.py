"""`kksync emulator serve` / `python -m sp_emulator serve`: run the emulator until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["app", "serve"]

app = typer.Typer(help="Lokal emulator af et SharePoint Online-site.", no_args_is_help=True)


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
    host: Annotated[str, typer.Option(help="Netværksadresse at lytte på (som standard kun denne maskine).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port; 0 vælger en ledig.")] = 0,
    db: Annotated[Path, typer.Option(help="SQLite-fil med sitets data.")] = Path("sharepoint-emulator.db"),
    site: Annotated[str, typer.Option(help="Sitets navn: serveres på /sites/<navn>.")] = "kk-it",
    notification_delay: Annotated[float, typer.Option(help="Sekunder ændringer samles før en webhook-besked.")] = 1.0,
) -> None:
    """Kør et SharePoint-site over HTTP (til Ctrl+C)."""
    import sqlite3
    import sys

    try:
        serve(db, host=host, port=port, site=site, notification_delay=notification_delay)
    except OSError as error:
        # A busy port, an address not on this machine, a folder that cannot be written: one line, no traceback.
        where = f"{host}:{port}" if error.filename is None else str(error.filename)
        print(f"Emulatoren kunne ikke starte ({where}): {error.strerror or error}. "
              "Vælg en anden --port (0 finder en ledig) eller en anden --db.", file=sys.stderr)
        raise typer.Exit(2) from None
    except sqlite3.Error as error:
        print(f"Emulatoren kunne ikke åbne databasen «{db}»: {error}. Angiv en skrivbar SQLite-fil med --db.",
              file=sys.stderr)
        raise typer.Exit(2) from None


@app.callback()
def _main() -> None:
    """Lokal emulator af et SharePoint Online-site."""
