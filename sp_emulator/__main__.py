from __future__ import annotations

from .cli import app

app(prog_name="python -m sp_emulator")
