"""``KKSYNC_GRAPH_URL``, the Graph token (scope, modes) and the client the settings build."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from kksync.errors import AuthError, ConfigError
from kksync.settings import GRAPH_URL, load_settings
from kksync.sharepoint.auth import GRAPH_SCOPE, graph_token_provider, reset_token_providers, token_provider
from kksync.sharepoint.graph import graph_client

SITE = "https://kk.sharepoint.com/sites/it-strategi"


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    reset_token_providers()
    yield
    reset_token_providers()


def test_graph_url_defaults_and_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(site_url=SITE, auth="managed-identity").graph_endpoint == GRAPH_URL == "https://graph.microsoft.com/v1.0"
    # the emulator serves Graph beside the site: its token never goes to the real Graph
    assert load_settings(site_url="http://127.0.0.1:9001/sites/x").graph_endpoint == "http://127.0.0.1:9001/graph/v1.0"
    monkeypatch.setenv("KKSYNC_GRAPH_URL", "http://localhost:9002/graph/v1.0/")
    assert load_settings().graph_endpoint == "http://localhost:9002/graph/v1.0"
    monkeypatch.delenv("KKSYNC_GRAPH_URL")
    for bad in ("http://graph.microsoft.com/v1.0", "https://graph.microsoft.com/v1.0?x=1", "http://127.0.0.1.evil.example/v1.0",
                "https://graph.microsoft.com/v1.0/../beta"):
        with pytest.raises(ConfigError, match="KKSYNC_GRAPH_URL"):
            load_settings(site_url=SITE, auth="managed-identity", graph_url=bad)
    with pytest.raises(ConfigError, match="emulator"):  # the emulator's token is for the emulator only
        load_settings(graph_url="https://graph.microsoft.com/v1.0")


def test_emulator_graph_token_and_client() -> None:
    settings = load_settings(site_url="http://127.0.0.1:9001/sites/x")
    assert graph_token_provider(settings)() == {"access_token": "emulator-token", "token_type": "Bearer", "expires_in": 3600}
    client = graph_client(settings)
    assert client.base_url == "http://127.0.0.1:9001/graph/v1.0"
    assert client.transport.policy.max_attempts == settings.max_attempts


class FakeApp:
    instances: ClassVar[list[FakeApp]] = []
    result: ClassVar[dict[str, Any]] = {}

    def __init__(self, client_id: str, **kwargs: Any) -> None:
        self.scopes: list[list[str]] = []
        FakeApp.instances.append(self)

    def acquire_token_for_client(self, scopes: list[str], **kwargs: Any) -> dict[str, Any]:
        self.scopes.append(scopes)
        return dict(FakeApp.result)


def test_certificate_graph_token_uses_the_graph_scope_and_the_same_msal_client(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kksync-graph-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key()).serial_number(2)
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    path = tmp_path / "kksync.pem"
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM))
    FakeApp.instances, FakeApp.result = [], {"access_token": "tok", "expires_in": 3599}
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeApp)
    settings = load_settings(site_url=SITE, auth="certificate", tenant_id="t", client_id="c", certificate_path=str(path))
    assert graph_token_provider(settings)()["token_type"] == "Bearer"
    token_provider(settings)()
    [app] = FakeApp.instances  # one msal client (one token cache) for both audiences
    assert app.scopes == [[GRAPH_SCOPE], ["https://kk.sharepoint.com/.default"]]
    FakeApp.result = {"error": "invalid_client", "error_description": "AADSTS7000215"}
    with pytest.raises(AuthError, match="til Microsoft Graph: AADSTS7000215"):
        graph_token_provider(settings)()


def test_managed_identity_graph_token_asks_for_the_graph_resource(monkeypatch: pytest.MonkeyPatch) -> None:
    resources: list[str] = []

    def acquire(self: Any, *, resource: str, **kwargs: Any) -> dict[str, Any]:
        resources.append(resource)
        return {"access_token": "tok-mi", "token_type": "Bearer", "expires_in": 86399}

    monkeypatch.setattr(msal.ManagedIdentityClient, "acquire_token_for_client", acquire)
    settings = load_settings(site_url=SITE, auth="managed-identity")
    graph_token_provider(settings)()
    token_provider(settings)()
    assert resources == ["https://graph.microsoft.com", "https://kk.sharepoint.com"]
