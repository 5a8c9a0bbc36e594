"""Every HTTP endpoint of the function app needs a key, except the SharePoint webhook receiver.

The test enumerates whatever the app registers (``get_functions()`` and each function's binding
JSON, exactly what the Functions host indexes), so an endpoint added later without a key fails it.
The webhook is anonymous because SharePoint cannot send a function key; its secret is the
clientState (see ``test_webhook_spoofing.py`` and ``tests/functions/test_webhook_handler.py``).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYED = {"FUNCTION", "ADMIN"}
ANONYMOUS_BY_DESIGN = {"webhook": ("webhook", ["POST"])}  # function name -> (route, methods)


def http_triggers(app: func.FunctionApp) -> dict[str, dict[str, Any]]:
    """Function name -> its HTTP trigger binding, for every function of ``app`` that has one.

    Indexes a copy: ``get_functions()`` may be called only once per app, and the module's ``app`` is
    what the host indexes.
    """
    found: dict[str, dict[str, Any]] = {}
    for function in copy.deepcopy(app).get_functions():
        spec = json.loads(function.get_function_json())
        for binding in spec["bindings"]:
            if str(binding.get("type", "")).lower() == "httptrigger":
                assert function.get_function_name() not in found, "two HTTP triggers on one function"
                found[function.get_function_name()] = binding
    return found


def auth_problems(app: func.FunctionApp) -> list[str]:
    """Every HTTP trigger that is reachable without a key and is not the webhook receiver."""
    problems = []
    for name, binding in sorted(http_triggers(app).items()):
        level = str(binding.get("authLevel", "<not set>")).upper()
        if name in ANONYMOUS_BY_DESIGN:
            route, methods = ANONYMOUS_BY_DESIGN[name]
            if (level, binding.get("route"), binding.get("methods")) != ("ANONYMOUS", route, methods):
                problems.append(f"{name}: {level} {binding.get('route')} {binding.get('methods')}")
        elif level not in KEYED:
            problems.append(f"{name}: authLevel {level} (route {binding.get('route')!r})")
    return problems


def test_every_http_function_needs_a_key_except_the_webhook() -> None:
    import function_app

    for app in (function_app.app, function_app.create_app()):
        triggers = http_triggers(app)
        assert auth_problems(app) == []
        anonymous = {name for name, b in triggers.items() if str(b.get("authLevel")).upper() == "ANONYMOUS"}
        assert anonymous == set(ANONYMOUS_BY_DESIGN)  # exactly the webhook, nothing else
        assert {name for name, b in triggers.items() if str(b.get("authLevel")).upper() in KEYED} == set(triggers) - anonymous
        assert len(triggers) >= 3  # webhook, readiness, documents: the enumeration really sees them


def test_a_new_anonymous_route_would_fail_the_check() -> None:
    import function_app

    sneaky = func.Blueprint()

    @sneaky.function_name("debug_dump")
    @sneaky.route(route="debug", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
    def debug_dump(req: func.HttpRequest) -> func.HttpResponse:  # pragma: no cover - never called
        return func.HttpResponse("")

    defaulted = func.Blueprint()

    @defaulted.function_name("defaulted")
    @defaulted.route(route="defaulted")  # no auth_level: takes the app's default
    def defaulted_route(req: func.HttpRequest) -> func.HttpResponse:  # pragma: no cover - never called
        return func.HttpResponse("")

    app = function_app.create_app()
    app.register_functions(sneaky)
    app.register_functions(defaulted)
    assert auth_problems(app) == ["debug_dump: authLevel ANONYMOUS (route 'debug')"]
    assert http_triggers(app)["defaulted"]["authLevel"] == "FUNCTION"  # the app default is a key

    # An app whose default were lowered would make every route without an explicit level anonymous.
    lowered = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    lowered.register_functions(defaulted)
    assert auth_problems(lowered) == ["defaulted: authLevel ANONYMOUS (route 'defaulted')"]


def test_the_webhook_cannot_be_reached_with_get() -> None:
    """Only SharePoint's POST: a GET link cannot make the receiver reflect a validation token."""
    import function_app

    assert http_triggers(function_app.app)["webhook"]["methods"] == ["POST"]


def test_the_app_default_is_a_function_key_and_nothing_lowers_it() -> None:
    import function_app

    assert type(function_app.app) is func.FunctionApp  # not an ASGI/WSGI app with its own catch-all route
    assert function_app.app.auth_level is func.AuthLevel.FUNCTION
    assert function_app.create_app().auth_level is func.AuthLevel.FUNCTION


@pytest.mark.parametrize("name", ["host.json", "local.settings.example.json"])
def test_host_configuration_does_not_open_the_app(name: str) -> None:
    """No auth override, no wildcard CORS, no anonymous switch in the host's configuration files."""
    data = json.loads((ROOT / name).read_text(encoding="utf-8"))

    def walk(node: Any, path: str = "") -> list[str]:
        bad: list[str] = []
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "Documentation":
                    continue
                lowered = key.lower()
                if "authlevel" in lowered or lowered in {"cors", "corscredentials", "easyauth"}:
                    bad.append(f"{path}/{key}")
                bad += walk(value, f"{path}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                bad += walk(value, f"{path}[{index}]")
        elif isinstance(node, str) and node.strip().lower() in {"anonymous", "*"}:
            bad.append(f"{path} = {node}")
        return bad

    assert walk(data) == []
