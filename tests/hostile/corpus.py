"""The hostile-input corpus: what departments, SharePoint, the internet and administrators may send.

Five areas, each a list of cases with an id (what pytest reports) and a short description:

- ``FIELDS``     values in SharePoint item JSON, for every kind of column
- ``PLAN_KEYS``  plan keys that become file names, blob names and document text
- ``WEBHOOKS``   bodies POSTed to the anonymous webhook receiver
- ``SETTINGS``   ``KKSYNC_*`` environment values
- ``GOVERNANCE`` replacement governance files (``KKSYNC_GOVERNANCE_FILE``)

The promise every case is held to: a clear error (naming what is wrong and what to do) or a Danish
finding for the department; never a crash, never a corrupt document, never a value silently lost.
``tests/test_hostile_values.py`` and ``tests/documents/test_hostile.py`` hold earlier cases; none is
repeated here.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from kksync.core import model as m
from tests.hostile.pipeline import ABSENT

# Item ids in the base portfolio (testkit.scenarios.documents_portfolio(3)).
INI, STATUS, FUNDING, FIGURE, PLAN, FOCUS = 100, 5001, 1000, 3000, 1, 1


class _Any:
    """Expected model value "whatever it is": only the problem code is pinned."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


@dataclass(frozen=True)
class Case:
    """What every case has: the id pytest reports and a short description."""

    id: str
    description: str


# --- 1. list fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldCase(Case):
    list_key: str
    item_id: int
    prop: str
    """The property as it travels in the item JSON (``<Name>Id`` for people and lookups)."""
    raw: object
    code: str | None
    """The expected problem code (a Danish finding for the department), or ``None``: read as typed."""
    expect: object = ANY
    """The model value the field gets."""
    also: dict[str, object] = field(default_factory=dict)
    """Further properties of the same item (e.g. the expanded person object)."""


FIELDS: list[FieldCase] = [
    # text
    FieldCase("text-rtl-override", "right-to-left override that disguises a file name", "initiatives", INI, "KkUnit",
              "Enhed \u202egpj.exe\u202c", None, "Enhed \u202egpj.exe\u202c"),
    FieldCase("text-zero-width", "zero-width space and joiner inside a word", "initiatives", INI, "KkUnit",
              "Digi\u200btal\u200disering", None, "Digi\u200btal\u200disering"),
    FieldCase("text-formula", "a spreadsheet formula (DDE) as a title", "initiatives", INI, "Title",
              "=cmd|' /C calc'!A0", None, "=cmd|' /C calc'!A0"),
    FieldCase("text-xml-ish", "XML and CDATA syntax in a plain text column", "initiatives", INI, "KkDeliverer",
              "<w:t>]]></w:t>&amp;<?xml version='1.0'?>", None, "<w:t>]]></w:t>&amp;<?xml version='1.0'?>"),
    FieldCase("text-lone-surrogate", "a lone UTF-16 surrogate from a JSON escape", "initiatives", INI, "KkUnit",
              "Enhed \ud800slut", "control_chars", "Enhed slut"),
    FieldCase("text-number", "a number where text is expected", "initiatives", INI, "KkUnit", 12345, None, "12345"),
    FieldCase("text-list", "a list where text is expected is kept, not dropped", "initiatives", INI, "KkDeliverer",
              ["Koncern IT", "BUF"], None, "['Koncern IT', 'BUF']"),
    FieldCase("text-oversized-unicode", "10.000 two-byte letters in a 255 character column", "plans", PLAN, "Title",
              "Ø" * 10_000, "too_long", "Ø" * 255),
    FieldCase("text-required-null", "a required title sent as null", "plans", PLAN, "Title", None, "required", ""),
    FieldCase("text-required-absent", "a required key missing from the JSON", "initiatives", INI, "KkKey", ABSENT,
              "required", ""),
    # note (rich text)
    FieldCase("note-doctype-entity", "a DOCTYPE with an external entity is never expanded", "initiatives", INI,
              "KkBackground", "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><p>&e; tekst</p>", None, ANY),
    FieldCase("note-cdata", "a CDATA section is kept as text, never as markup", "initiatives", INI, "KkBackground",
              "<p>før</p><![CDATA[vigtig <tekst>]]><p>efter</p>", None, "før\nvigtig <tekst>\nefter"),
    FieldCase("note-tag-bomb", "50.000 unclosed tags around one word", "initiatives", INI, "KkGoals",
              "<b>" * 50_000 + "mål", None, "mål"),
    FieldCase("note-embedded-content", "iframe and object are removed and reported", "initiatives", INI,
              "KkDependencies", "<iframe src='https://evil.example'></iframe><object>x</object><p>Afhængig af ØKF</p>",
              "script_removed", "Afhængig af ØKF"),
    FieldCase("note-rtl-html", "Arabic right-to-left paragraph", "initiatives", INI, "KkRisks",
              "<p dir='rtl'>مخاطر التأخير</p>", None, "مخاطر التأخير"),
    FieldCase("note-oversized", "200.000 characters of rich text", "statuses", STATUS, "KkComment",
              "<p>" + "Status. " * 25_000 + "</p>", "too_long", ANY),
    # number, currency, percent
    FieldCase("number-nan", "NaN as a JSON number", "initiatives", INI, "KkBcNpv", float("nan"), "not_a_number", None),
    FieldCase("number-infinity-text", "Infinity as text in a percent column", "initiatives", INI, "KkBcDiscountRate",
              "Infinity", "not_a_number", None),
    FieldCase("number-exponent-overflow", "1e999999999 overflows the decimal context", "initiatives", INI, "KkBcNpv",
              "1e999999999", "absurd", None),
    FieldCase("number-5000-digits", "an integer too long for Python to print", "initiatives", INI, "KkRank",
              "9" * 5000, "out_of_range", None),
    FieldCase("number-huge-int", "a 400-digit integer in a currency column", "initiatives", INI, "KkBcNpv", 10**400,
              "absurd", None),
    FieldCase("number-bool", "true in a number column", "initiatives", INI, "KkRank", True, "not_a_number", None),
    FieldCase("number-percent-range", "a discount rate of 5.000 %", "initiatives", INI, "KkBcDiscountRate", 5000,
              "out_of_range", None),
    FieldCase("number-negative-progress", "progress of minus 5 %", "statuses", STATUS, "KkProgress", -5, "negative",
              None),
    FieldCase("number-fractional-year", "a year with decimals", "funding_lines", FUNDING, "KkYear", 2012.5,
              "not_integer", None),
    FieldCase("number-nbsp-kroner", "Danish amount with no-break spaces and kr.", "initiatives", INI, "KkBcNpv",
              "1\u00a0234\u00a0567,50\u00a0kr.", None, Decimal("1234567.50")),
    FieldCase("currency-largest", "the largest amount the model allows", "statuses", STATUS, "KkForecastCost",
              999_999_999_999.99, None, Decimal("999999999999.99")),
    # date
    FieldCase("date-year-10000", "9999-12-31T23:59:59Z is year 10000 in Copenhagen", "initiatives", INI, "KkEnd",
              "9999-12-31T23:59:59Z", "bad_date", None),
    FieldCase("date-year-1-offset", "year 1 with a +05:00 offset", "statuses", STATUS, "KkBaselineEnd",
              "0001-01-01T00:00:00+05:00", "bad_date", None),
    FieldCase("date-number", "a date as a number", "initiatives", INI, "KkStart", 20120101, "bad_date", None),
    FieldCase("date-far-future", "a forecast end on 31 December 9999", "statuses", STATUS, "KkForecastEnd",
              "9999-12-30T23:00:00Z", None, date(9999, 12, 31)),
    # choice, multi-choice
    FieldCase("choice-decomposed", "Idé typed with a combining accent (macOS)", "initiatives", INI, "KkPhase",
              unicodedata.normalize("NFD", "Idé"), None, m.Phase.IDE),
    FieldCase("choice-zero-width", "a zero-width space before the choice", "initiatives", INI, "KkPhase",
              "\u200bAnalyse", None, m.Phase.ANALYSE),
    FieldCase("choice-list", "a list sent to a single choice column", "initiatives", INI, "KkPhase", ["Analyse"],
              "unknown_choice", None),
    FieldCase("multichoice-results-string", "results holding one string, not a list", "initiatives", INI,
              "KkInvolved", {"results": "BUF"}, None, [m.Administration.BUF]),
    FieldCase("multichoice-no-results", "an object without results is reported, not dropped", "initiatives", INI,
              "KkInvolved", {"value": ["BUF"]}, "unknown_choice", []),
    FieldCase("multichoice-legacy", "the old ;#-separated form with a fill-in value", "initiatives", INI,
              "KkInvolved", ";#BUF;#Ministeriet;#", "unknown_choice", [m.Administration.BUF]),
    # lookup, person
    FieldCase("lookup-negative-id", "a negative lookup id", "initiatives", INI, "KkPlanId", -5, "invalid", None),
    FieldCase("lookup-dangling-child", "a status pointing at a deleted initiative", "statuses", STATUS,
              "KkInitiativeId", 4040, "deleted_lookup", None),
    FieldCase("lookupmulti-object", "results holding an object", "initiatives", INI, "KkFocusAreasId",
              {"results": {"Id": 1}}, "invalid", []),
    FieldCase("person-negative-id", "a negative person id", "initiatives", INI, "KkProjectOwnerId", -7, "invalid",
              None),
    FieldCase("person-garbage-expansion", "the expanded person carries control characters and a number as e-mail",
              "initiatives", INI, "KkProjectManagerId", 10, None, ANY,
              also={"KkProjectManager": {"Id": 10, "Title": "Anne\x00\x1b Holm", "EMail": 5}}),
    # boolean, url
    FieldCase("bool-two", "2 in a yes/no column", "initiatives", INI, "KkBcApproved", 2, "bad_boolean", False),
    FieldCase("bool-object", "an object in a yes/no column", "initiatives", INI, "KkDeliveryAgreed", {"x": 1},
              "bad_boolean", False),
    FieldCase("url-data-scheme", "a data: URL with a script", "initiatives", INI, "KkBcDocument",
              {"Url": "data:text/html,<script>alert(1)</script>", "Description": "BC"}, "bad_url", None),
    FieldCase("url-unc-path", "a Windows share path in the text form", "initiatives", INI, "KkBcDocument",
              "\\\\server\\share\\bc.docx, Business case", "bad_url", None),
]


@dataclass(frozen=True)
class ItemCase(Case):
    item: dict[str, Any]


ITEMS: list[ItemCase] = [
    ItemCase("item-id-text", "SharePoint's Id is not a number", {"Id": "abc", "KkKey": "K", "Title": "T"}),
    ItemCase("item-id-zero", "an Id of 0", {"Id": 0, "KkKey": "K", "Title": "T"}),
    ItemCase("item-id-bool", "an Id of true", {"ID": True, "KkKey": "K", "Title": "T"}),
    ItemCase("item-id-5000-digits", "an Id too long for Python to convert", {"Id": "9" * 5000, "KkKey": "K", "Title": "T"}),
]


# --- 2. file names ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyCase(Case):
    key: str


PLAN_KEYS: list[KeyCase] = [
    KeyCase("traversal-posix", "climbs out of the output folder", "../../etc/passwd"),
    KeyCase("traversal-windows", "climbs out with backslashes", "..\\..\\Windows\\win.ini"),
    KeyCase("absolute-posix", "an absolute path", "/etc/passwd"),
    KeyCase("absolute-windows", "a drive path", "C:\\Users\\Public\\plan"),
    KeyCase("percent-dots", "URL-encoded dots and slash", "%2e%2e%2f%2e%2e%2fplan"),
    KeyCase("double-dot", "just ..", ".."),
    KeyCase("single-dot", "just .", "."),
    KeyCase("reserved-chars", "every character SharePoint refuses", '"*:<>?/\\|#%'),
    KeyCase("reserved-aux", "a reserved device name", "aux"),
    KeyCase("reserved-com-ext", "a reserved name with an extension", "COM1.docx"),
    KeyCase("reserved-fullwidth", "CON in fullwidth letters", "\uff23\uff2f\uff2e"),
    KeyCase("dots-and-spaces", "leading and trailing dots and spaces", " ..plan.. "),
    KeyCase("very-long", "2.000 characters", "F2011-2012-" + "x" * 1989),
    KeyCase("nfc", "Fælles på Østerbro, composed", "Fælles på Østerbro"),
    KeyCase("nfd", "the same key decomposed (macOS)", unicodedata.normalize("NFD", "Fælles på Østerbro")),
    KeyCase("rtl-override", "a right-to-left override", "plan\u202excod.exe"),
    KeyCase("emoji", "emoji only", "🫐" * 40),
    KeyCase("query-fragment", "query and fragment syntax", "plan?x=1#top"),
    KeyCase("vti", "SharePoint's reserved _vti_ infix", "plan_vti_bin"),
    KeyCase("nul-byte", "a NUL byte", "plan\x00.docx"),
]
EQUIVALENT_KEYS = {("nfc", "nfd")}
"""Pairs that are one key to a person and must give one file name; every other pair must differ."""


# --- 3. webhook payloads ----------------------------------------------------------------------------

SECRET = "hostile-corpus-client-state-0123456789"
SUBSCRIPTION = "5c1e7a10-0000-4000-8000-00000000a001"
LIST_KEY = "initiatives"


def notification(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "subscriptionId": SUBSCRIPTION, "clientState": SECRET, "expirationDateTime": "2099-01-01T00:00:00.0000000Z",
        "resource": "{7d2a9e41-0000-4000-8000-00000000b001}", "tenantId": "t", "siteUrl": "/sites/kk-it", "webId": "w",
    }
    entry.update(overrides)
    return entry


def body(*entries: dict[str, Any]) -> bytes:
    return json.dumps({"value": list(entries)}).encode()


@dataclass(frozen=True)
class WebhookCase(Case):
    body: bytes
    status: int
    """The HTTP status the receiver answers (202 accepted, 400/413 refused request, 403 refused entries)."""
    enqueued: tuple[str, ...] = ()
    content_length: str | None = None


_DEEP = 200_000
WEBHOOKS: list[WebhookCase] = [
    WebhookCase("latin-1-body", "JSON encoded as Latin-1, not UTF-8", '{"value": [{"subscriptionId": "sø"}]}'.encode("latin-1"), 400),
    WebhookCase("utf-16-body", "JSON in UTF-16 with a BOM is still JSON", json.dumps({"value": [notification()]}).encode("utf-16"),
                202, (LIST_KEY,)),
    WebhookCase("depth-bomb-array", f"{_DEEP} nested arrays", b'{"value": ' + b"[" * _DEEP + b"]" * _DEEP + b"}", 400),
    WebhookCase("depth-bomb-object", f"{_DEEP // 2} nested objects", b'{"value": [' + b'{"a":' * (_DEEP // 2) + b"1"
                + b"}" * (_DEEP // 2) + b"]}", 400),
    WebhookCase("integer-5000-digits", "an integer Python refuses to convert", b'{"value": [{"subscriptionId": '
                + b"9" * 5000 + b"}]}", 400),
    WebhookCase("nan-literal", "NaN where a string belongs", b'{"value": [{"subscriptionId": NaN, "resource": "r"}]}', 400),
    WebhookCase("10k-notifications", "an array of 10.000 notifications", body(*[{"subscriptionId": "s", "resource": "r"}] * 10_000),
                413),
    WebhookCase("top-level-array", "the notifications without the value wrapper", json.dumps([notification()]).encode(), 400),
    WebhookCase("value-null", "value is null", b'{"value": null}', 400),
    WebhookCase("blank-resource", "resource of spaces", body(notification(resource="   ")), 400),
    WebhookCase("subscription-newline", "a subscription id that would forge a log line",
                body(notification(subscriptionId="x\nKKSYNC_ALERT forged")), 400),
    WebhookCase("subscription-surrogate", "a lone surrogate in the subscription id", b'{"value": [{"subscriptionId": "\\ud800", '
                b'"resource": "r"}]}', 400),
    WebhookCase("client-state-surrogate", "a lone surrogate as clientState is just wrong", body(notification(clientState="\ud800")), 403),
    WebhookCase("client-state-number", "clientState as a number", body(notification(clientState=12345)), 400),
    WebhookCase("client-state-10kb", "a 10 KB clientState", body(notification(clientState="x" * 10_000)), 400),
    WebhookCase("expiration-year-1", "an expiry in year 1 with a +14:00 offset is a replay",
                body(notification(expirationDateTime="0001-01-01T00:00:00+14:00")), 202),
    WebhookCase("unknown-and-genuine", "an unknown subscription next to a genuine entry",
                body(notification(subscriptionId="0badc0de-0000-4000-8000-000000000000"), notification()), 202, (LIST_KEY,)),
    WebhookCase("negative-content-length", "a negative Content-Length header", body(notification()), 202, (LIST_KEY,),
                content_length="-1"),
    WebhookCase("bom-prefixed", "a UTF-8 byte order mark", b"\xef\xbb\xbf" + body(notification()), 202, (LIST_KEY,)),
    WebhookCase("limit-1000-entries", "exactly 1.000 genuine entries become one message", body(*[notification()] * 1000), 202,
                (LIST_KEY,)),
]


# --- 4. settings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingsCase(Case):
    env: dict[str, str]
    """``{tmp}`` is replaced by the test's temporary folder; ``setup`` prepares files there."""
    needles: tuple[str, ...]
    """What the error message must say (the variable, the file, what to do)."""
    stage: str = "settings"
    """Where it is caught: ``settings`` (load_settings), ``runtime`` (open_runtime) or ``document`` (render)."""
    setup: str | None = None


SITE = "https://kk.sharepoint.com/sites/it-strategi"
SETTINGS: list[SettingsCase] = [
    SettingsCase("site-loopback-lookalike", "plain http to 127.0.0.1.evil.example passed a prefix check",
                 {"KKSYNC_SITE_URL": "http://127.0.0.1.evil.example/sites/kk-it"}, ("KKSYNC_SITE_URL", "https://")),
    SettingsCase("site-userinfo", "plain http to localhost@evil.example", {"KKSYNC_SITE_URL": "http://localhost@evil.example/sites/kk-it"},
                 ("KKSYNC_SITE_URL", "https://")),
    SettingsCase("site-http-production", "the production site over plain http",
                 {"KKSYNC_SITE_URL": "http://kk.sharepoint.com/sites/it-strategi", "KKSYNC_AUTH": "managed-identity"},
                 ("KKSYNC_SITE_URL", "https://")),
    SettingsCase("site-query", "a site URL with a query string", {"KKSYNC_SITE_URL": SITE + "?web=1", "KKSYNC_AUTH": "managed-identity"},
                 ("KKSYNC_SITE_URL", "query")),
    SettingsCase("site-traversal", "a site URL with /../", {"KKSYNC_SITE_URL": "https://kk.sharepoint.com/sites/../admin",
                                                            "KKSYNC_AUTH": "managed-identity"}, ("KKSYNC_SITE_URL", "/../")),
    SettingsCase("site-empty", "an empty site URL", {"KKSYNC_SITE_URL": ""}, ("KKSYNC_SITE_URL",)),
    SettingsCase("page-size-zero", "a page size of 0", {"KKSYNC_PAGE_SIZE": "0"}, ("KKSYNC_PAGE_SIZE", "100")),
    SettingsCase("page-size-float", "a page size with decimals", {"KKSYNC_PAGE_SIZE": "2000.5"}, ("KKSYNC_PAGE_SIZE",)),
    SettingsCase("batch-size-101", "more writes per $batch than SharePoint takes", {"KKSYNC_BATCH_SIZE": "101"},
                 ("KKSYNC_BATCH_SIZE", "100")),
    SettingsCase("max-attempts-negative", "a negative retry budget", {"KKSYNC_MAX_ATTEMPTS": "-3"}, ("KKSYNC_MAX_ATTEMPTS", "1")),
    SettingsCase("retry-seconds-nan", "NaN seconds of retrying", {"KKSYNC_MAX_RETRY_SECONDS": "nan"}, ("KKSYNC_MAX_RETRY_SECONDS",)),
    SettingsCase("auth-unknown", "an auth mode that does not exist", {"KKSYNC_AUTH": "ntlm"},
                 ("KKSYNC_AUTH", "certificate", "managed-identity")),
    SettingsCase("state-empty", "an empty state would be a throw-away database", {"KKSYNC_STATE": ""}, ("KKSYNC_STATE", "SQLite")),
    SettingsCase("state-connection-no-key", "a connection string without a key", {"KKSYNC_STATE": "AccountName=kk;AccountKey="},
                 ("KKSYNC_STATE",), stage="runtime"),
    SettingsCase("state-devstorage-garbage", "the development storage shortcut with junk",
                 {"KKSYNC_STATE": "UseDevelopmentStorage=true;Junk"}, ("KKSYNC_STATE",), stage="runtime"),
    SettingsCase("state-is-a-folder", "a SQLite path that is a folder", {"KKSYNC_STATE": "{tmp}"}, ("KKSYNC_STATE", "{tmp}"),
                 stage="runtime"),
    SettingsCase("notification-url-http", "a webhook receiver over plain http",
                 {"KKSYNC_NOTIFICATION_URL": "http://kksync.azurewebsites.net/api/webhook"}, ("KKSYNC_NOTIFICATION_URL", "https://")),
    SettingsCase("queue-name-invalid", "a queue name Azure refuses", {"KKSYNC_QUEUE_NAME": "KKsync_Changes"},
                 ("KKSYNC_QUEUE_NAME", "lower-case")),
    SettingsCase("template-dir-missing", "a template folder that does not exist", {"KKSYNC_TEMPLATE_DIR": "{tmp}/nope"},
                 ("KKSYNC_TEMPLATE_DIR", "{tmp}/nope")),
    SettingsCase("template-not-docx", "kksync.docx that is a text file", {"KKSYNC_TEMPLATE_DIR": "{tmp}/tpl"},
                 ("{tmp}/tpl/kksync.docx", "Word-dokument"), stage="document", setup="template_text"),
    SettingsCase("template-is-folder", "kksync.docx that is a folder", {"KKSYNC_TEMPLATE_DIR": "{tmp}/tpl"},
                 ("{tmp}/tpl/kksync.docx", "ikke en fil"), stage="document", setup="template_folder"),
    SettingsCase("template-foreign", "a plain Word document as template", {"KKSYNC_TEMPLATE_DIR": "{tmp}/tpl"},
                 ("{tmp}/tpl/kksync.docx", "KK Tabel"), stage="document", setup="template_foreign"),
    SettingsCase("governance-missing", "a governance file that does not exist", {"KKSYNC_GOVERNANCE_FILE": "{tmp}/nope.toml"},
                 ("KKSYNC_GOVERNANCE_FILE", "{tmp}/nope.toml"), stage="runtime"),
    SettingsCase("certificate-is-folder", "certificate auth with a folder as certificate",
                 {"KKSYNC_SITE_URL": SITE, "KKSYNC_AUTH": "certificate", "KKSYNC_TENANT_ID": "t", "KKSYNC_CLIENT_ID": "c",
                  "KKSYNC_CERTIFICATE_PATH": "{tmp}"}, ("Certifikatet", "{tmp}"), stage="runtime"),
]


# --- 5. governance files ----------------------------------------------------------------------------

KIND = '[kinds."Lokal handlingsplan"]\nrules = ["RESP-*"]\n'
"""The smallest valid governance file."""


@dataclass(frozen=True)
class GovernanceCase(Case):
    content: bytes
    needles: tuple[str, ...]
    """What the ``ConfigError`` must say; empty: the file is valid and loads."""


GOVERNANCE: list[GovernanceCase] = [
    GovernanceCase("empty-file", "a 0-byte file would switch every check off", b"", ("ingen plantyper", "governance.toml")),
    GovernanceCase("comments-only", "only comments", b"# alt er udkommenteret\n", ("ingen plantyper",)),
    GovernanceCase("thresholds-only", "thresholds without any plan kind", b"[thresholds]\nnpv_tolerance_kr = 1\n", ("ingen plantyper",)),
    GovernanceCase("binary", "a binary file", bytes(range(256)) * 4, ("UTF-8",)),
    GovernanceCase("utf-16", "saved as UTF-16", KIND.encode("utf-16"), ("UTF-8",)),
    GovernanceCase("latin-1", "saved as Latin-1", ('[kinds."Fælles handlingsplan"]\nrules = ["RANK-*"]\n').encode("latin-1"), ("UTF-8",)),
    GovernanceCase("utf-8-bom", "saved by Notepad with a byte order mark", b"\xef\xbb\xbf" + KIND.encode(), ()),
    GovernanceCase("unterminated-string", "a string that never ends", b'[portfolio]\nseverity = "advarsel\n', ("ikke gyldig TOML", "line 2")),
    GovernanceCase("depth-bomb", "5.000 nested arrays", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", ("indlejret",)),
    GovernanceCase("huge-file", "5 MB of comments around a valid file", KIND.encode() + (b"# " + b"x" * 1000 + b"\n") * 5000, ()),
    GovernanceCase("rule-lower-case", "a rule prefix in lower case", KIND.replace("RESP-*", "resp-*").encode(),
                   ("ukendt regelkode 'resp-*'", "RESP-OWNER-MISSING")),
    GovernanceCase("rule-not-string", "rule codes as numbers", KIND.replace('"RESP-*"', "1, 2").encode(), ("rules.0", "string")),
    GovernanceCase("rules-not-list", "rules as one string", KIND.replace('["RESP-*"]', '"RESP-*"').encode(), ("rules", "list")),
    GovernanceCase("threshold-string", "a number written as text", (KIND + '[thresholds]\nnpv_tolerance_pct = "1,5"\n').encode(),
                   ("thresholds.npv_tolerance_pct", "number")),
    GovernanceCase("threshold-bool", "true where a number belongs", (KIND + "[thresholds]\nfunding_tolerance_kr = true\n").encode(),
                   ("thresholds.funding_tolerance_kr", "number")),
    GovernanceCase("threshold-infinite", "an infinite limit is no limit", (KIND + "[lights]\nred_overrun_pct = inf\n").encode(),
                   ("lights.red_overrun_pct", "finite")),
    GovernanceCase("threshold-nan", "NaN as a tolerance", (KIND + "[thresholds]\nnpv_tolerance_kr = nan\n").encode(),
                   ("thresholds.npv_tolerance_kr", "finite")),
    GovernanceCase("negative-delay", "a negative delay limit", (KIND + "[lights]\nyellow_delay_months = -1\n").encode(),
                   ("lights.yellow_delay_months", "greater than or equal to 0")),
    GovernanceCase("months-as-float", "months with decimals", (KIND + "[lights]\nred_delay_months = 2.5\n").encode(),
                   ("lights.red_delay_months", "integer")),
    GovernanceCase("max-items-zero", "no room in Hvad mangler", (KIND + "[thresholds]\nmissing_max_items = 0\n").encode(),
                   ("thresholds.missing_max_items",)),
    GovernanceCase("gate-as-text", 'gate = "ja"', KIND.replace("rules", 'gate = "ja"\nrules').encode(), ("gate", "boolean")),
    GovernanceCase("kind-lower-case", "a plan kind in lower case", KIND.replace("Lokal", "lokal").encode(),
                   ("kinds.lokal handlingsplan", "Lokal handlingsplan")),
    GovernanceCase("kind-decomposed", "a plan kind typed with a decomposed character is still the kind",
                   unicodedata.normalize("NFD", '[kinds."Fælles handlingsplan"]\nrules = ["RANK-*"]\n'
                                         '[thresholds]\nallowed_funding_sources = ["Internt lån"]\n').encode(), ()),
    GovernanceCase("stage-unknown", "a stage that does not exist", (KIND + '[kinds."Lokal handlingsplan".stages]\n"Kladde" = "fejl"\n')
                   .encode(), ("stages.Kladde", "Udkast")),
    GovernanceCase("severity-capitalised", "Fejl with a capital F", (KIND + '[kinds."Lokal handlingsplan".stages]\n"Udkast" = "Fejl"\n')
                   .encode(), ("stages.Udkast", "'fejl'")),
    GovernanceCase("unknown-section", "a section this version does not know", (KIND + "[roles]\nowner = 'x'\n").encode(),
                   ("roles", "Extra inputs")),
]
