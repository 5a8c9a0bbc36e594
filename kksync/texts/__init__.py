"""The catalogue of user-facing Danish text: every sentence a department or an operator reads, in one place.

One module per audience, each a page to read and review on its own:

- ``problems``: what the mapping tells a department about a value it could not take as it was;
- ``checks``: the message of every rule code (the rule table itself is ``kksync.checks.catalog``), the
  computed traffic lights' reasons and the plans' verdicts;
- ``state``: what the state stores tell the person running kksync;
- ``sync``: a sync run's notes (full reads and why, missing columns, what Graph could not say);
- ``documents``: the documents' titles, headings, sentences and chart texts;
- ``budget``: when kksync paces itself to stay within SharePoint's resource-unit budget.
- ``proposals``: the budget calendar's dates, the investment-catalogue proposal and continuation rules, and
  the proposal document's texts.

Texts are ``str.format`` templates; they are only ever formatted, never built from data
(``tests/security/test_template_injection.py``). The catalogue sits at the bottom of the import graph:
it imports nothing from kksync but ``kksync.errors``, and the core, the checks, the state stores and the
documents import it. Column display names are not here: they are part of the model
(``kksync.core.model``), from which the list schema is derived.
"""

from __future__ import annotations

from kksync.texts.checks import (
    LIGHT_TEXTS,
    LIST_NAMES,
    MISSING_LIST,
    PLURALS,
    RULE_TEXTS,
    RULE_WORDS,
    VERDICT_TEXTS,
    counted,
)
from kksync.texts.documents import MISSING, ORGANISATION, T
from kksync.texts.problems import PROBLEMS, problem_text
from kksync.texts.state import LEASE_MESSAGES, STATE_MESSAGES, lease_held_error, stale_token_error, state_error
from kksync.texts.sync import SYNC_NOTES, sync_note

__all__ = [
    "LEASE_MESSAGES",
    "LIGHT_TEXTS",
    "LIST_NAMES",
    "MISSING",
    "MISSING_LIST",
    "ORGANISATION",
    "PLURALS",
    "PROBLEMS",
    "RULE_TEXTS",
    "RULE_WORDS",
    "STATE_MESSAGES",
    "SYNC_NOTES",
    "VERDICT_TEXTS",
    "T",
    "counted",
    "lease_held_error",
    "problem_text",
    "stale_token_error",
    "state_error",
    "sync_note",
]
