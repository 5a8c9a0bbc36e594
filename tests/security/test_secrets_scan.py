"""The log scanner itself: what it must find, what it must leave alone, its command line."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest

from testkit.azurite import ACCOUNT_KEY
from testkit.secrets_scan import findings, main, scan_text

CLIENT_STATE = "s3cret/client+state=with spaces"
JWT = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2trIn0.c2lnbmF0dXJl"

LEAKS = {
    "configured secret": f"webhook refused: clientState {CLIENT_STATE} does not match",
    "configured secret, URL-encoded": f"POST /api/webhook?state={quote(CLIENT_STATE, safe='')}",
    "configured secret, base64": f"queue message {base64.b64encode(CLIENT_STATE.encode()).decode()}",
    "bearer header": "'Authorization': 'Bearer abcdefghijklmnopqrstuvwxyz0123'",
    "bearer, lower case": "authorization: bearer 0123456789abcdefABCDEF",
    "JWT anywhere": f"token={JWT} expires 3600",
    "PEM key": "-----BEGIN PRIVATE KEY-----",
    "encrypted PEM key": "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    "RSA PEM key": "-----BEGIN RSA PRIVATE KEY-----",
    "account key": "DefaultEndpointsProtocol=https;AccountName=kk;AccountKey=abcd1234abcd1234+/==;EndpointSuffix=core",
    "bare account key": f"signing with {ACCOUNT_KEY} now",
    "SAS in a connection string": "QueueEndpoint=https://kk.queue/;SharedAccessSignature=sv=2022&sig=abc",
    "SAS in a URL": "GET https://kk.blob.core.windows.net/c/b?sv=2022-11-02&se=2026&sig=Ox28qEZ5%2B%2BLzpWcEIZ%3D HTTP/1.1",
    "function key in a URL": "https://kksync.azurewebsites.net/api/documents/F1?code=Zm9vYmFyLWZ1bmN0aW9uLWtleQ==&year=2012",
    "function key header": "{'x-functions-key': 'Zm9vYmFyLWZ1bmN0aW9uLWtleQ=='}",
    "password": "Server=x;User Id=kk;Password=hunter2-and-more;",
}
CLEAN = [
    "'Authorization': 'REDACTED'",
    "Authorization: Bearer *****",
    "AccountKey=REDACTED",
    "AccountKey=*****",
    "Request URL: 'https://kk.queue/q?se=REDACTED&sig=REDACTED'",
    "Request URL: 'https://kk.queue/q?se=2026&sig=sig=*****'",
    "KKSYNC_CERTIFICATE_PASSWORD: Input should be a valid string",
    "token_type: Bearer",
    "list initiatives synced: 1 changed, 2 written, 8 requests",
    "HTTP/1.1\" 200 541 code=200",
    "webhook refused notification for subscription 491c493b-17c6-431a-8f76-92004d76f515: clientState does not match",
    "queue message eyJ2IjogMSwgImxpc3QiOiAiaW5pdGlhdGl2ZXMifQ==",  # base64 JSON, not a JWT
    "password=None",
]


@pytest.mark.parametrize("case", list(LEAKS))
def test_finds_each_kind_of_secret(case: str) -> None:
    line = LEAKS[case]
    assert scan_text(f"harmless before\n{line}\nharmless after", [CLIENT_STATE]) == [line], findings(line, [CLIENT_STATE])


@pytest.mark.parametrize("line", CLEAN)
def test_leaves_redacted_and_ordinary_lines_alone(line: str) -> None:
    assert scan_text(line, [CLIENT_STATE]) == [], findings(line, [CLIENT_STATE])


def test_api_and_edge_cases() -> None:
    text = "a\nsecret-value here\nb\nagain secret-value"
    assert scan_text(text, iter(["secret-value"])) == ["secret-value here", "again secret-value"]  # any iterable
    assert scan_text(text, ["", "a", "b"]) == []  # empty and too-short secrets are not searched for
    assert scan_text("", ["secret-value"]) == []
    assert findings("Bearer abcdefghijklmnopqrstuvwxyz", ["abcdefghijklmnopqrstuvwxyz"]) == ["bearer token", "configured secret #1"]


def test_command_line_scans_a_log_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "soak.log"
    log.write_text("INFO ok\nWARNING leaked the-client-state-secret\nINFO fine\n", encoding="utf-8")
    assert main([str(log), "--secret", "the-client-state-secret"]) == 1
    assert "configured secret #1" in capsys.readouterr().out
    log.write_text("INFO ok\n", encoding="utf-8")
    assert main([str(log)]) == 0
