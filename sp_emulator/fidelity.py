"""Switches for behaviours of SharePoint Online that no public source settles (or that vary).

Every default is SharePoint Online as far as public sources show it (see ``FIDELITY.md``); the other value
of each switch exists so the product can be tested under both behaviours where SharePoint's is unverified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

__all__ = ["Fidelity"]


@dataclass
class Fidelity:
    change_log_retention: timedelta = timedelta(days=60)
    """A change token older than this (by the emulator's clock) returns no changes and no error."""

    short_change_pages: bool = False
    """Unverified: True makes ``getChanges`` pages shorter than ``FetchLimit`` while more changes exist."""

    editor_in_update_changes: bool = False
    """SharePoint leaves ``Editor``/``EditorLoginName`` null on item updates; True names the editor anyway."""

    top_above_limit: Literal["refuse", "cap"] = "refuse"
    """``$top`` above 5,000: refused with 400 (public sources say refused; status and text unverified) or
    silently capped."""

    missing_field_in_filter: Literal["column", "field_or_property"] = "column"
    """Error text for a ``$filter``/``$orderby`` naming a column the list lacks: "Column 'X' does not exist"
    (pnp/PnP #1585) or the ``$select`` text "The field or property 'X' does not exist." (unverified)."""

    next_link_on_full_last_page: bool = False
    """Unverified: True sends ``__next`` when the last page is exactly full (the next page is then empty)."""

    rest_delete_recycles: bool = False
    """REST ``DELETE`` on an item or file deletes permanently (PnP Core docs; only ``recycle()`` goes to the
    recycle bin); True sends REST deletes to the recycle bin too."""

    entity_name_specials: Literal["encode", "strip"] = "encode"
    """Unverified: characters other than letters, digits, space and ``_`` in a list's URL name become
    ``_xHHHH_`` in its entity type name ("encode") or are dropped ("strip")."""

    if_match_long_form: bool = True
    """Unverified: IF-MATCH with the ``"<guid>,<n>"`` form of the current version succeeds (True) or, like any
    value other than the read form ``"<n>"``, gives 412 (False)."""

    departed_in_person_fields: Literal["refuse", "accept"] = "refuse"
    """Unverified: writing a user who left (account deleted) into a person field fails (400) or is stored."""

    remove_missing_user: Literal["error", "ignore"] = "error"
    """``siteusers/removebyid`` of a user not (or no longer) on the site: "User cannot be found." (documented
    for UserCollection.Remove; unverified for RemoveById) or silently nothing."""
