"""The documents' pure content model: what a status, readiness or plan document says (headings,
paragraphs, tables, charts) built from a ``Snapshot`` and a ``CheckReport``, in the formats of
``kksync.core.fmt`` and the words of ``kksync.texts.documents``. No python-docx here:
``kksync.documents.word`` writes the content to .docx."""
