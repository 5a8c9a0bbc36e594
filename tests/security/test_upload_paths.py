"""Whatever a plan key or a file name holds, an upload lands in the publications library and nowhere else.

SharePoint resolves ``Files/add(url='…')`` against the library's folder and also accepts an absolute
server-relative path (the library documents it: "a URL of relative or absolute form"), so
``../Andet/x.docx`` or ``/sites/other/Delte dokumenter/x.docx`` would put a file elsewhere on the
site or in another site. Three layers are tested:

- ``safe_file_name`` turns any plan key into a plain ASCII name (property test);
- ``SharePointClient.upload_file`` refuses any name that is not one plain file name before a request
  is sent (``check_file_name``), and checks where SharePoint says the file went; the URL it sends is
  resolved here the way SharePoint resolves it;
- end to end against the emulator: plans with hostile keys are published and the emulator's request
  log and files show nothing outside the library (and the local output folder gets nothing outside it).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kksync.core.model import DocumentType
from kksync.documents.content.names import safe_file_name
from kksync.errors import DocumentError
from kksync.sharepoint.client import SharePointClient, check_file_name
from kksync.sharepoint.transport import GuardedTransport
from sp_emulator import EmulatorServer
from sp_emulator.transport import EmulatorTransport
from testkit.emulator import client_for, in_process_emulator, serving

LIBRARY = "Publikationer"
SITE_PATH = "/sites/kk-it"
FOLDER = f"{SITE_PATH}/{LIBRARY}"

ESCAPES = [
    "../Andet/x.docx", "../../other/Shared Documents/x.docx", "..", ".", "./x.docx", "x/../../y.docx",
    "/sites/other/Shared Documents/x.docx", "/sites/kk-it/Andet/x.docx", "//evil.example/share/x.docx",
    "https://evil.example/sites/x/Shared Documents/x.docx", "file:///etc/passwd",
    "..\\Andet\\x.docx", "\\\\server\\share\\x.docx", "C:\\Windows\\x.docx", "C:x.docx",
    "..%2fAndet%2fx.docx", "..%2FAndet%2Fx.docx", "%2e%2e%2fx.docx", "%252e%252e%252fx.docx", "..%5cx.docx",
    "\u2025/x.docx", "\uff0e\uff0e\uff0fx.docx", "..\u2215x.docx", "..\u2044x.docx", "..\uff3cx.docx", "..\ufe68x.docx",
    "x.docx\x00.txt", "x\x00/../../y.docx", "x\r\n.docx", "\u202excod.exe", "x\u200b/.docx",
    "x.docx?a=../b", "x.docx#../b", " x.docx", "x.docx ", "x.docx.", ".hidden", "", "x" * 300,
]
PLAIN = ["Status-paa-implementering_F2011-2012_2012.docx", "plan.docx", "a'b.docx", "Fælles plan.docx", "x" * 200]


def files_add_target(request_url: str) -> str | None:
    """The ``url`` argument of a ``Files/add(...)`` request, decoded as SharePoint decodes it."""
    match = re.search(r"/files/add(?:usingpath)?\(([^)]*)\)", request_url, re.IGNORECASE)
    if match is None:
        return None
    arg = re.search(r"(?:url|decodedurl)='((?:[^']|'')*)'", match.group(1), re.IGNORECASE)
    assert arg is not None, request_url
    return unquote(arg.group(1).replace("''", "'"))


def resolve(folder: str, target: str) -> str:
    """Where SharePoint would put ``target`` added to ``folder``: relative, absolute or a full URL, ``\\`` as ``/``."""
    target = target.replace("\\", "/")
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
        target = urlsplit(target).path or "/"
    path = target if target.startswith("/") else f"{folder}/{target}"
    return posixpath.normpath(path)


def inside(folder: str, path: str) -> bool:
    """Directly in ``folder`` (a library's root folder): one segment below it, not the folder itself."""
    prefix = folder.lower() + "/"
    return path.lower().startswith(prefix) and "/" not in path[len(prefix):] and path[len(prefix):] not in ("", ".", "..")


def test_the_resolver_sees_the_escapes() -> None:
    """The checks below would catch a name that got through: resolving the escapes leaves the folder."""
    assert not inside(FOLDER, resolve(FOLDER, "../Andet/x.docx"))
    assert not inside(FOLDER, resolve(FOLDER, "/sites/other/Shared Documents/x.docx"))
    assert not inside(FOLDER, resolve(FOLDER, "..\\Andet\\x.docx"))
    assert not inside(FOLDER, resolve(FOLDER, unquote("..%2fAndet%2fx.docx")))
    assert inside(FOLDER, resolve(FOLDER, "plan.docx"))


# --- function level ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ESCAPES)
def test_client_refuses_names_that_are_not_plain(name: str) -> None:
    with pytest.raises(DocumentError, match="afvises"):
        check_file_name(LIBRARY, name)


@pytest.mark.parametrize("name", PLAIN)
def test_plain_names_pass_and_stay_inside(name: str) -> None:
    assert check_file_name(LIBRARY, name) == name
    assert inside(FOLDER, resolve(FOLDER, name))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"./\\%2eEfF5cC:?#~$ a", "\x00", "\u2215", "\uff0f", "\uff0e", "\u2024"]) | st.characters(),
               max_size=24))
def test_any_name_the_client_accepts_resolves_inside_the_library(name: str) -> None:
    try:
        check_file_name(LIBRARY, name)
    except DocumentError:
        return
    for decoded in {name, unquote(name), unquote(unquote(name))}:
        assert inside(FOLDER, resolve(FOLDER, decoded)), name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"./\\%2eEfF:~$ aZ09", "\x00", "\u2215", "\uff0f", "\uff0e", "æ"]) | st.characters(), max_size=40),
       st.sampled_from(list(DocumentType)))
def test_any_plan_key_gives_a_plain_name(plan_key: str, doc_type: DocumentType) -> None:
    name = safe_file_name(plan_key, doc_type, date(2012, 11, 27))
    assert check_file_name(LIBRARY, name) == name
    assert re.fullmatch(r"[A-Za-z0-9_-]+(?:-[0-9a-f]{8})?_[0-9-]+\.docx", name), name
    assert inside(FOLDER, resolve(FOLDER, name))


class Recorder(EmulatorTransport):
    """The HTTP layer (the emulator, in-process), remembering every URL the client sends."""

    def __init__(self, server: EmulatorServer) -> None:
        super().__init__(server)
        self.urls: list[str] = []

    def execute(self, request: Any) -> Any:
        self.urls.append(str(request.url))
        return super().execute(request)


@pytest.fixture
def library(tmp_path: Path) -> Iterator[tuple[EmulatorServer, SharePointClient, Recorder]]:
    from kksync.app import build_client
    from kksync.settings import Settings

    with in_process_emulator(tmp_path / "sp.db", notification_delay=0.05) as sp:
        sp.create_list(LIBRARY, base_template=101)
        sp.create_list("Andet", base_template=101)
        recorder = Recorder(sp)
        client = build_client(Settings(site_url=sp.url, state=":memory:"), transport=GuardedTransport(recorder))
        yield sp, client, recorder


def library_files(sp: EmulatorServer) -> dict[str, list[str]]:
    """Every file on the emulated site, by library title."""
    found: dict[str, list[str]] = {}
    for lst in sp.site.store.lists.values():
        refs = [str(i.get("FileRef")) for i in sp.site.store.items[lst["Id"]].values() if i.get("FileRef")]
        if refs or lst["BaseTemplate"] == 101:
            found[lst["Title"]] = sorted(refs)
    return found


def test_upload_sends_only_targets_inside_the_library(library: tuple[EmulatorServer, SharePointClient, Recorder]) -> None:
    sp, client, recorder = library
    for name in ESCAPES:
        with pytest.raises(DocumentError):
            client.upload_file(LIBRARY, name, b"escape attempt")
    assert [u for u in recorder.urls if files_add_target(u) is not None] == []  # refused before any request

    big = b"x" * (4 * 1024 * 1024 + 10)  # the chunked upload path
    for name, content in [*((n, b"ok") for n in PLAIN), ("stor.docx", big)]:
        uploaded = client.upload_file(LIBRARY, name, content)
        assert inside(FOLDER, uploaded["ServerRelativeUrl"])
    targets = [files_add_target(u) for u in recorder.urls]
    sent = [t for t in targets if t is not None]
    assert len(sent) == len(PLAIN) + 1
    for url, target in zip(recorder.urls, targets, strict=True):
        if target is not None:
            assert f"GetByTitle('{LIBRARY}')/RootFolder/Files/add(" in url
            assert inside(FOLDER, resolve(FOLDER, target)), url
    assert library_files(sp) == {LIBRARY: sorted(f"{FOLDER}/{n}" for n in [*PLAIN, "stor.docx"]), "Andet": []}


def test_upload_refuses_a_server_that_puts_the_file_elsewhere(library: tuple[EmulatorServer, SharePointClient, Recorder],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A server answering with another location must not get the document's metadata written there."""
    from office365.sharepoint.files.file import File

    _, client, _ = library
    monkeypatch.setattr(File, "server_relative_url", property(lambda self: "/sites/other/Shared Documents/plan.docx"))
    with pytest.raises(DocumentError, match="uden for biblioteket"):
        client.upload_file(LIBRARY, "plan.docx", b"x")


# --- end to end: hostile plan keys published to the emulator ----------------------------------------

HOSTILE_KEYS = ["../../Andet/x", "/sites/other/Shared Documents/evil", "..\\..\\Andet\\%2e%2e%2fy\uff0f\u2215z"]


def test_publishing_plans_with_hostile_keys_writes_only_into_the_library(tmp_path: Path) -> None:
    from kksync.app import open_runtime
    from kksync.core import model as m
    from kksync.services.provision import provision
    from kksync.services.publishing import library_url
    from kksync.services.seed import seed_portfolio
    from kksync.settings import Settings
    from testkit.scenarios import documents_portfolio, people_of

    portfolio = documents_portfolio(2)
    plans = [p.model_copy(update={"key": key}) for p, key in zip(portfolio.plans, HOSTILE_KEYS, strict=True)]
    portfolio = portfolio.model_copy(update={"plans": plans})
    out = tmp_path / "out"
    # In-process: open_runtime builds its own client, which serving() hands the emulator as HTTP layer.
    with in_process_emulator(tmp_path / "sp.db", notification_delay=0.05) as sp, serving(sp):
        settings = Settings(site_url=sp.url, state=str(tmp_path / "state.db"))
        provision(client_for(sp, settings))
        seed_portfolio(client_for(sp, settings), portfolio, people_of(portfolio))
        sp.create_list("Andet", base_template=101)
        runtime = open_runtime(settings)
        try:
            runtime.sync_service().sync(full=True, write_back=False)
            assert library_url(runtime.settings.site_url) == FOLDER
            sp.request_log.reset()
            published: list[m.DocumentType] = []
            for key in HOSTILE_KEYS:
                for result in runtime.publish_documents(key, out_dir=out):
                    assert result.url is not None and inside(FOLDER, result.url), result.url
                    published.append(result.document.spec.document_type)
        finally:
            runtime.close()
        entries = [(e.method, e.path) for e in sp.request_log.entries for e in [e, *e.inner]]
        files = library_files(sp)

    # Three documents per plan, and the proposals of the plans asking for investment-catalogue money.
    asking = {line.initiative_id for line in portfolio.funding_lines if line.source is m.FundingSource.INVESTERINGSPULJE}
    plans_asking = {i.plan_id for i in portfolio.initiatives if i.id in asking}
    assert 0 < len(plans_asking) < len(HOSTILE_KEYS)  # both kinds of plan are tried
    assert published.count(m.DocumentType.PROPOSALS) == len(plans_asking)
    assert len(published) == 3 * len(HOSTILE_KEYS) + len(plans_asking)
    adds = [files_add_target(path) for _, path in entries]
    assert len([a for a in adds if a is not None]) == len(published)
    for (method, path), target in zip(entries, adds, strict=True):
        if target is not None:
            assert method == "POST" and inside(FOLDER, resolve(FOLDER, target)), path
    assert {title: refs for title, refs in files.items() if title != LIBRARY and refs} == {}  # no file anywhere else
    assert "Andet" in files
    assert len(files[LIBRARY]) == len(published) and all(inside(FOLDER, ref) for ref in files[LIBRARY])
    local = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.docx"))
    assert len(local) == len(published) and all(p.parent == Path("out") for p in local)
