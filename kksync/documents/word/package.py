"""Package-level details that make a .docx reproducible and clean (adapter helpers: zip and lxml).

python-docx writes zip entries with the current time; ``deterministic_zip`` rewrites the archive
with fixed timestamps and attributes, keeping entry order, so the same content gives the same
bytes. It can also replace parts and drop parts together with the relationships and content
types that name them (a template's blank thumbnail, for one).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape

from lxml import etree

from kksync.texts.word import WORD

__all__ = ["APP_XML", "FIXED_ZIP_TIME", "deterministic_zip"]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OVERRIDE = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"


def _source_dir(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word``; ``_rels/.rels`` → ``""``."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    return folder


def _without(xml: bytes, tag: str, unwanted: object) -> bytes:
    root = etree.fromstring(xml)
    removed = False
    for element in list(root.iter(tag)):
        if unwanted(element):  # type: ignore[operator]
            root.remove(element)
            removed = True
    if not removed:
        return xml
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def deterministic_zip(data: bytes, *, replace: Mapping[str, bytes] | None = None, drop: Iterable[str] = ()) -> bytes:
    """The same archive with fixed entry metadata ([Content_Types].xml first, then as written)."""
    replace = dict(replace or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        present = set(source.namelist())
        dropped = {name for name in drop if name in present}
        infos = [i for i in source.infolist() if i.filename not in dropped]
        infos.sort(key=lambda i: i.filename != "[Content_Types].xml")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in infos:
                name = info.filename
                body = replace.get(name) or source.read(name)
                if dropped and name.endswith(".rels"):
                    base = _source_dir(name)
                    body = _without(body, _REL, lambda r, base=base: r.get("TargetMode") != "External" and (
                        posixpath.normpath(posixpath.join(base, r.get("Target", ""))).lstrip("/") in dropped
                        or (r.get("Target", "").lstrip("/") in dropped and r.get("Target", "").startswith("/"))))
                if dropped and name == "[Content_Types].xml":
                    body = _without(body, _OVERRIDE, lambda o: o.get("PartName", "").lstrip("/") in dropped)
                entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.create_system = 0
                entry.external_attr = 0
                target.writestr(entry, body, compresslevel=6)
    return out.getvalue()


APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f"<Template>kksync.docx</Template><Application>{escape(WORD.application)}</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
).encode()
"""docProps/app.xml of every written document: no Word version or application it did not come from."""
