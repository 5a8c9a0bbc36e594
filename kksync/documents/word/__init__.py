"""The .docx side: the writer (python-docx), native charts (python-pptx chart XML), the Word template
and its safety checks, deterministic packaging and the accessibility linter. Imported only when a
document is written or linted."""
