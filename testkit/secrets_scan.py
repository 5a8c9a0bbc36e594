"""Find secrets and tokens in log text: for the security tests and for scanning a soak test's log.

``scan_text(text, secrets)`` returns every line of ``text`` that holds one of the given secrets
(verbatim, URL-encoded or base64-encoded) or something that looks like a credential whatever its
value:

- a bearer token (``Bearer <token>``) or a JWT (``eyJ<header>.<payload>[.<signature>]``);
- a PEM private key block (``-----BEGIN … PRIVATE KEY-----``);
- an Azure Storage account key (``AccountKey=…``, or a bare 88-character base64 key);
- a shared access signature (``SharedAccessSignature=…`` in a connection string, ``sig=`` in a URL);
- a Functions key (``code=`` in a URL, an ``x-functions-key`` header);
- a password in connection-string or URL form (``Password=…``, ``pwd=…``).

Redacted values (``REDACTED``, ``*****``, ``<redacted>``) are not findings. From a shell::

    python -m testkit.secrets_scan soak.log --secret "$KKSYNC_WEBHOOK_CLIENT_STATE" --secret …

prints the offending lines and exits 1 when there are any.
"""

from __future__ import annotations

import argparse
import base64
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

__all__ = ["MIN_SECRET_CHARS", "PATTERNS", "findings", "scan_text"]

MIN_SECRET_CHARS = 6
"""Configured secrets shorter than this are not searched for (they would match ordinary words)."""

_REDACTED = r"(?!\s*(?:\*|<?\[?redacted|x{3}|\.\.\.|none\b|null\b|\{))"
_TOKEN_CHARS = r"[A-Za-z0-9%+/=_-]{16,}"  # a signature or key: base64 or base64url, maybe URL-encoded

PATTERNS: dict[str, re.Pattern[str]] = {
    "bearer token": re.compile(r"\bbearer\s+" + _REDACTED + r"[A-Za-z0-9\-._~+/]{12,}=*", re.IGNORECASE),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "PEM private key": re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----"),
    "storage account key": re.compile(r"\bAccountKey\s*=\s*" + _REDACTED + r"[A-Za-z0-9+/]{8,}", re.IGNORECASE),
    "bare storage key": re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])"),
    "shared access signature": re.compile(
        r"\bSharedAccessSignature\s*=\s*" + _REDACTED + r"[^;\s\"']{8,}|[?&;]sig=" + _REDACTED + _TOKEN_CHARS,
        re.IGNORECASE,
    ),
    "function key": re.compile(
        r"[?&]code=" + _REDACTED + _TOKEN_CHARS + r"|\bx-functions-key[\"']?\s*[:=]\s*[\"']?" + _REDACTED + _TOKEN_CHARS,
        re.IGNORECASE,
    ),
    "password": re.compile(r"\b(?:password|passwd|pwd)=" + _REDACTED + r"[^\s;&\"']{4,}", re.IGNORECASE),
}


def _forms(secret: str) -> set[str]:
    """The ways a secret shows up in a log line: as is, URL-encoded, base64 (e.g. a queue message)."""
    raw = secret.encode("utf-8")
    forms = {secret, quote(secret, safe=""), quote(secret), base64.b64encode(raw).decode("ascii").rstrip("=")}
    return {form for form in forms if len(form) >= MIN_SECRET_CHARS}


def findings(line: str, secrets: Iterable[str] = ()) -> list[str]:
    """What in ``line`` is a secret or looks like one: pattern names and ``configured secret #n``."""
    found = [name for name, pattern in PATTERNS.items() if pattern.search(line)]
    for number, secret in enumerate(secrets, start=1):
        if secret and any(form in line for form in _forms(secret)):
            found.append(f"configured secret #{number}")
    return found


def scan_text(text: str, secrets: Iterable[str]) -> list[str]:
    """The lines of ``text`` that contain one of ``secrets`` or a credential-looking value, in order."""
    wanted = [s for s in secrets if s and len(s) >= MIN_SECRET_CHARS]
    return [line for line in text.splitlines() if findings(line, wanted)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scan log files for secrets and tokens.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--secret", action="append", default=[], help="a configured secret to look for (repeatable)")
    args = parser.parse_args(argv)
    bad = 0
    for path in args.files:
        for line in scan_text(path.read_text(encoding="utf-8", errors="replace"), args.secret):
            bad += 1
            print(f"{path}: {', '.join(findings(line, args.secret))}: {line[:300]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
