"""SharePoint access tokens: Bearer, expiry with a margin, no client-secret path, no secrets in errors.

msal is mocked at its acquire methods (and the confidential client's constructor, which would fetch
the tenant's OpenID configuration): no network.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from kksync.errors import AuthError, ConfigError, KksyncError
from kksync.settings import AuthMode, Settings, load_settings
from kksync.sharepoint import auth
from kksync.sharepoint.auth import MARGIN_SECONDS, reset_token_providers, token_provider

SITE = "https://kk.sharepoint.com/sites/it-strategi"
PASSWORD = "pem-password-that-must-not-leak"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("KKSYNC_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def pem(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kksync-test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.BestAvailableEncryption(PASSWORD.encode()))
    path = tmp_path_factory.mktemp("cert") / "kksync.pem"
    path.write_bytes(key_pem + cert.public_bytes(serialization.Encoding.PEM))
    return path, key_pem, cert.fingerprint(hashes.SHA1()).hex()


@pytest.fixture(autouse=True)
def _fresh_providers() -> Iterator[None]:
    """Providers are kept per process; every test here builds its own against its own fakes."""
    reset_token_providers()
    yield
    reset_token_providers()


class FakeConfidentialClient:
    """Records how kksync builds the msal client; ``result`` is what acquire_token_for_client returns."""

    instances: ClassVar[list[FakeConfidentialClient]] = []
    result: ClassVar[dict[str, Any]] = {}

    def __init__(self, client_id: str, **kwargs: Any) -> None:
        self.client_id = client_id
        self.kwargs = kwargs
        self.scopes: list[list[str]] = []
        FakeConfidentialClient.instances.append(self)

    def acquire_token_for_client(self, scopes: list[str], **kwargs: Any) -> dict[str, Any]:
        self.scopes.append(scopes)
        return dict(FakeConfidentialClient.result)


@pytest.fixture
def confidential(monkeypatch: pytest.MonkeyPatch) -> type[FakeConfidentialClient]:
    FakeConfidentialClient.instances = []
    FakeConfidentialClient.result = {"access_token": "tok-cert", "token_type": "Bearer", "expires_in": 3599}
    monkeypatch.setattr(msal, "ConfidentialClientApplication", FakeConfidentialClient)
    return FakeConfidentialClient


def certificate_settings(path: Path, **extra: Any) -> Settings:
    return load_settings(site_url=SITE, auth="certificate", tenant_id="tenant-guid", client_id="client-guid",
                         certificate_path=str(path), certificate_password=PASSWORD, **extra)


def test_emulator_token_is_bearer() -> None:
    token = token_provider(load_settings())()
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0 and token["access_token"]


def test_certificate_token_is_bearer_with_margin(pem: tuple[Path, bytes, str], confidential: Any) -> None:
    path, _, thumbprint = pem
    token = token_provider(certificate_settings(path))()
    assert token == {"access_token": "tok-cert", "token_type": "Bearer", "expires_in": 3599 - MARGIN_SECONDS}
    (client,) = confidential.instances
    assert client.client_id == "client-guid"
    assert client.kwargs["authority"] == "https://login.microsoftonline.com/tenant-guid"
    credential = client.kwargs["client_credential"]
    # A certificate credential (a dict with key and thumbprint), never a client secret (a plain string).
    assert isinstance(credential, dict) and set(credential) == {"private_key", "thumbprint"}
    assert credential["thumbprint"] == thumbprint
    assert client.scopes == [["https://kk.sharepoint.com/.default"]]


def test_short_lived_token_keeps_a_positive_expiry(pem: tuple[Path, bytes, str], confidential: Any) -> None:
    confidential.result = {"access_token": "t", "expires_in": 100}  # no token_type from the server
    token = token_provider(certificate_settings(pem[0]))()
    assert token["token_type"] == "Bearer" and 0 < token["expires_in"] <= 100


def test_managed_identity_token_is_bearer_with_margin(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Any, str]] = []

    def acquire(self: Any, *, resource: str, **kwargs: Any) -> dict[str, Any]:
        seen.append((self, resource))
        return {"access_token": "tok-mi", "token_type": "Bearer", "expires_in": 86399}

    monkeypatch.setattr(msal.ManagedIdentityClient, "acquire_token_for_client", acquire)
    token = token_provider(load_settings(site_url=SITE, auth="managed-identity", managed_identity_client_id="uami"))()
    assert token == {"access_token": "tok-mi", "token_type": "Bearer", "expires_in": 86399 - MARGIN_SECONDS}
    assert seen[0][1] == "https://kk.sharepoint.com"


def test_no_client_secret_path() -> None:
    assert {m.value for m in AuthMode} == {"emulator", "certificate", "managed-identity"}
    assert not [name for name in Settings.model_fields if "secret" in name and name != "webhook_client_state"]
    source = inspect.getsource(auth)
    assert "client_secret" not in source.replace("Client secrets", "")
    with pytest.raises(ConfigError):
        load_settings(site_url=SITE, auth="client-secret")


def test_token_errors_never_contain_secrets(pem: tuple[Path, bytes, str], confidential: Any) -> None:
    path, key_pem, _ = pem
    confidential.result = {"error": "invalid_client", "error_description": "AADSTS700027: Client assertion failed."}
    with pytest.raises(AuthError) as caught:
        token_provider(certificate_settings(path))()
    message = str(caught.value)
    assert "AADSTS700027" in message
    private = confidential.instances[0].kwargs["client_credential"]["private_key"]
    for secret in (PASSWORD, private, key_pem.decode(), private.splitlines()[1]):
        assert secret not in message


@pytest.mark.parametrize("password", [
    "wrong-password",
    None,
])
def test_unreadable_certificate_errors_never_contain_secrets(pem: tuple[Path, bytes, str], confidential: Any,
                                                             password: str | None) -> None:
    path, key_pem, _ = pem
    settings = load_settings(site_url=SITE, auth="certificate", tenant_id="t", client_id="c", certificate_path=str(path),
                             **({"certificate_password": password} if password else {}))
    with pytest.raises(KksyncError) as caught:
        token_provider(settings)
    message = str(caught.value)
    assert PASSWORD not in message and key_pem.decode().splitlines()[1] not in message
    if password:
        assert password not in message


def test_missing_certificate_file_names_the_path_only(tmp_path: Path, confidential: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        token_provider(certificate_settings(tmp_path / "absent.pem"))
    assert "absent.pem" in str(caught.value) and PASSWORD not in str(caught.value)


def test_msal_client_is_built_once_per_configuration(pem: tuple[Path, bytes, str], confidential: Any) -> None:
    """Building it talks to the identity platform; a kept client also keeps its token cache."""
    settings = certificate_settings(pem[0])
    token_provider(settings)()
    token_provider(certificate_settings(pem[0]))()
    assert len(confidential.instances) == 1
