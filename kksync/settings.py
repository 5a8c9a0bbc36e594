"""Settings: one pydantic-settings class, read from ``KKSYNC_*`` environment variables and ``.env``.

Every CLI command and every Azure Function reads the same class, validated at start with errors
that say which variable is wrong and what it should be.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kksync.core.budget import DEFAULT_TIER, TIERS
from kksync.errors import ConfigError

__all__ = ["AuthMode", "Settings", "is_azure_state", "is_loopback_or_https", "load_settings", "unknown_settings"]

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
GRAPH_URL = "https://graph.microsoft.com/v1.0"
_QUEUE_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")


def is_loopback_or_https(url: str) -> bool:
    """An ``https://`` URL, or plain ``http://`` to this machine (the local emulator and demo receiver).

    Judged on the parsed host, not on a prefix: ``http://127.0.0.1.evil.example`` and
    ``http://localhost@evil.example`` are someone else's machine.
    """
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # .port raises on a malformed port
    except ValueError:
        return False
    if not host or parts.username is not None or parts.password is not None or any(c.isspace() for c in url):
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK)


def is_azure_state(state: str) -> bool:
    """Whether a ``KKSYNC_STATE`` value is an Azure Storage connection string rather than a SQLite path."""
    return "AccountName=" in state or state.strip().startswith("UseDevelopmentStorage=")


class AuthMode(StrEnum):
    EMULATOR = "emulator"
    CERTIFICATE = "certificate"
    MANAGED_IDENTITY = "managed-identity"


class Settings(BaseSettings):
    """Configuration of one kksync installation (one SharePoint site)."""

    model_config = SettingsConfigDict(env_prefix="KKSYNC_", env_file=".env", extra="ignore", frozen=True)

    site_url: Annotated[str, Field(description="The SharePoint site, e.g. https://kk.sharepoint.com/sites/it-strategi")] = (
        "http://127.0.0.1:8765/sites/kk-it"
    )
    auth: AuthMode = AuthMode.EMULATOR
    # Not in repr: a connection string carries the storage account key.
    state: Annotated[str, Field(description="SQLite path, or an Azure Storage connection string", repr=False)] = ".kksync/state.db"
    tenant_id: str | None = None
    client_id: str | None = None
    certificate_path: Path | None = None
    certificate_password: SecretStr | None = None
    certificate_thumbprint: str | None = None
    managed_identity_client_id: str | None = None
    emulator_token: SecretStr = SecretStr("emulator-token")
    governance_file: Path | None = None
    template_dir: Path | None = None
    output_dir: Path = Path("out")
    page_size: Annotated[int, Field(ge=100, le=5000)] = 2000
    batch_size: Annotated[int, Field(ge=1, le=100)] = 100
    max_retry_seconds: Annotated[float, Field(ge=0, le=3600)] = 120.0
    max_attempts: Annotated[int, Field(ge=1, le=20)] = 6
    webhook_client_state: SecretStr | None = None
    notification_url: str | None = None
    queue_name: str = "kksync-changes"
    config_name: str = "default"
    change_token_max_age_days: Annotated[int, Field(ge=1, le=60)] = 53
    """A stored change token older than this means a full reconcile: SharePoint keeps its change log
    about 60 days and answers an older token with nothing, not an error (sp-dev-docs #10389)."""
    graph_enabled: bool = True
    """``KKSYNC_GRAPH_ENABLED``: ask Microsoft Graph whether people in person fields still have an account
    (needs ``User.Read.All``); off, a colleague who left is only noticed if removed from the site."""
    silence_alert_minutes: Annotated[int, Field(ge=5)] = 180
    graph_url: Annotated[str | None, Field(description="Microsoft Graph's base URL (unset: graph_endpoint decides)")] = None
    """``KKSYNC_GRAPH_URL``; read ``graph_endpoint``, which fills in the default."""

    # --- who edits what: a folder per administration with its own permissions --------------------
    permissions_enabled: bool = False
    """``KKSYNC_PERMISSIONS_ENABLED``: the site's secured lists have a folder per administration with its own
    permissions (``kksync permissions`` sets them up from the governance file): the seed creates items in their
    administration's folder and the readiness document lists the edits made across administrations."""

    # --- SharePoint's resource-unit budget (tiers: kksync.core.budget) ---------------------------
    licence_tier: str = DEFAULT_TIER
    """``KKSYNC_LICENCE_TIER``: the tenant's row of Microsoft's table (0-1k, 1k-5k, 5k-15k, 15k-50k, 50k+ licences)."""
    bulk_ru_per_minute: Annotated[int | None, Field(ge=1)] = None
    """``KKSYNC_BULK_RU_PER_MINUTE``: the nightly reconcile's and the document runs' budget (unset: half the tier's)."""

    # --- reminder mails before political decision (kksync remind, the reminders timer) -----------
    mail_sender: str | None = None
    """``KKSYNC_MAIL_SENDER``: the mailbox the reminders are sent from (Graph ``/users/{sender}/sendMail``,
    ``Mail.Send`` limited to this mailbox by an Exchange application access policy); unset: none are sent."""

    @field_validator("mail_sender")
    @classmethod
    def _mail_sender(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.fullmatch(r"[^@\s<>\"',;/]+@[^@\s<>\"',;/]+\.[^@\s<>\"',;/]+", value):
            raise ValueError("skal være afsenderpostkassens adresse, fx it-strategi@kk.dk")
        return value

    @field_validator("licence_tier")
    @classmethod
    def _licence_tier(cls, value: str) -> str:
        value = value.strip().replace(" ", "").replace("–", "-")
        if value not in TIERS:
            raise ValueError(f"must be one of {', '.join(TIERS)} (the tenant's licence count)")
        return value

    @property
    def bulk_budget_per_minute(self) -> int:
        """Resource units per minute the budgeted runs may spend; the webhook path keeps the rest."""
        return self.bulk_ru_per_minute or TIERS[self.licence_tier].per_minute // 2

    @field_validator("site_url")
    @classmethod
    def _site_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not is_loopback_or_https(value):
            raise ValueError("skal være en https://-adresse på et SharePoint-site (almindelig http kun til den lokale emulator)")
        parts = urlsplit(value)
        if parts.query or parts.fragment or ".." in parts.path.split("/"):
            raise ValueError("skal være sitets adresse alene, uden ?query, #fragment eller /../")
        if "/sites/" not in value and "/teams/" not in value:
            raise ValueError("skal pege på et site, fx https://kk.sharepoint.com/sites/it-strategi")
        return value

    @field_validator("graph_url")
    @classmethod
    def _graph_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if not is_loopback_or_https(value) or parts.query or parts.fragment or ".." in parts.path.split("/"):
            raise ValueError("skal være Microsoft Graphs https://-grundadresse, fx https://graph.microsoft.com/v1.0 "
                             "(almindelig http kun til den lokale emulator)")
        return value

    @field_validator("notification_url")
    @classmethod
    def _notification_url(cls, value: str | None) -> str | None:
        if value is not None and not is_loopback_or_https(value.strip()):
            raise ValueError("skal være funktionens https://-adresse, fx https://<app>.azurewebsites.net/api/webhook")
        return value.strip() if value is not None else None

    @field_validator("state")
    @classmethod
    def _state(cls, value: str) -> str:
        if not value.strip():
            # sqlite3 would open a throw-away database: every run would forget tokens, history and snapshots.
            raise ValueError("er tom; angiv en SQLite-sti (fx .kksync/state.db) eller en Azure Storage-forbindelsesstreng")
        return value

    @field_validator("queue_name")
    @classmethod
    def _queue_name(cls, value: str) -> str:
        if not _QUEUE_NAME.match(value):
            raise ValueError("skal være et Azure Storage-kønavn: 3–63 små bogstaver (lower-case), cifre og enkelte bindestreger")
        return value

    @field_validator("template_dir")
    @classmethod
    def _template_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not value.exists():
            raise ValueError(f"{value} findes ikke; angiv en mappe med kksync.docx (eller lad den være tom)")
        return value

    @model_validator(mode="after")
    def _auth_complete(self) -> Settings:
        missing: list[str] = []
        if self.auth is AuthMode.CERTIFICATE:
            missing = [n for n in ("tenant_id", "client_id", "certificate_path") if getattr(self, n) is None]
        if self.auth is AuthMode.EMULATOR and (self.site_url.startswith("https://") or self.graph_endpoint.startswith("https://")):
            raise ValueError("KKSYNC_AUTH=emulator virker kun med den lokale emulator; brug certificate eller managed-identity")
        if missing:
            names = ", ".join(f"KKSYNC_{n.upper()}" for n in missing)
            raise ValueError(f"KKSYNC_AUTH=certificate kræver {names}")
        return self

    @property
    def state_is_azure(self) -> bool:
        return is_azure_state(self.state)

    @property
    def state_label(self) -> str:
        """Where the state is, for messages: the SQLite path, or the Azure account's name (never its key)."""
        if not self.state_is_azure:
            return self.state
        found = re.search(r"AccountName=([^;]+)", self.state)
        return f"Azure Storage ({found.group(1) if found else 'udviklingslager'})"

    @property
    def graph_endpoint(self) -> str:
        """Microsoft Graph's base URL: ``KKSYNC_GRAPH_URL``, else ``GRAPH_URL``, else (emulator) the emulator's.

        The emulator serves Graph beside the site, at ``/graph/v1.0`` on the same host and port, so
        the emulator's token never goes to the real Graph.
        """
        if self.graph_url:
            return self.graph_url
        if self.auth is AuthMode.EMULATOR:
            parts = urlsplit(self.site_url)
            return f"{parts.scheme}://{parts.netloc}/graph/v1.0"
        return GRAPH_URL

    @property
    def site_name(self) -> str:
        return self.site_url.rsplit("/", 1)[-1]


def unknown_settings(environ: dict[str, str] | None = None, env_file: Path = Path(".env")) -> list[str]:
    """A Danish warning for each ``KKSYNC_*`` name (environment or ``.env``) no setting has, with the
    nearest valid name: a misspelt variable is otherwise ignored without a word."""
    import difflib
    import os

    from kksync.texts.cli import cli_text

    known = {f"KKSYNC_{name.upper()}" for name in Settings.model_fields}
    found: dict[str, str] = {}
    for name in (environ if environ is not None else os.environ):
        if name.upper().startswith("KKSYNC_"):
            found.setdefault(name, "")
    try:
        lines = env_file.read_text(encoding="utf-8", errors="replace").splitlines() if env_file.is_file() else []
    except OSError:
        lines = []
    for line in lines:
        name = line.split("=", 1)[0].strip().removeprefix("export ").strip()
        if "=" in line and name.upper().startswith("KKSYNC_"):
            found.setdefault(name, str(env_file))
    warnings = []
    for name, where in sorted(found.items()):
        if name.upper() in known:
            continue
        best = difflib.get_close_matches(name.upper(), sorted(known), n=1, cutoff=0.6)
        warnings.append(cli_text("env_unknown", name=name[:100], where=cli_text("env_where_file", file=where) if where else "",
                                 hint=cli_text("env_hint", best=best[0]) if best else ""))
    return warnings


def _danish(detail: Any) -> str:
    """pydantic's message for one invalid setting, in Danish (our validators' own are Danish already)."""
    kind, ctx = detail.get("type", ""), detail.get("ctx") or {}
    texts = {
        "int_parsing": "skal være et helt tal", "int_from_float": "skal være et helt tal (uden decimaler)",
        "float_parsing": "skal være et tal", "finite_number": "skal være et endeligt tal",
        "bool_parsing": "skal være true eller false", "missing": "skal angives",
        "greater_than_equal": f"skal være mindst {ctx.get('ge')}", "less_than_equal": f"må højst være {ctx.get('le')}",
        "greater_than": f"skal være større end {ctx.get('gt')}", "less_than": f"skal være mindre end {ctx.get('lt')}",
        "enum": f"skal være en af: {ctx.get('expected')}",
    }
    if kind in texts:
        return f"{texts[kind]} (fik «{str(detail.get('input'))[:100]}»)" if kind != "missing" else texts[kind]
    return str(detail["msg"]).removeprefix("Value error, ")


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; a bad value becomes one ``ConfigError`` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for detail in error.errors():
            name = "KKSYNC_" + "_".join(str(p) for p in detail["loc"]).upper() if detail["loc"] else "KKSYNC_*"
            lines.append(f"{name}: {_danish(detail)}")
        raise ConfigError("Indstillingerne er ugyldige:\n  " + "\n  ".join(lines)) from None
