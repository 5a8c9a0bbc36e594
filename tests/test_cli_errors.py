"""The CLI turns kksync's errors into Danish messages instead of tracebacks."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from kksync.errors import ConfigError, UnknownPlanError


class _Runtime:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def __enter__(self) -> _Runtime:
        return self

    def __exit__(self, *args: object) -> None:
        pass

    def check(self, plan_key: str | None = None) -> Any:
        raise self.error


@pytest.mark.parametrize(("error", "prefix"), [
    (UnknownPlanError("Planen «F1999» findes ikke. Kendte planer: F2011", plan_key="F1999"), "Findes ikke:"),
    (ConfigError("KKSYNC_SITE_URL mangler"), "Fejl:"),
], ids=["unknown-plan", "config"])
def test_errors_become_danish_messages(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                       error: Exception, prefix: str) -> None:
    from kksync import app, cli

    monkeypatch.setattr(app, "open_runtime", lambda *a, **k: _Runtime(error))
    monkeypatch.setattr(sys, "argv", ["kksync", "check", "--plan", "F1999"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert prefix in err and str(error).split(".")[0] in err and "Traceback" not in err
