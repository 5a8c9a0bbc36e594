"""``$batch`` bodies: what we send (verbs on the request line) and every answer shape we must read."""

from __future__ import annotations

import json

import pytest

from kksync.errors import SharePointError
from kksync.sharepoint.batch import BatchOp, build_batch, parse_batch
from sp_emulator.batch import build_batch_response
from sp_emulator.batch import parse_batch as server_parse_batch

ITEM = "http://h/sites/s/_api/web/lists/getbytitle('A')/items"


def _http_part(boundary: str, status_line: str, headers: list[str], body: str, eol: str) -> str:
    lines = [f"--{boundary}", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "",
             status_line, *headers, "", body]
    return eol.join(lines) + eol


def _nested(eol: str) -> bytes:
    """A changeset answered as a nested multipart (the OData v3 shape), then a read, outside it."""
    text = (
        eol.join(["--batchresponse_1", "Content-Type: multipart/mixed; boundary=changesetresponse_2", ""]) + eol
        + _http_part("changesetresponse_2", "HTTP/1.1 204 No Content", ['ETag: "5"'], "", eol)
        + _http_part("changesetresponse_2", "HTTP/1.1 412 Precondition Failed", ["Content-Type: application/json"],
                     json.dumps({"error": {"code": "-1", "message": {"value": "Versionskonflikt"}}}), eol)
        + "--changesetresponse_2--" + eol
        + _http_part("batchresponse_1", "HTTP/1.1 200 OK", ["Content-Type: application/json;odata=verbose"],
                     json.dumps({"d": {"Title": "Økonomiforvaltningen"}}, ensure_ascii=False), eol)
        + "--batchresponse_1--" + eol
    )
    return text.encode("utf-8")


@pytest.mark.parametrize("eol", ["\r\n", "\n"])
def test_nested_changeset_answers_keep_their_order(eol: str) -> None:
    results = parse_batch("multipart/mixed; boundary=batchresponse_1", _nested(eol))
    assert [r.status for r in results] == [204, 412, 200]
    assert results[0].etag == '"5"' and results[0].body is None
    assert results[1].body["error"]["message"]["value"] == "Versionskonflikt"
    assert results[2].body == {"d": {"Title": "Økonomiforvaltningen"}}  # UTF-8 survives the MIME parser


def test_flat_answer_as_sharepoint_online_sends_it() -> None:
    body, content_type = build_batch_response([(201, {"ETag": '"1"'}, b'{"d":{"Id":7}}'), (404, {}, b"not json")])
    results = parse_batch(content_type, body)
    assert [(r.status, r.etag) for r in results] == [(201, '"1"'), (404, None)]
    assert results[0].body == {"d": {"Id": 7}} and results[1].body == "not json"


@pytest.mark.parametrize("content_type", ["multipart/mixed", "", 'multipart/mixed; boundary="batchresponse_1"'])
def test_missing_or_quoted_boundary_parameter(content_type: str) -> None:
    assert [r.status for r in parse_batch(content_type, _nested("\r\n"))] == [204, 412, 200]


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("application/json", b'{"error": {"code": "-1"}}', "ingen multipart-grænse"),
        ("multipart/mixed; boundary=other", _nested("\n"), "ikke et multipart-svar"),
        ("multipart/mixed; boundary=b", b"--b\r\nContent-Type: application/http\r\n\r\nnonsense here\r\n--b--\r\n",
         "statuslinjen"),
        ("multipart/mixed; boundary=b", b"--b\r\nContent-Type: text/html\r\n\r\n<html/>\r\n--b--\r\n", "text/html"),
        ("multipart/mixed; boundary=b", b"", "ikke et multipart-svar"),
        ("multipart/mixed; boundary=b", b"--b--\r\n", "ikke et multipart-svar"),  # no parts at all
    ],
)
def test_a_malformed_answer_is_a_clear_error(content_type: str, body: bytes, reason: str) -> None:
    with pytest.raises(SharePointError, match=r"\$batch-svar") as error:
        parse_batch(content_type, body)
    assert reason in str(error.value)


def test_writes_carry_their_verb_on_the_request_line() -> None:
    ops = [
        BatchOp("GET", f"{ITEM}(3)"),
        BatchOp("MERGE", f"{ITEM}(1)", {"Title": "ny"}, {"IF-MATCH": '"4"'}),
        BatchOp("DELETE", f"{ITEM}(2)", None, {"IF-MATCH": "*"}),
        BatchOp("POST", ITEM, {"Title": "oprettet"}),
    ]
    content_type, body = build_batch(ops)
    text = body.decode()
    assert f"MERGE {ITEM}(1) HTTP/1.1" in text and f"DELETE {ITEM}(2) HTTP/1.1" in text
    assert "X-HTTP-Method" not in text
    # The emulator reads SharePoint's way: writes in one changeset first, the read after it.
    parsed = server_parse_batch(body, content_type)
    assert [(o.method, o.path.rsplit("/", 1)[1], o.in_changeset) for o in parsed] == [
        ("MERGE", "items(1)", True), ("DELETE", "items(2)", True), ("POST", "items", True), ("GET", "items(3)", False),
    ]
    assert parsed[0].headers["if-match"] == '"4"' and json.loads(parsed[0].body) == {"Title": "ny"}
    assert "x-http-method" not in parsed[0].headers
