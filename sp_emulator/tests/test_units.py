"""Unit tests for the pure parts: OData filter/orderby, batch parsing, change tokens, file names, URL paths."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sp_emulator.batch import build_batch_response, parse_batch
from sp_emulator.errors import SPError
from sp_emulator.files import validate_file_name
from sp_emulator.odata_query import FilterError, evaluate, filter_fields, parse_filter, parse_orderby
from sp_emulator.urlpath import split_path

ROW = {
    "Title": "O'Brien",
    "ID": 7,
    "Amount": 12.5,
    "Done": False,
    "Due": "2026-01-02T00:00:00Z",
    "AuthorId": 3,
    "Tags": ["a", "b"],
    "Empty": None,
}


def ev(expr: str) -> bool:
    return bool(evaluate(parse_filter(expr), lambda name: ROW[name.replace("/Id", "Id")]))


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("Title eq 'O''Brien'", True),
        ("ID gt 5 and ID lt 8", True),
        ("ID ge 8 or Amount le 12.5", True),
        ("not (ID eq 7)", False),
        ("(ID eq 1 or ID eq 7) and Done eq false", True),
        ("Due lt datetime'2026-01-03T00:00:00Z'", True),
        ("Due gt datetime'2026-01-02T01:00:00+02:00'", True),
        ("Empty eq null", True),
        ("Empty ne null", False),
        ("Author/Id eq 3", True),
        ("AuthorId ne 3", False),
        ("Tags eq 'b'", True),
        ("substringof('Bri', Title)", True),
        ("startswith(Title, 'O')", True),
        ("Amount eq 12.5", True),
    ],
)
def test_filter(expr: str, expected: bool) -> None:
    assert ev(expr) is expected


@pytest.mark.parametrize("bad", ["ID eq", "ID eq 1 and", "(ID eq 1", "ID ~ 3", "Title eq 'open"])
def test_filter_syntax_errors(bad: str) -> None:
    with pytest.raises(FilterError):
        parse_filter(bad)


def test_filter_fields_and_orderby() -> None:
    assert filter_fields(parse_filter("Status eq 'x' and (Owner/Id eq 1 or ID gt 2)")) == {"Status", "Owner/Id", "ID"}
    assert parse_orderby("Title desc, ID") == [("Title", True), ("ID", False)]
    with pytest.raises(FilterError):
        parse_orderby("Title sideways")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_string_literal_round_trip(text: str) -> None:
    literal = "'" + text.replace("'", "''") + "'"
    assert evaluate(parse_filter(f"Title eq {literal}"), lambda _: text) is True


def _batch(eol: str) -> bytes:
    lines = [
        "--batch_1",
        "Content-Type: multipart/mixed; boundary=changeset_9",
        "",
        "--changeset_9",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "POST http://h/sites/s/_api/web/lists/getbytitle('A')/items(1) HTTP/1.1",
        "X-HTTP-Method: MERGE",
        'IF-MATCH: "3"',
        "Content-Type: application/json;odata=verbose",
        "",
        '{"Title": "x"}',
        "--changeset_9--",
        "--batch_1",
        "Content-Type: application/http",
        "Content-Transfer-Encoding: binary",
        "",
        "GET http://h/sites/s/_api/web/lists?$select=Title HTTP/1.1",
        "Accept: application/json",
        "",
        "",
        "--batch_1--",
        "",
    ]
    return eol.join(lines).encode()


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_parse_batch(eol: str) -> None:
    ops = parse_batch(_batch(eol), "multipart/mixed; boundary=batch_1")
    assert [(o.method, o.in_changeset) for o in ops] == [("MERGE", True), ("GET", False)]
    assert ops[0].headers["if-match"] == '"3"' and ops[0].body == b'{"Title": "x"}'
    assert ops[1].path == "/sites/s/_api/web/lists" and ops[1].query == "$select=Title"


def test_batch_response_is_parsed_by_the_library() -> None:
    from email import message_from_bytes

    body, ctype = build_batch_response(
        [(204, {"ETag": '"2"'}, b""), (412, {"Content-Type": "application/json"}, b"{}")]
    )
    msg = message_from_bytes(b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body)
    parts = [p.get_payload(decode=True) for p in msg.get_payload()]
    assert parts[0].startswith(b'HTTP/1.1 204 No Content\r\nETAG: "2"\r\n\r\n')
    assert parts[1].split(b"\r\n", 1)[0] == b"HTTP/1.1 412 Precondition Failed"


@pytest.mark.parametrize(
    "name",
    [
        "a:b.docx",
        "x?.txt",
        " lead.txt",
        "trail.txt ",
        "~$lock.docx",
        "a_vti_b.txt",
        "CON",
        "con.txt",
        "desktop.ini",
        ".lock",
        "a|b",
        "",
    ],
)
def test_invalid_file_names(name: str) -> None:
    with pytest.raises(SPError) as err:
        validate_file_name(name)
    assert err.value.status == 400


@pytest.mark.parametrize("name", ["Referat 2026.docx", "æøå.pdf", "con-tract.docx", "a.b.c"])
def test_valid_file_names(name: str) -> None:
    validate_file_name(name)


def test_change_token_format(tmp_path) -> None:
    from sp_emulator.site import Site
    from sp_emulator.store import Store

    site = Site(Store(tmp_path / "x.db"), "s")
    lst = site.create_list("A")
    site.create_item(lst["Id"], {"Title": "x"}, 1073741822)
    version, scope, list_id, ticks, number = site.current_change_token(lst["Id"]).split(";")
    assert (version, scope, list_id) == ("1", "3", lst["Id"]) and int(ticks) > 638_000_000_000_000_000
    assert site.parse_change_token(lst["Id"], f"1;3;{lst['Id']};{ticks};{number}") == int(number)
    with pytest.raises(SPError):
        site.parse_change_token(lst["Id"], "1;3;00000000-0000-0000-0000-000000000000;1;1")
    with pytest.raises(SPError):
        site.parse_change_token(lst["Id"], "garbage")


def test_split_path() -> None:
    segs = split_path(
        "web/getfolderbyserverrelativeurl('/sites/s/Doc%20Lib')/files/add(url='a''b.docx',overwrite=true)"
    )
    assert [s.name for s in segs] == ["web", "getfolderbyserverrelativeurl", "files", "add"]
    assert segs[1].arg == "/sites/s/Doc Lib"
    assert segs[3].kwargs == {"url": "a'b.docx", "overwrite": True}
    assert split_path("Web/Lists(guid'AB-1')/items(3)")[1].arg == "AB-1"
