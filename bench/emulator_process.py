"""The emulator in a process of its own, for benchmarks that measure the product's process alone.

``EmulatorProcess(db_path)`` starts ``EmulatorServer`` on a free loopback port in a spawned child and
answers a few commands over a pipe: department edits (straight into the site, as a browser would),
the resource units SharePoint would have charged the app, and a reset of that count.
"""

from __future__ import annotations

import multiprocessing
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: sp_emulator is not installed


def _serve(db_path: str, conn: Connection) -> None:
    from sp_emulator import EmulatorServer

    with EmulatorServer(db_path=db_path) as sp:
        conn.send(sp.url)
        while True:
            command, args = conn.recv()
            if command == "stop":
                conn.send(None)
                return
            if command == "edit":
                title, ids, column, value = args
                for item_id in ids:
                    sp.edit_item(title, item_id, {column: f"{value} {item_id}"})
                conn.send(len(ids))
            elif command == "units":
                conn.send((sp.budget.total, sp.request_log.total))
            elif command == "reset":
                sp.budget.reset()
                sp.request_log.reset()
                conn.send(None)


class EmulatorProcess:
    def __init__(self, db_path: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(str(db_path), child), daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def _ask(self, command: str, *args: Any) -> Any:
        self._conn.send((command, args))
        return self._conn.recv()

    def edit(self, title: str, ids: list[int], column: str, value: str) -> int:
        return int(self._ask("edit", title, ids, column, value))

    def units(self) -> tuple[int, int]:
        """(resource units charged to the app, HTTP requests received) since the last reset."""
        units, requests = self._ask("units")
        return int(units), int(requests)

    def reset(self) -> None:
        self._ask("reset")

    def stop(self) -> None:
        if self._process.is_alive():
            self._ask("stop")
            self._process.join(timeout=10)

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
