"""Package-level details that make a .docx reproducible (adapter helpers, stdlib only).

python-docx writes zip entries with the current time; ``deterministic_zip`` rewrites the archive
with fixed timestamps and attributes, keeping entry order, so the same content gives the same
bytes.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["FIXED_ZIP_TIME", "deterministic_zip"]

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """The same archive with fixed entry metadata ([Content_Types].xml first, then as written)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        infos = source.infolist()
        infos.sort(key=lambda i: i.filename != "[Content_Types].xml")
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
            for info in infos:
                entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.create_system = 0
                entry.external_attr = 0
                target.writestr(entry, source.read(info.filename), compresslevel=6)
    return out.getvalue()
