"""A local SharePoint Online site speaking the real REST protocol (odata=verbose), for tests and benchmarks.

The unmodified office365-rest-python-client talks to it exactly as to SharePoint Online; state lives in
SQLite so a restart loses nothing. Each behaviour, its public source and its test: FIDELITY.md; the
behaviours no source settles are switches on ``Fidelity``.
"""

from __future__ import annotations

from .cli import serve
from .faults import Fault, FaultPlan, RequestLog
from .fidelity import Fidelity
from .server import EmulatorServer
from .site import APP_LOGIN

__all__ = ["APP_LOGIN", "EmulatorServer", "Fault", "FaultPlan", "Fidelity", "RequestLog", "serve"]
