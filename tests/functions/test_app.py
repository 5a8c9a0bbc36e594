"""The app as the Functions host indexes it: names, triggers, bindings, host.json, settings, cold start."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import azure.functions as func

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("docx", "pptx", "matplotlib", "kksync.documents", "kksync.checks", "office365", "azure.storage",
         "azure.data", "kksync.services.sync", "kksync.settings")


def _bindings() -> dict[str, dict]:
    import function_app

    return {f.get_function_name(): json.loads(f.get_function_json()) for f in function_app.create_app().get_functions()}


def _trigger(spec: dict) -> dict:
    return next(b for b in spec["bindings"] if b["direction"] == "IN")


def test_functions_and_bindings() -> None:
    specs = _bindings()
    assert sorted(specs) == ["documents", "nightly_reconcile", "process_changes", "readiness", "reminders",
                             "scheduled_documents", "webhook"]
    assert all(spec["scriptFile"] == "function_app.py" for spec in specs.values())

    http = {name: _trigger(specs[name]) for name in ("webhook", "readiness", "documents")}
    assert {n: (t["type"], t["route"], t["methods"], t["authLevel"]) for n, t in http.items()} == {
        "webhook": ("httpTrigger", "webhook", ["POST"], "ANONYMOUS"),  # SharePoint cannot send a key
        "readiness": ("httpTrigger", "readiness/{plan?}", ["GET"], "FUNCTION"),
        "documents": ("httpTrigger", "documents/{plan}", ["POST"], "FUNCTION"),
    }
    queue = _trigger(specs["process_changes"])
    assert (queue["type"], queue["queueName"], queue["connection"]) == ("queueTrigger", "kksync-changes", "KKSYNC_STATE")
    timers = {n: _trigger(specs[n]) for n in ("nightly_reconcile", "scheduled_documents", "reminders")}
    assert {n: (t["type"], t["schedule"], t["runOnStartup"]) for n, t in timers.items()} == {
        "nightly_reconcile": ("timerTrigger", "0 30 2 * * *", False),
        "scheduled_documents": ("timerTrigger", "0 0 6 * * 1", False),
        "reminders": ("timerTrigger", "0 0 6 * * *", False),
    }


def test_nightly_reconcile_retries() -> None:
    import function_app

    functions = {f.get_function_name(): f for f in function_app.create_app().get_functions()}
    retry = functions["nightly_reconcile"].get_settings_dict("retry_policy")
    assert retry is not None and retry["strategy"] == "fixed_delay" and retry["max_retry_count"] == "2"
    assert functions["process_changes"].get_settings_dict("retry_policy") is None  # maxDequeueCount does that


def test_app_default_auth_level_is_function() -> None:
    import function_app

    assert function_app.app.auth_level is func.AuthLevel.FUNCTION


def test_binding_settings_are_read_at_index_time() -> None:
    code = ("import json, function_app as a; print(json.dumps({f.get_function_name(): f.get_function_json() "
            "for f in a.create_app().get_functions()}))")
    env = {"KKSYNC_QUEUE_NAME": "other-queue", "KKSYNC_RECONCILE_SCHEDULE": "0 0 3 * * *", "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    specs = {k: json.loads(v) for k, v in json.loads(out.stdout).items()}
    assert _trigger(specs["process_changes"])["queueName"] == "other-queue"
    assert _trigger(specs["nightly_reconcile"])["schedule"] == "0 0 3 * * *"


def test_queue_default_matches_settings() -> None:
    from functions.processor import QUEUE_NAME
    from kksync.settings import Settings

    assert Settings.model_fields["queue_name"].default == QUEUE_NAME


def test_host_json() -> None:
    host = json.loads((ROOT / "host.json").read_text())
    assert host["version"] == "2.0"
    assert host["extensionBundle"] == {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}
    assert host["functionTimeout"] == "00:10:00"
    queues = host["extensions"]["queues"]
    assert queues["maxDequeueCount"] == 5 and queues["batchSize"] >= 1 and "visibilityTimeout" in queues
    assert "logLevel" in host["logging"]
    text = (ROOT / "host.json").read_text().lower()
    assert not any(word in text for word in ("accountkey", "password", "secret", "connectionstring"))

    from functions import common

    assert common.function_timeout() == 600 and common.max_dequeue_count() == 5


def test_local_settings_example_documents_every_setting() -> None:
    from kksync.settings import Settings

    example = json.loads((ROOT / "local.settings.example.json").read_text())
    documented = set(example["Documentation"])
    expected = {f"KKSYNC_{name.upper()}" for name in Settings.model_fields}
    assert expected <= documented, sorted(expected - documented)
    assert {"AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "KKSYNC_RECONCILE_SCHEDULE",
            "KKSYNC_DOCUMENTS_SCHEDULE"} <= documented
    assert set(example["Values"]) <= documented
    assert example["Values"]["FUNCTIONS_WORKER_RUNTIME"] == "python"
    assert not any(v == "" for v in example["Values"].values())  # an empty string is a value, not "unset"


def test_cold_start_imports_stay_light() -> None:
    code = "import sys, json, function_app; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


def test_run_deadlines_follow_the_time_limits() -> None:
    import time

    from functions import common

    now = time.monotonic()
    assert 500 < common.deadline() - now < 600  # functionTimeout 10 min, minus a margin to wrap up
    assert 150 < common.deadline(http=True) - now <= 230  # the HTTP front end's limit wins
