"""No secret or token reaches a log line, even with every logger at DEBUG.

The functions run their real path — nightly reconcile (subscriptions with the handshake, full
sync), a department edit notified through the webhook into the Azurite queue and processed,
forged notifications, the readiness and documents API called with a function key, a throttled
SharePoint, a rejected token and a bad queue message — with the root logger and every library
logger (``azure``, ``urllib3``, ``requests``, ``msal``, ``office365`` …) at DEBUG, although the app
turns the SDKs down to WARNING. The emulator is made to require a JWT-looking bearer token, so a
logged ``Authorization`` header would be caught. Every captured line, with its traceback, is then
scanned with ``testkit.secrets_scan``.

The certificate path is checked separately (no identity platform here): the certificate password
and the private key appear neither in logs nor in the errors kksync raises.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import azure.functions as func
import pytest

from sp_emulator import EmulatorServer
from testkit.azurite import ACCOUNT_KEY
from testkit.secrets_scan import scan_text
from tests.functions.conftest import SECRET, Env, Handler, WebhookAdapter, queue_message, receive_all, seed_site, timer

# Looks like an Entra ID access token (header.payload.signature), so the JWT pattern would catch it too.
TOKEN = ("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2trLnNoYXJlcG9pbnQuY29tIiwiYXBwaWQiOiJrayJ9."
         "c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1rZXB0LXNlY3JldA")
FUNCTION_KEY = "fk_Zm9vYmFyLWZ1bmN0aW9uLWtleS1zZWNyZXQ=="
CERT_PASSWORD = "cert-password-Kx9!pQ2#"


class Capture(logging.Handler):
    """Every record any logger emits, formatted with its traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []
        self.loggers: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.loggers.add(record.name)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def everything_at_debug(handlers: dict[str, Handler]) -> Iterator[Capture]:
    """DEBUG for the root and every logger that exists (the app set the SDKs to WARNING when indexed)."""
    capture = Capture()
    manager = logging.root.manager
    saved = {name: (lg.level, lg.disabled) for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    saved_root = logging.root.level
    for name in [*saved, "azure", "urllib3", "requests", "msal", "office365", "kksync"]:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        if not logger.propagate:
            logger.addHandler(capture)
    logging.root.setLevel(logging.DEBUG)
    logging.root.addHandler(capture)
    try:
        yield capture
    finally:
        logging.root.removeHandler(capture)
        logging.root.setLevel(saved_root)
        for name, lg in manager.loggerDict.items():
            if isinstance(lg, logging.Logger):
                lg.removeHandler(capture)
                level, disabled = saved.get(name, (logging.NOTSET, False))
                lg.setLevel(level)
                lg.disabled = disabled


@pytest.fixture
def token_site(env: Env, emulator: EmulatorServer) -> EmulatorServer:
    """A seeded site that accepts only ``TOKEN`` as bearer token (so the token really travels)."""
    from kksync.app import build_client
    from kksync.settings import load_settings

    env.site_url = emulator.url
    env.set(site_url=emulator.url, emulator_token=TOKEN)
    emulator.expected_token = TOKEN
    seed_site(build_client(load_settings()))
    return emulator


def keyed_request(method: str, route: str, route_params: dict[str, str], params: dict[str, str] | None = None) -> func.HttpRequest:
    """An API call as the Functions front end passes it on: key in the query string and in the header."""
    query = {**(params or {}), "code": FUNCTION_KEY}
    url = f"https://kksync.azurewebsites.net/api/{route}?" + "&".join(f"{k}={v}" for k, v in query.items())
    return func.HttpRequest(method, url, headers={"x-functions-key": FUNCTION_KEY, "Content-Length": "0"},
                            params=query, route_params=route_params, body=b"")


def notification(sub_id: str, client_state: str | None) -> bytes:
    expires = (datetime.now(UTC) + timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps({"value": [{"subscriptionId": sub_id, "clientState": client_state, "expirationDateTime": expires,
                                  "resource": "00000000-0000-4000-8000-000000000001", "siteUrl": "/sites/kk-it",
                                  "tenantId": "t", "webId": "w"}]}).encode()


def webhook_post(handlers: dict[str, Handler], body: bytes) -> func.HttpResponse:
    return handlers["webhook"](func.HttpRequest("POST", "https://kksync.azurewebsites.net/api/webhook",
                                                headers={"Content-Length": str(len(body))}, params={},
                                                route_params={}, body=body))


pytestmark = [pytest.mark.azurite, pytest.mark.loopback]


def test_the_function_flow_logs_no_secret_at_debug(handlers: dict[str, Handler], env: Env, token_site: EmulatorServer,
                                                   adapter: WebhookAdapter, everything_at_debug: Capture) -> None:
    from kksync.core.schema import list_schema

    site, capture = token_site, everything_at_debug
    secrets = [SECRET, TOKEN, ACCOUNT_KEY, FUNCTION_KEY, env.connection_string]

    # Nightly reconcile: subscriptions (SharePoint's handshake through the real handler), full sync.
    handlers["nightly_reconcile"](timer())
    # The handshakes are answered 200; the full sync's write-backs may already have fired a notification (202).
    assert {status for kind, status in adapter.calls if kind == "validation"} == {200}
    assert {status for kind, status in adapter.calls if kind == "notification"} <= {202}
    site.hooks.wait_idle()
    for message in receive_all(env):
        handlers["process_changes"](message)

    # A department edit travels webhook -> queue -> processor.
    initiatives = list_schema("initiatives")
    rank = next(c.name for c in initiatives.department_columns if c.attr == "rank")
    target = min(int(i["ID"]) for i in site.items(initiatives.title))
    site.edit_item(initiatives.title, target, {rank: None}, editor=site.add_user("afdeling@kk.dk")["Id"])
    assert site.hooks.wait_idle()
    assert adapter.calls[-1] == ("notification", 202)
    for message in receive_all(env):
        handlers["process_changes"](message)

    # Forgeries, a bad queue message.
    store = env.store()
    sub_id = store.subscriptions(env.scope)["initiatives"].subscription_id
    store.close()
    assert webhook_post(handlers, notification(sub_id, SECRET[:-1] + "?")).status_code == 403
    assert webhook_post(handlers, notification(sub_id, None)).status_code == 403
    handlers["process_changes"](queue_message(json.dumps({"v": 1, "list": "nope", "scope": env.scope, "secret": "x"})))

    # The key-protected API, the key in the URL and in the header, including the document upload.
    assert handlers["readiness"](keyed_request("GET", "readiness/F2011-2012", {"plan": "F2011-2012"})).status_code == 200
    assert handlers["readiness"](keyed_request("GET", "readiness/F1999", {"plan": "F1999"})).status_code == 404
    published = handlers["documents"](keyed_request("POST", "documents/F2011-2012", {"plan": "F2011-2012"}))
    assert published.status_code == 200, published.get_body()[:300]

    # SharePoint throttling past the budget (the message goes back to the queue), then a token SharePoint rejects.
    site.faults.add(status=503, retry_after=0, times=20)
    handlers["process_changes"](queue_message(json.dumps({"v": 1, "list": "plans", "scope": env.scope})))
    site.faults.clear()
    site.expected_token = "another-token-entirely"
    with pytest.raises(Exception):  # noqa: B017 - whatever kksync raises, it is logged and re-raised
        handlers["process_changes"](queue_message(json.dumps({"v": 1, "list": "initiatives", "scope": env.scope}),
                                                  dequeue_count=5))
    site.expected_token = TOKEN

    # The capture really saw the libraries at DEBUG, and kksync's own lines.
    names = capture.loggers
    assert any(n.startswith("urllib3") for n in names) and any(n.startswith("azure") for n in names), sorted(names)
    assert "kksync.functions" in names and "KKSYNC_ALERT" in capture.text
    assert len(capture.lines) > 100
    assert "throttled; put back on the queue" in capture.text
    from kksync.settings import load_settings

    shown = "\n".join([repr(load_settings()), str(load_settings())])  # what a careless log line would print
    leaks = scan_text(capture.text + "\n" + shown, secrets)
    assert leaks == [], "\n".join(line[:300] for line in leaks[:10])

    # And the pipeline would have caught one: a library logging the header at DEBUG.
    logging.getLogger("office365.runtime").debug("Authorization: Bearer %s", TOKEN)
    assert scan_text(capture.text, secrets) == [f"DEBUG office365.runtime: Authorization: Bearer {TOKEN}"]


def test_the_app_keeps_the_http_libraries_quiet() -> None:
    """urllib3 logs each request line at DEBUG, query string included (a SAS ``sig=`` would be in it): the app
    pins the HTTP and SDK loggers to WARNING when it is indexed, whatever level the host gives the root."""
    import subprocess
    import sys

    code = ("import logging, json, function_app; logging.getLogger().setLevel(logging.DEBUG); "
            "print(json.dumps({n: logging.getLogger(n).getEffectiveLevel() for n in "
            "('urllib3.connectionpool', 'azure.core.pipeline.policies.http_logging_policy', 'azure.storage.queue')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == dict.fromkeys(
        ("urllib3.connectionpool", "azure.core.pipeline.policies.http_logging_policy", "azure.storage.queue"), logging.WARNING)


def test_azure_sdk_redacts_sas_and_keys_at_debug(azurite_connection_string: str, everything_at_debug: Capture) -> None:
    """The SDK's own request logging (azure-core's policy, and the storage policy with ``logging_enable``)."""
    from azure.core.exceptions import ResourceExistsError
    from azure.storage.queue import AccountSasPermissions, QueueClient, ResourceTypes, generate_account_sas

    from testkit.azurite import ACCOUNT_NAME

    sas = generate_account_sas(ACCOUNT_NAME, ACCOUNT_KEY, ResourceTypes(service=True, container=True, object=True),
                               AccountSasPermissions(read=True, write=True, add=True, create=True, process=True),
                               expiry=datetime.now(UTC) + timedelta(hours=1))
    endpoint = next(p.split("=", 1)[1] for p in azurite_connection_string.split(";") if p.startswith("QueueEndpoint="))
    signature = dict(part.split("=", 1) for part in sas.split("&"))["sig"]
    for connection in (f"QueueEndpoint={endpoint};SharedAccessSignature={sas}", azurite_connection_string):
        client = QueueClient.from_connection_string(connection, "security-sas-check", logging_enable=True)
        with contextlib.suppress(ResourceExistsError):  # the second round finds it
            client.create_queue()
        client.send_message("hello")
        client.close()
    azure_lines = "\n".join(line for line in everything_at_debug.lines if line.split(" ", 2)[1].startswith("azure"))
    assert "Request URL" in azure_lines and "Authorization" in azure_lines  # it did log the requests
    assert scan_text(azure_lines, [ACCOUNT_KEY, signature, azurite_connection_string]) == []
    # urllib3 itself is not that careful, which is why the app keeps it at WARNING (test above).
    urllib3_lines = [line for line in everything_at_debug.lines if " urllib3." in line and "sig=" in line]
    assert urllib3_lines and scan_text("\n".join(urllib3_lines), [signature]) == urllib3_lines


# --- certificate auth ---------------------------------------------------------------------------------


def _encrypted_pem(tmp_path: Path, password: str) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kksync-test")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.BestAvailableEncryption(password.encode()))
    path = tmp_path / "kksync.pem"
    path.write_bytes(pem + cert.public_bytes(serialization.Encoding.PEM))
    return path


class FakeConfidentialClient:
    """Stands in for msal's client (no identity platform here); logs what it got, as a careless library might not."""

    seen: ClassVar[dict[str, Any]] = {}

    def __init__(self, client_id: str, *, authority: str, client_credential: dict[str, str]) -> None:
        FakeConfidentialClient.seen = {"client_id": client_id, "authority": authority, **client_credential}
        logging.getLogger("msal.application").debug("client for %s at %s", client_id, authority)

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        return {"error": "invalid_client", "error_description": "AADSTS700027: Client assertion failed signature validation."}


def test_certificate_auth_keeps_password_and_key_out_of_logs_and_errors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, everything_at_debug: Capture) -> None:
    import msal

    from kksync.errors import AuthError, ConfigError
    from kksync.settings import load_settings
    from kksync.sharepoint.auth import reset_token_providers, token_provider

    pem = _encrypted_pem(tmp_path, CERT_PASSWORD)
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeConfidentialClient)
    common = {"site_url": "https://kk.sharepoint.com/sites/it-strategi", "auth": "certificate", "tenant_id": "tenant-guid",
              "client_id": "client-guid", "certificate_path": str(pem), "state": str(tmp_path / "s.db")}
    errors: list[str] = []
    reset_token_providers()
    try:
        provider = token_provider(load_settings(**common, certificate_password=CERT_PASSWORD))
        assert "BEGIN PRIVATE KEY" in FakeConfidentialClient.seen["private_key"]  # the key was really loaded
        with pytest.raises(AuthError) as failed:
            provider()
        errors.append(str(failed.value))
        for wrong in ("not-the-password", None):
            with pytest.raises(ConfigError) as refused:
                token_provider(load_settings(**common, certificate_password=wrong))
            errors.append(str(refused.value))
        settings = load_settings(**common, certificate_password=CERT_PASSWORD)
        errors += [repr(settings), str(settings), settings.model_dump_json()]
    finally:
        reset_token_providers()
    logging.getLogger("kksync.functions").error("certificate auth failed: %s", errors[0])
    private_key = FakeConfidentialClient.seen["private_key"]
    key_lines = [line for line in private_key.splitlines() if len(line) > 40][:3]
    text = everything_at_debug.text + "\n" + "\n".join(errors)
    assert scan_text(text, [CERT_PASSWORD, *key_lines]) == []
    assert "AADSTS700027" in text  # the reason is kept, only the secrets are not
