"""SharePoint-safe, deterministic file names for published documents (pure).

SharePoint refuses ``" * : < > ? / \\ |``, leading or trailing spaces and dots, names starting
``~$``, names containing ``_vti_``, and the reserved names ``CON PRN AUX NUL COM0-9 LPT0-9
.lock desktop.ini``. Names here are built from ASCII letters, digits and ``-`` parts joined with
``_`` (æ → ae, ø → oe, å → aa), so none of that can occur; ``is_safe_file_name`` checks it anyway.
A plan key that had to be changed gets a short hash, so two keys never share a file name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

from kksync.core.model import DocumentType

__all__ = ["MAX_FILE_NAME", "doc_type_slug", "is_safe_file_name", "safe_file_name", "slug"]

MAX_FILE_NAME = 128
_TRANSLIT = str.maketrans({"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ß": "ss"})
_NOT_SAFE = re.compile(r"[^A-Za-z0-9]+")
_FORBIDDEN = re.compile(r'["*:<>?/\\|#%\x00-\x1f]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_SLUGS = {
    DocumentType.STATUS: "Status-paa-implementering",
    DocumentType.READINESS: "Klar-til-politisk-behandling",
    DocumentType.PLAN: "Handlingsplan",
    DocumentType.PROPOSALS: "Forslag-til-investeringskataloget",
}


def slug(text: str) -> str:
    """ASCII letters and digits joined by single dashes; Danish letters transliterated."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT)).encode("ascii", "ignore").decode("ascii")
    return _NOT_SAFE.sub("-", ascii_text).strip("-")


def doc_type_slug(doc_type: DocumentType) -> str:
    return _SLUGS[doc_type]


def safe_file_name(plan_key: str, doc_type: DocumentType, when: int | date, *, extension: str = "docx") -> str:
    """E.g. ``Status-paa-implementering_F2011-2012_2012.docx``; same input, same name."""
    stamp = when.isoformat() if isinstance(when, date) else str(int(when))
    # A key typed on a Mac ("a" + ring) is the same key as "å": one plan, one file name.
    plan_key = unicodedata.normalize("NFC", plan_key)
    plan = slug(plan_key)
    if plan != plan_key or not plan:
        plan = "-".join(p for p in (plan, hashlib.sha256(plan_key.encode("utf-8", "surrogatepass")).hexdigest()[:8]) if p)
    fixed = len(doc_type_slug(doc_type)) + len(stamp) + len(extension) + 3
    plan = plan[: max(8, MAX_FILE_NAME - fixed)].strip("-") or "plan"
    name = f"{doc_type_slug(doc_type)}_{plan}_{stamp}.{extension}"
    assert is_safe_file_name(name), name
    return name


def is_safe_file_name(name: str) -> bool:
    """Whether SharePoint accepts ``name`` as a file name (the rules in SHAREPOINT.md)."""
    return not (
        not name
        or len(name) > MAX_FILE_NAME
        or _FORBIDDEN.search(name)
        or name != name.strip(" .")
        or name.startswith("~$")
        or "_vti_" in name.lower()
        or _RESERVED.match(name)
        or name.lower() in {".lock", "desktop.ini"}
    )
