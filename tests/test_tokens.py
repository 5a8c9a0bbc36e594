"""Change tokens read without SharePoint (kksync.core.tokens): the time and the list inside them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kksync.core.tokens import change_time, parse_token, token_doubt

WHEN = datetime(2026, 5, 1, 12, tzinfo=UTC)
TICKS = 621_355_968_000_000_000 + int(WHEN.timestamp() * 10_000_000)
TOKEN = f"1;3;{{AB12CD34-0000-4000-8000-000000000001}};{TICKS};42"
LIST = "ab12cd34-0000-4000-8000-000000000001"


def test_a_token_names_its_list_and_its_time() -> None:
    parts = parse_token(TOKEN)
    assert parts is not None and parts.list_id == LIST and parts.issued == WHEN == change_time(TOKEN)


def test_doubts_about_a_token() -> None:
    week = timedelta(days=53)
    assert token_doubt(TOKEN, LIST, now=WHEN + timedelta(days=52), max_age=week) is None
    assert token_doubt(TOKEN, "{" + LIST.upper() + "}", now=WHEN, max_age=week) is None
    assert token_doubt(TOKEN, LIST, now=WHEN + timedelta(days=61), max_age=week) == ("too_old", 61)
    assert token_doubt(TOKEN, "another-list", now=WHEN, max_age=week) == ("other_list", 0)
    assert token_doubt("1;3;x;notticks;1", LIST, now=WHEN, max_age=week) == ("unreadable", 0)
    assert token_doubt("", LIST, now=WHEN, max_age=week) == ("unreadable", 0)
