"""What the reminder mails before political decision say, and what ``kksync remind`` tells the operator.

The mail goes to project owners, project managers and each administration's contact: plain Danish,
what is missing per initiative and where to fill it in. Every value from SharePoint is filled into these
templates as data (escaped for the HTML part by ``kksync.checks.reminder_mail``), never as markup.
"""

from __future__ import annotations

__all__ = ["MAIL_TEXTS", "REMIND_TEXTS", "ROLE_NAMES", "OCCASION_NAMES", "days_left", "remind_text"]

ROLE_NAMES: dict[str, str] = {
    "owner": "projektejer",
    "manager": "projektleder",
    "contact": "kontaktperson for {administration}",
}

OCCASION_NAMES: dict[str, str] = {
    "decision": "politisk behandling",
    "proposal_deadline": "fristen for forslag til investeringskataloget",
}

MAIL_TEXTS: dict[str, str] = {
    "subject_one": "Påmindelse: {initiatives} mangler oplysninger før {occasion} {date}",
    "subject_many": "Påmindelse: {initiatives} mangler oplysninger før {occasions} frister",
    "title": "Påmindelse før politisk behandling",
    "greeting": "Kære {name}",
    "greeting_anonymous": "Hej",
    "intro_one": (
        "Dette initiativ mangler stadig oplysninger, før handlingsplanen kan gå til politisk behandling. "
        "Du får mailen som {roles}."
    ),
    "intro": (
        "Disse initiativer mangler stadig oplysninger, før handlingsplanen kan gå til politisk behandling. "
        "Du får mailen som {roles}."
    ),
    # A digest about proposal deadlines only, and one about more than one kind of deadline.
    "title_proposal_deadline": "Påmindelse før fristen for forslag til investeringskataloget",
    "intro_one_proposal_deadline": (
        "Dette initiativ beder om penge fra investeringskataloget, og forslaget mangler stadig oplysninger før "
        "fristen. Du får mailen som {roles}."
    ),
    "intro_proposal_deadline": (
        "Disse initiativer beder om penge fra investeringskataloget, og forslagene mangler stadig oplysninger før "
        "fristen. Du får mailen som {roles}."
    ),
    "title_mixed": "Påmindelse før fristerne i handlingsplanerne",
    "intro_one_mixed": "Dette initiativ mangler stadig oplysninger før fristerne nedenfor. Du får mailen som {roles}.",
    "intro_mixed": "Disse initiativer mangler stadig oplysninger før fristerne nedenfor. Du får mailen som {roles}.",
    "section": "{plan}: {occasion} {date} ({left})",
    "role_line": "Din rolle: {roles}",
    "missing_heading": "Det mangler",
    "more": "… og {more} mere (se «Hvad mangler» i SharePoint)",
    "link": "Åbn «{title}» ({key}) i SharePoint",
    "what_to_do": (
        "Åbn initiativet i SharePoint, og udfyld det, der mangler. Advarslerne i kolonnen «Hvad mangler» "
        "opdateres ved næste synkronisering, og du får ikke flere påmindelser om et initiativ, når det er komplet."
    ),
    "footer": (
        "Mailen er sendt automatisk af kksync for It-chefforum. Du får højst én påmindelse om dagen, "
        "og kun når noget mangler."
    ),
}

REMIND_TEXTS: dict[str, str] = {
    "no_sender": (
        "Der er ingen afsender til påmindelserne. Sæt KKSYNC_MAIL_SENDER til den postkasse, kksync sender fra "
        "(fx it-strategi@kk.dk), eller brug --dry-run for kun at se, hvad der ville blive sendt."
    ),
    "show_to": "Til: {address} – {subject}",
    "title_dry": "Påmindelser, der ville blive sendt {date}",
    "title_sent": "Påmindelser {date}",
    "none": "Ingen påmindelser i dag {date}: ingen plan har en frist, der giver en påmindelse i dag, eller intet mangler.",
    "status_planned": "ville blive sendt",
    "status_sent": "sendt",
    "status_taken": "sendt af en anden kørsel",
    "status_failed": "afvist – prøves igen",
    "status_unconfirmed": "uvist om sendt",
    "unreachable": "Ingen mailadresse for {role} på «{title}» ({key}); personen får ingen påmindelse. Ret personfeltet i SharePoint.",
    "unconfirmed": (
        "KKSYNC_ALERT Påmindelsen til {address} fra {day} blev reserveret, men det blev aldrig bekræftet, at den "
        "blev sendt ({note}). Den sendes ikke igen af sig selv (hellere for få end dobbelt): se i afsenderens "
        "«Sendt post», om den gik."
    ),
    "summary": "{sent} sendt, {taken} allerede sendt af en anden kørsel, {failed} afvist, {unconfirmed} uvisse.",
}


def days_left(days: int) -> str:
    """``i morgen``, ``om 3 dage``, ``i dag``."""
    if days <= 0:
        return "i dag"
    if days == 1:
        return "i morgen"
    return f"om {days} dage"


def remind_text(name: str, /, **values: object) -> str:
    return REMIND_TEXTS[name].format(**values)
