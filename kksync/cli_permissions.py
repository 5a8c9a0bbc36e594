"""``kksync permissions``: who may edit what, from the governance file's ``[permissions]`` (idempotent)."""

from __future__ import annotations

from typing import Annotated

import typer
from typer._click import exceptions as click

from kksync.cli_output import clean, say, styled
from kksync.texts.permissions import permission_text

__all__ = ["mount"]


def permissions(
    member: Annotated[list[str] | None, typer.Option(
        "--member", metavar="GRUPPE=E-MAIL",
        help="Føj en person til en gruppe (kan gentages), fx --member 'Redaktører ØKF=navn@kk.dk'.")] = None,
) -> None:
    """Opret grupper, en mappe pr. forvaltning og tilladelser i initiativlisterne (idempotent)."""
    from kksync.cli_runtime import runtime
    from kksync.services.provision_permissions import provision_permissions

    pairs = []
    for entry in member or []:
        group, sep, login = entry.partition("=")
        if not sep or not group.strip() or not login.strip():
            raise click.UsageError(permission_text("member_usage", value=clean(entry, 200)))
        pairs.append((group.strip(), login.strip()))
    with runtime() as rt:
        rules = rt.governance.permissions
        known = {*rules.groups.values(), rules.owners, *rules.cross_administration}
        for group, _ in pairs:  # before anything is changed on the site
            if group not in known:
                raise click.UsageError(permission_text("member_unknown_group", group=clean(group, 200)))
        report = provision_permissions(rt.client.permissions, rules)
        for group, login in pairs:
            rt.client.permissions.add_group_member(group, login)
            say(permission_text("member_added", login=clean(login, 200), group=clean(group, 200)))
    # Every grant of a first run (9 groups × 40 scopes) would drown what needs attention: the groups, the
    # totals, then each difference from the governance file.
    for line in report.created_groups if report.changes else [permission_text("no_changes")]:
        say(clean(line, 1000))
    for line in report.drift + report.misplaced:
        say(styled("!", "yellow"), clean(line, 1000))
    if report.drift or report.misplaced:
        say(styled(permission_text("attention", count=len(report.drift) + len(report.misplaced)), "yellow"))
    say(permission_text("summary", groups=len(report.created_groups), folders=len(report.created_folders),
                        grants=len(report.granted), scopes=report.scopes))


def mount(app: typer.Typer) -> None:
    app.command("permissions")(permissions)
