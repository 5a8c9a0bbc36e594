"""The mapping's problems: what the department is told about a value kksync could not take as it was.

Messages are ``str.format`` templates, by the problem codes of ``kksync.core.values`` and
``kksync.core.mapping``. They name the field as the department sees it (its display name) and say
what to do, not only what is wrong.
"""

from __future__ import annotations

__all__ = ["PROBLEMS", "problem_text"]

PROBLEMS: dict[str, str] = {
    "control_chars": "«{title}» indeholdt usynlige kontroltegn, som er fjernet. Tjek at teksten ser rigtig ud.",
    "too_long": "«{title}» er for lang ({length:,} tegn); kun de første {limit:,} tegn kommer med i rapporterne. Forkort teksten.",
    "script_removed": "«{title}» indeholdt script eller indlejret indhold, som er fjernet. Skriv teksten som almindelig tekst.",
    "not_a_number": "«{title}» skal være et tal, men er «{value}». Skriv fx 1.234.567,50.",
    "ambiguous_number": "«{title}» kan læses på flere måder («{value}»). Skriv beløbet uden tvivl, fx 1234567 eller 1.234.567,50.",
    "foreign_number": "«{title}» ser ud til at være skrevet i engelsk talformat («{value}»). Brug punktum som tusindtalsskilletegn og komma som decimaltegn, fx 1.234,5.",
    "not_integer": "«{title}» skal være et helt tal, men er «{value}».",
    "negative": "«{title}» må ikke være negativ («{value}»).",
    "absurd": "«{title}» er urimeligt stor («{value}»). Angiv beløbet i kroner, ikke fx i øre.",
    "out_of_range": "«{title}» ligger uden for det tilladte interval («{value}»).",
    "bad_date": "«{title}» er ikke en gyldig dato («{value}»). Vælg datoen i kalenderen eller skriv fx 31-12-2012.",
    "unknown_choice": "«{title}» har værdien «{value}», som ikke er et af valgene: {choices}. Vælg en af dem.",
    "unknown_person": "«{title}» peger på en bruger (id {value}), som ikke længere findes. Vælg en aktuel medarbejder.",
    "deleted_lookup": "«{title}» peger på et element (id {value}), som er slettet. Vælg et eksisterende element.",
    "bad_url": "«{title}» er ikke en gyldig webadresse («{value}»). Den skal begynde med https://.",
    "bad_boolean": "«{title}» skal være ja eller nej, men er «{value}».",
    "required": "«{title}» skal udfyldes.",
    "invalid": "«{title}» kunne ikke læses («{value}»).",
}


def problem_text(code: str, **values: object) -> str:
    """The Danish message for a mapping problem; thousands are grouped the Danish way."""
    text = PROBLEMS[code].format(**values)
    return text.replace(",", ".") if code == "too_long" else text
