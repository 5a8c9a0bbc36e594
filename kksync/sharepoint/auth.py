"""Access tokens for SharePoint and Microsoft Graph: emulator, certificate (msal), managed identity (msal).

The same app identity asks for two audiences: the SharePoint tenant (``https://<tenant>.sharepoint.com``)
for the REST calls, and Microsoft Graph (``https://graph.microsoft.com``) for account states and mail.
Each provider returns what ``ClientContext.with_access_token`` needs, including ``token_type``
(without it the header reads ``None <token>``) and an ``expires_in`` shortened by a safety
margin (without it the library caches the token forever and does not refresh on 401).
Client secrets are deliberately absent: SharePoint refuses app-only tokens obtained with them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kksync.errors import AuthError, ConfigError
from kksync.settings import AuthMode, Settings

__all__ = ["GRAPH_SCOPE", "TokenProvider", "graph_token_provider", "reset_token_providers", "token_provider"]

TokenProvider = Callable[[], dict[str, Any]]
MARGIN_SECONDS = 300
GRAPH_SCOPE = "https://graph.microsoft.com/.default"


def _shaped(result: dict[str, Any], service: str = "SharePoint") -> dict[str, Any]:
    if "access_token" not in result:
        reason = result.get("error_description") or result.get("error") or "ukendt fejl"
        # Never include the request or the certificate in the message: it ends up in logs.
        raise AuthError(f"Kunne ikke hente et adgangstoken til {service}: {reason}", status=401)
    expires = int(result.get("expires_in") or 3600)
    return {"access_token": result["access_token"], "token_type": "Bearer", "expires_in": max(60, expires - MARGIN_SECONDS)}


def _scope(site_url: str) -> str:
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}/.default"


def _service(scope: str) -> str:
    return "Microsoft Graph" if scope == GRAPH_SCOPE else "SharePoint"


@cache
def _confidential_client(settings: Settings) -> Any:
    import msal
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import load_pem_x509_certificate

    path = settings.certificate_path
    assert path is not None  # guaranteed by Settings validation
    try:
        pem = Path(path).read_bytes()
    except OSError as error:
        raise ConfigError(f"Certifikatet {path} kan ikke læses: {error.strerror}") from None
    password = settings.certificate_password.get_secret_value().encode() if settings.certificate_password else None
    try:
        key = serialization.load_pem_private_key(pem, password=password)
        cert = load_pem_x509_certificate(pem)
    except (ValueError, TypeError):  # TypeError: a password given for an unencrypted key, or none for an encrypted one
        raise ConfigError(f"{path} skal være en PEM-fil med både privat nøgle og certifikat") from None
    credential = {
        "private_key": key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode(),
        "thumbprint": settings.certificate_thumbprint or cert.fingerprint(hashes.SHA1()).hex(),
    }
    return msal.ConfidentialClientApplication(
        settings.client_id, authority=f"https://login.microsoftonline.com/{settings.tenant_id}", client_credential=credential
    )


@cache
def _managed_identity_client(settings: Settings) -> Any:
    import msal
    import requests

    identity: Any = (
        msal.UserAssignedManagedIdentity(client_id=settings.managed_identity_client_id)
        if settings.managed_identity_client_id
        else msal.SystemAssignedManagedIdentity()
    )
    return msal.ManagedIdentityClient(identity, http_client=requests.Session())


def token_provider(settings: Settings) -> TokenProvider:
    """The SharePoint provider ``KKSYNC_AUTH`` selects.

    msal clients are built once per process and configuration (and shared by both audiences):
    building one talks to the identity platform, and a kept client reuses its token cache instead
    of asking for a new token each run.
    """
    return _provider(settings, _scope(settings.site_url))


def graph_token_provider(settings: Settings) -> TokenProvider:
    """The Microsoft Graph provider (scope ``GRAPH_SCOPE``), same identity and mode as ``token_provider``.

    The app needs the application permission ``User.Read.All`` (and ``Mail.Send`` to send mail).
    """
    return _provider(settings, GRAPH_SCOPE)


def reset_token_providers() -> None:
    """Forget the kept msal clients (after a certificate rotation without a restart; tests)."""
    _provider.cache_clear()
    _confidential_client.cache_clear()
    _managed_identity_client.cache_clear()


@cache
def _provider(settings: Settings, scope: str) -> TokenProvider:
    if settings.auth is AuthMode.EMULATOR:
        token = settings.emulator_token.get_secret_value()
        return lambda: {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
    service = _service(scope)
    if settings.auth is AuthMode.CERTIFICATE:
        app = _confidential_client(settings)
        return lambda: _shaped(app.acquire_token_for_client(scopes=[scope]), service)
    client = _managed_identity_client(settings)
    resource = scope.removesuffix("/.default")  # managed identity asks for a resource, not a scope
    return lambda: _shaped(client.acquire_token_for_client(resource=resource), service)
