"""What in a Word package would make Word fetch, run or include something when a document opens (pure).

A replacement template (``KKSYNC_TEMPLATE_DIR/kksync.docx``) is copied into every generated
document, headers, footers, settings and relationships included. A template carrying a remote
``attachedTemplate``, a linked image, an ``INCLUDETEXT``/``DDEAUTO`` field, an ``altChunk`` or macros
would make every published document fetch or run it on the reader's machine, so
``open_template`` refuses such a template with the list from ``active_content``.

The package is read with the standard library's zip and an lxml parser that resolves no entities,
loads no DTD and fetches nothing.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

__all__ = ["SAFE_FIELDS", "active_content"]

SAFE_FIELDS = frozenset({
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE", "PRINTDATE",
    "TITLE", "SUBJECT", "AUTHOR", "KEYWORDS", "COMMENTS", "DOCPROPERTY", "STYLEREF", "REF", "PAGEREF", "NOTEREF",
    "SEQ", "TOC", "NUMWORDS", "NUMCHARS",
})
"""Fields a template may carry: they show the document's own page numbers, dates and properties only."""

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Relationship types (last path segment, lower case) that pull content in or carry code, internal or not.
_ACTIVE_RELATIONSHIPS = frozenset({
    "attachedtemplate", "afchunk", "subdocument", "oleobject", "package", "vbaproject", "wordvbadata",
    "control", "activexcontrol", "activexcontrolbinary", "frame", "externallinkpath",
})
# Elements (local names, any namespace) that include, embed or run something.
_ACTIVE_ELEMENTS = frozenset({"altChunk", "subDoc", "object", "control", "attachedTemplate", "frameset", "OLEObject"})
_SAFE_LINKS = ("https://", "http://", "mailto:")


def active_content(data: bytes) -> list[str]:
    """Everything active or external in a .docx package, as short Danish descriptions; empty if none.

    Found: external relationships other than web/mail hyperlinks (remote templates, linked images or
    frames), included chunks and sub-documents, OLE objects, ActiveX controls and macros, document
    type declarations (entity tricks), and fields other than ``SAFE_FIELDS`` (``INCLUDETEXT``,
    ``INCLUDEPICTURE``, ``DDE``/``DDEAUTO``, ``LINK``, ``IF`` …), simple or complex, split over
    several runs or nested.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            lowered = name.lower()
            leaf = lowered.rsplit("/", 1)[-1]
            if leaf.startswith(("vbaproject", "vbadata", "activex")) or leaf.endswith(".bin"):
                found.append(f"{name}: makroer, ActiveX eller indlejret binært indhold")
            if not lowered.endswith((".xml", ".rels")):
                continue
            try:
                root = etree.fromstring(package.read(name), parser)
            except etree.XMLSyntaxError as error:
                found.append(f"{name}: ugyldig XML ({error})")
                continue
            if root.getroottree().docinfo.doctype:
                found.append(f"{name}: dokumenttypeerklæring (DOCTYPE)")
            found += _relationships(name, root) if lowered.endswith(".rels") else _elements(name, root)
    return found


def _relationships(name: str, root: Any) -> list[str]:
    found = []
    for rel in root.iter(_RELATIONSHIP):
        kind = str(rel.get("Type", "")).rsplit("/", 1)[-1]
        target = str(rel.get("Target", ""))
        if kind.lower() in _ACTIVE_RELATIONSHIPS:
            found.append(f"{name}: relation af typen {kind} ({target[:80]})")
        elif str(rel.get("TargetMode", "")).lower() == "external" and not (
            kind.lower() == "hyperlink" and target.lower().startswith(_SAFE_LINKS)
        ):
            found.append(f"{name}: ekstern relation {kind} til {target[:80]}")
    return found


def _elements(name: str, root: Any) -> list[str]:
    found = []
    instructions: list[str] = []
    open_fields: list[list[str]] = []  # complex fields being read: instruction pieces per nesting level
    for element in root.iter():
        if not isinstance(element.tag, str):  # comments, processing instructions
            continue
        local = element.tag.rpartition("}")[2]
        if local in _ACTIVE_ELEMENTS:
            found.append(f"{name}: elementet {local}")
        if not element.tag.startswith(_W):
            continue
        if local == "fldSimple":
            instructions.append(str(element.get(f"{_W}instr", "")))
        elif local == "fldChar":
            kind = element.get(f"{_W}fldCharType")
            if kind == "begin":
                open_fields.append([])
            elif kind in ("separate", "end") and open_fields:
                instructions.append("".join(open_fields[-1]))
                open_fields[-1] = []
                if kind == "end":
                    open_fields.pop()
        elif local in ("instrText", "delInstrText"):
            (open_fields[-1] if open_fields else instructions).append(element.text or "")
    instructions += ["".join(pieces) for pieces in open_fields]  # a field left open
    for instruction in instructions:
        words = instruction.split()
        if words and words[0].upper() not in SAFE_FIELDS:
            found.append(f"{name}: feltet {' '.join(words)[:80]!r}")
    return found
