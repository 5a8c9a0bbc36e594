"""What the operator and the readiness document say about who may edit what in SharePoint."""

from __future__ import annotations

__all__ = ["PERMISSION_TEXTS", "permission_text"]

PERMISSION_TEXTS: dict[str, str] = {
    "group_description": "Redigerer {administration}s initiativer og deres finansiering, tal, milepæle og status.",
    "owners_description": "Ejere af webstedet med it-handlingsplanerne: fuld kontrol.",
    "cross_description": "Må redigere alle forvaltningers initiativer; ændringerne vises i klar-til-behandling-dokumentet.",
    "created_group": "gruppen «{group}» er oprettet",
    "created_folder": "mappen «{folder}» i «{list}» er oprettet",
    "broke": "«{where}» har fået egne tilladelser",
    "granted": "«{group}» har fået «{role}» på «{where}»",
    "extra": "«{where}»: «{principal}» har «{role}», som governance-filen ikke giver (ikke fjernet)",
    "misplaced": (
        "«{list}» element {item_id} ligger i mappen «{folder}», men hører til {administration}: "
        "det har fået egne tilladelser, så {administration} kan redigere det nu; flyt det til mappen «{wanted}», "
        "når det er muligt (kksync flytter ikke elementer)"
    ),
    "item_scopes_many": (
        "{count} elementer har egne tilladelser, fordi de ligger uden for deres forvaltnings mappe (mere end {limit}); "
        "SharePoint anbefaler højst 5.000 unikke tilladelser pr. liste: flyt elementerne ind i mapperne"
    ),
    "orphan": (
        "«{list}» element {item_id} ligger i mappen «{folder}», men har ingen forvaltning: "
        "kun ejere og tværgående grupper kan ændre det, indtil det får en"
    ),
    "role_missing": "Webstedet har ikke tilladelsesniveauet {kind} (læse, bidrage, fuld kontrol); tilladelser er ikke sat.",
    "no_changes": "Tilladelserne er som governance-filen siger; intet ændret.",
    "summary": "Tilladelser: {groups} grupper, {folders} mapper og {grants} tildelinger oprettet; {scopes} unikke tilladelser i alt.",
    "member_usage": "--member skal have formen GRUPPE=E-MAIL, ikke {value!r}.",
    "member_unknown_group": "Gruppen «{group}» står ikke i governance-filens [permissions].",
    "member_added": "{login} er føjet til «{group}».",
    "attention": "{count} forhold kræver opmærksomhed (se ovenfor).",
    "cross_heading": "Ændringer på tværs af forvaltninger",
    "cross_intro": (
        "Disse ændringer er foretaget af en ejer eller en tværgående gruppe ({groups}) i en anden forvaltnings "
        "initiativ. Forvaltningen bør kende dem."
    ),
    "cross_none": "Ingen ændringer på tværs af forvaltninger i perioden.",
    "col_day": "Dato",
    "col_initiative": "Initiativ",
    "col_administration": "Forvaltning",
    "col_list": "Liste",
    "col_editor": "Ændret af",
}


def permission_text(key: str, **values: object) -> str:
    return PERMISSION_TEXTS[key].format(**values)
