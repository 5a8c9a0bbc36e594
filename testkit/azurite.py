"""Start and stop Azurite, the Azure Storage emulator from npm, for tests.

Azurite is pinned in ``package.json``; when ``node_modules/.bin/azurite`` is missing the helper runs
``npm ci`` (``npm install`` without a lock file) once. It listens on free loopback ports, keeps
everything in memory and runs in a temporary working directory, so parallel sessions never share data.
A failure to start raises ``AzuriteError`` with Azurite's own output: tests that need Azurite fail
loudly instead of being skipped.

Usage::

    with azurite() as instance:
        store = AzureStateStore(instance.connection_string)

or ``python -m testkit.azurite`` to run one by hand (prints the connection string, Ctrl-C stops it).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ACCOUNT_KEY", "ACCOUNT_NAME", "Azurite", "AzuriteError", "azurite", "ensure_installed"]

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT_NAME = "devstoreaccount1"
# Azurite's fixed, publicly documented development key; not a secret.
ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_START_TIMEOUT = 30.0
_install_lock = threading.Lock()


class AzuriteError(RuntimeError):
    """Azurite could not be installed or started."""


@dataclass(frozen=True)
class Azurite:
    """A running Azurite: its ports and the connection string that reaches all three services."""

    host: str
    blob_port: int
    queue_port: int
    table_port: int

    def endpoint(self, port: int) -> str:
        return f"http://{self.host}:{port}/{ACCOUNT_NAME}"

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT_NAME};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint={self.endpoint(self.blob_port)};QueueEndpoint={self.endpoint(self.queue_port)};"
            f"TableEndpoint={self.endpoint(self.table_port)};"
        )


def _binary(root: Path) -> Path:
    return root / "node_modules" / ".bin" / "azurite"


def ensure_installed(root: Path = ROOT) -> Path:
    """The Azurite executable, installed with npm from the pinned ``package.json`` if missing."""
    with _install_lock:
        binary = _binary(root)
        if binary.exists():
            return binary
        npm = shutil.which("npm")
        if npm is None:
            raise AzuriteError("Azurite is not installed and npm is not on PATH: install Node.js 20+ and run `npm ci`.")
        command = [npm, "ci" if (root / "package-lock.json").exists() else "install", "--no-audit", "--no-fund"]
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0 or not binary.exists():
            raise AzuriteError(f"`{' '.join(command[1:])}` failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return binary


def _free_ports(count: int, host: str) -> list[int]:
    # Hold all sockets open together so the kernel hands out distinct ports. Another process could
    # still grab one before Azurite binds it; ``azurite()`` retries on a fresh set if that happens.
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _accepting(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # Azurite runs in its own process group; signal the group so no node child outlives the test.
    # Its graceful shutdown waits for idle keep-alive connections, and with in-memory persistence
    # there is nothing to save, so it gets only a moment before it is killed.
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _start(binary: Path, workdir: Path, host: str) -> tuple[subprocess.Popen[bytes], Azurite] | None:
    blob, queue, table = _free_ports(3, host)
    log = workdir / "azurite.log"
    command = [
        str(binary), "--silent", "--inMemoryPersistence", "--skipApiVersionCheck", "--loose",
        "--blobHost", host, "--blobPort", str(blob),
        "--queueHost", host, "--queuePort", str(queue),
        "--tableHost", host, "--tablePort", str(table),
    ]  # fmt: skip
    with log.open("wb") as out:
        # --inMemoryPersistence refuses --location, so the working directory is where any stray
        # file (debug log, extent cache) would land: a temporary one.
        process = subprocess.Popen(
            command, cwd=workdir, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    instance = Azurite(host, blob, queue, table)
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            if "EADDRINUSE" in output:
                return None
            raise AzuriteError(f"Azurite exited with {process.returncode}:\n{output[-3000:]}")
        if all(_accepting(host, port) for port in (blob, queue, table)):
            return process, instance
        time.sleep(0.1)
    _stop(process)
    raise AzuriteError(
        f"Azurite did not listen within {_START_TIMEOUT:.0f} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


@contextmanager
def azurite(*, host: str = "127.0.0.1", root: Path = ROOT) -> Iterator[Azurite]:
    """Run an in-memory Azurite on free ports for the duration of the block."""
    binary = ensure_installed(root)
    with tempfile.TemporaryDirectory(prefix="azurite-") as tmp:
        for _ in range(3):
            started = _start(binary, Path(tmp), host)
            if started is not None:
                break
        else:
            raise AzuriteError("Azurite could not bind free ports after 3 attempts.")
        process, instance = started
        try:
            yield instance
        finally:
            _stop(process)


if __name__ == "__main__":
    with azurite() as running:
        print(running.connection_string, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
