"""Write templates/kksync.docx, kksync's base Word template (reproducible: same bytes each run).

Run ``python templates/build_template.py`` after changing ``kksync.documents.template``.
A designer may restyle the written file in Word; keep the style names in
``kksync.documents.template.REQUIRED_STYLES``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from kksync.documents.template import TEMPLATE_NAME, build_template


def main() -> None:
    target = Path(__file__).resolve().parent / TEMPLATE_NAME
    target.write_bytes(build_template())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
