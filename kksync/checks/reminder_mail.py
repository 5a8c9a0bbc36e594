"""The reminder mail of one digest: a Danish subject, an accessible HTML part and a plain-text part (pure).

Accessibility (the intranet's own standard, WCAG 2.1 AA, applies to what we send too): the HTML names
its language (``lang="da"``) and title, uses real headings in order (h1 the mail, h2 a plan's deadline,
h3 an initiative), lists are lists, and every link's text names the initiative it opens, never "klik
her". There is no colour, so no meaning by colour. Every value that comes from SharePoint (titles, keys,
names, the findings' messages) is escaped with ``html.escape`` before it is placed in the HTML; the text
part carries the same content with the links written out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit

from kksync.checks.reminders import Digest, DigestItem, Role
from kksync.core.fmt import and_list, long_date
from kksync.core.schema import list_schema
from kksync.texts import counted
from kksync.texts.reminders import MAIL_TEXTS, OCCASION_NAMES, ROLE_NAMES, days_left

__all__ = ["ReminderMail", "compose", "item_form_url"]

_URL_UNSAFE = re.compile(r'[#%&*:<>?/\\{|}~"]')


@dataclass(frozen=True, slots=True)
class ReminderMail:
    to: str
    subject: str
    html: str
    text: str


def item_form_url(site_url: str, list_title: str, item_id: int) -> str:
    """The item's display form: ``<site>/Lists/<list>/DispForm.aspx?ID=<id>``.

    The list's URL is the name SharePoint made from its title when it was created (characters a URL
    segment cannot hold left out), percent-encoded here.
    """
    leaf = _URL_UNSAFE.sub("", list_title).strip() or "List"
    return f"{site_url.rstrip('/')}/Lists/{quote(leaf)}/DispForm.aspx?ID={int(item_id)}"


def _role(role: Role) -> str:
    return ROLE_NAMES[role.kind].format(administration=role.administration or "")


def _roles(roles: tuple[Role, ...]) -> str:
    return and_list(list(dict.fromkeys(_role(r) for r in roles)))


def _subject(digest: Digest) -> str:
    initiatives = counted(digest.initiatives, "initiativ")
    occasions = {(s.occasion.kind, s.occasion.day) for s in digest.sections}
    if len(occasions) == 1:
        section = digest.sections[0]
        return MAIL_TEXTS["subject_one"].format(initiatives=initiatives, occasion=OCCASION_NAMES[section.occasion.kind],
                                                date=long_date(section.occasion.day))
    return MAIL_TEXTS["subject_many"].format(initiatives=initiatives, occasions=len(occasions))


def _section_title(digest: Digest, index: int) -> str:
    section = digest.sections[index]
    return MAIL_TEXTS["section"].format(plan=section.occasion.plan_title, occasion=OCCASION_NAMES[section.occasion.kind],
                                        date=long_date(section.occasion.day), left=days_left(section.days_left))


def _missing_lines(item: DigestItem) -> list[tuple[str, str]]:
    lines = list(item.missing)
    if item.more:
        lines.append(("", MAIL_TEXTS["more"].format(more=counted(item.more, "mangel"))))
    return lines


def compose(digest: Digest, *, site_url: str) -> ReminderMail:
    """The mail for ``digest``; links point at the initiatives' display forms on ``site_url``."""
    scheme = urlsplit(site_url).scheme
    if scheme not in ("https", "http"):
        raise ValueError(f"not a site URL: {site_url!r}")
    title_list = list_schema("initiatives").title
    subject = _subject(digest)
    all_roles = tuple(r for s in digest.sections for i in s.items for r in i.roles)
    greeting = MAIL_TEXTS["greeting"].format(name=digest.name) if digest.name else MAIL_TEXTS["greeting_anonymous"]
    kinds = {s.occasion.kind for s in digest.sections}
    suffix = "" if kinds == {"decision"} else f"_{kinds.pop()}" if len(kinds) == 1 else "_mixed"
    title = MAIL_TEXTS["title" + suffix]
    intro = MAIL_TEXTS[("intro_one" if digest.initiatives == 1 else "intro") + suffix].format(roles=_roles(all_roles))

    html: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="da">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
        f"<title>{escape(subject)}</title></head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(greeting)},</p>",
        f"<p>{escape(intro)}</p>",
    ]
    text: list[str] = [title, "", f"{greeting},", "", intro, ""]
    for index, section in enumerate(digest.sections):
        heading = _section_title(digest, index)
        html.append(f"<h2>{escape(heading)}</h2>")
        text += [heading, "=" * min(len(heading), 78), ""]
        for item in section.items:
            url = item_form_url(site_url, title_list, item.initiative_id)
            link = MAIL_TEXTS["link"].format(title=item.title, key=item.key)
            roles = MAIL_TEXTS["role_line"].format(roles=_roles(item.roles))
            html.append(f"<h3>{escape(item.title)} ({escape(item.key)})</h3>")
            html.append(f"<p>{escape(roles)}</p>")
            html.append(f"<p>{escape(MAIL_TEXTS['missing_heading'])}:</p>")
            html.append("<ul>")
            text += [f"{item.title} ({item.key})", roles, f"{MAIL_TEXTS['missing_heading']}:"]
            for requirement, message in _missing_lines(item):
                if requirement:
                    html.append(f"<li><strong>{escape(requirement)}:</strong> {escape(message)}</li>")
                    text.append(f"  • {requirement}: {message}")
                else:
                    html.append(f"<li>{escape(message)}</li>")
                    text.append(f"  • {message}")
            html.append("</ul>")
            html.append(f'<p><a href="{escape(url, quote=True)}">{escape(link)}</a></p>')
            text += [f"{link}: {url}", ""]
    html += [
        f"<p>{escape(MAIL_TEXTS['what_to_do'])}</p>",
        f"<p><small>{escape(MAIL_TEXTS['footer'])}</small></p>",
        "</body>",
        "</html>",
    ]
    text += [MAIL_TEXTS["what_to_do"], "", "-- ", MAIL_TEXTS["footer"], ""]
    return ReminderMail(digest.address, subject, "\n".join(html) + "\n", "\n".join(text))
