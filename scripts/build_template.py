"""Write kksync/documents/word/templates/kksync.docx, kksync's base Word template (reproducible: same bytes each run).

Run ``python scripts/build_template.py`` after changing ``kksync.documents.word.template``.
A designer may restyle the written file in Word; keep the style names in
``kksync.documents.word.template.REQUIRED_STYLES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from kksync.documents.word.template import build_template


def main() -> None:
    from kksync.documents.word.template import DEFAULT_TEMPLATE

    target = DEFAULT_TEMPLATE
    target.write_bytes(build_template())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
