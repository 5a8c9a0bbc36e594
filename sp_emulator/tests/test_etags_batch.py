"""ETags are opaque strings in two forms; `$batch` answers flat and in order, and change sets are not
transactions."""

from __future__ import annotations

import re
from email import message_from_bytes

import pytest
import requests

from sp_emulator import EmulatorServer

H = {
    "Authorization": "Bearer t",
    "Accept": "application/json;odata=verbose",
    "Content-Type": "application/json;odata=verbose",
}
FULL = re.compile(r'^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12},(\d+)"$')


def _item_url(sp: EmulatorServer, item_id: int = 1) -> str:
    return f"{sp.url}/_api/web/lists/getbytitle('Sager')/items({item_id})"


def _merge(sp: EmulatorServer, if_match: str, title: str) -> requests.Response:
    headers = {**H, "X-HTTP-Method": "MERGE", "IF-MATCH": if_match}
    return requests.post(_item_url(sp), headers=headers, json={"Title": title}, timeout=5)


def test_reads_show_the_short_form_and_updates_the_long_one(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    sp.add_item("Sager", {"Title": "a"})
    read = requests.get(_item_url(sp), headers=H, timeout=5)
    assert read.json()["d"]["__metadata"]["etag"] == '"1"' and read.headers["ETag"] == '"1"'
    listed = requests.get(f"{sp.url}/_api/web/lists/getbytitle('Sager')/items", headers=H, timeout=5)
    assert listed.json()["d"]["results"][0]["__metadata"]["etag"] == '"1"'
    updated = _merge(sp, '"1"', "b")
    assert updated.status_code == 204
    match = FULL.match(updated.headers["ETag"])
    assert match and match.group(1) == "2"
    assert sp.get_item("Sager", 1)["GUID"].lower() in updated.headers["ETag"]


@pytest.mark.parametrize("form", ["short", "long", "weak"])
def test_if_match_accepts_either_form_of_the_current_version(sp: EmulatorServer, form: str) -> None:
    sp.create_list("Sager")
    sp.add_item("Sager", {"Title": "a"})
    long_form = _merge(sp, "*", "b").headers["ETag"]  # version 2
    sent = {"short": '"2"', "long": long_form, "weak": f"W/{long_form}"}[form]
    assert _merge(sp, sent, "c").status_code == 204
    assert sp.get_item("Sager", 1)["Title"] == "c"


def test_stale_if_match_gives_412_with_sharepoints_body(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    sp.add_item("Sager", {"Title": "a"})
    sp.edit_item("Sager", 1, {"Title": "edited in the browser"})
    r = _merge(sp, '"1"', "mine")
    assert r.status_code == 412
    error = r.json()["error"]
    assert error["code"] == "-1, Microsoft.SharePoint.Client.ClientServiceException"
    text = error["message"]["value"]
    assert text.startswith("The request ETag value '\"1\"' does not match the object's ETag value '\"")
    assert FULL.match(text.split("ETag value '")[2].rstrip("'."))
    assert sp.get_item("Sager", 1)["Title"] == "edited in the browser"


def _batch(parts: list[str]) -> tuple[str, bytes]:
    """A `$batch` body as the public clients write it: bare LF, writes in one change set, verb on the line."""
    lines = ["--batch_b", "Content-Type: multipart/mixed; boundary=changeset_c", ""]
    for part in parts:
        lines += ["--changeset_c", "Content-Type: application/http", "Content-Transfer-Encoding: binary", "", part]
    lines += ["--changeset_c--", "--batch_b--", ""]
    return "multipart/mixed; boundary=batch_b", "\n".join(lines).encode()


def _merge_part(sp: EmulatorServer, item_id: int, if_match: str, title: str) -> str:
    return "\n".join(
        [
            f"MERGE {_item_url(sp, item_id)} HTTP/1.1",
            f"IF-MATCH: {if_match}",
            "Content-Type: application/json;odata=verbose",
            "",
            f'{{"Title": "{title}"}}',
            "",
        ]
    )


def test_batch_answers_flat_in_order_and_a_change_set_is_no_transaction(sp: EmulatorServer) -> None:
    sp.create_list("Sager")
    for title in ("a", "b", "c"):
        sp.add_item("Sager", {"Title": title})
    sp.edit_item("Sager", 2, {"Title": "b2"})  # item 2 is now at version 2: "1" is stale
    content_type, body = _batch([_merge_part(sp, i, '"1"', f"new{i}") for i in (1, 2, 3)])
    r = requests.post(
        f"{sp.url}/_api/$batch",
        headers={"Authorization": "Bearer t", "Content-Type": content_type},
        data=body,
        timeout=5,
    )
    assert r.status_code == 200
    message = message_from_bytes(b"Content-Type: " + r.headers["Content-Type"].encode() + b"\r\n\r\n" + r.content)
    parts = [p.get_payload(decode=True) for p in message.get_payload()]
    assert [p.split(b"\r\n", 1)[0] for p in parts] == [  # flat: no nested change set response
        b"HTTP/1.1 204 No Content",
        b"HTTP/1.1 412 Precondition Failed",
        b"HTTP/1.1 204 No Content",
    ]
    etag = re.search(rb"ETAG: (\S+)", parts[0])
    assert etag is not None and FULL.match(etag.group(1).decode())
    assert [i["Title"] for i in sorted(sp.items("Sager"), key=lambda i: i["ID"])] == ["new1", "b2", "new3"]


def test_long_form_if_match_refused_when_switched(tmp_path) -> None:
    from sp_emulator.fidelity import Fidelity

    with EmulatorServer(db_path=tmp_path / "sp.db", fidelity=Fidelity(if_match_long_form=False)) as sp:
        sp.create_list("Sager")
        sp.add_item("Sager", {"Title": "a"})
        long_form = _merge(sp, "*", "b").headers["ETag"]
        assert _merge(sp, long_form, "c").status_code == 412
        assert _merge(sp, '"2"', "c").status_code == 204
