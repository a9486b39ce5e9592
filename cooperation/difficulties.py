"""Which difficulties a record declares: its free-text `difficulties` classified by the
grid of barriers of the census (ANCT Fabrique prospective; the survey's
`approach_main_barriers`) with a keyword rule, written once here and used by the list's
`difficulty` filter (page, exports, API) and the statistics. See docs/statistics.md.

The rule: the text contains one of the type's stems, whatever the case and the accents
(each stem becomes a regular expression that SQLite, through Python's `re`, and
PostgreSQL read alike). A record may match several types; a record that declares
difficulties matching none is "other".
"""

import re
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DifficultyType(models.TextChoices):
    LEGAL = "legal", _("Freins juridiques ou réglementaires")
    FUNDING = "funding", _("Absence de financement dédié et adapté")
    SKILLS = "skills", _("Compétences professionnelles manquantes")
    GOVERNANCE = "governance", _("Gouvernance ou portage politique")
    OTHER = "other", _("Autre / non classé")


# Stems per type, in lowercase ASCII letters and spaces (accents and case are the
# patterns' business). "compétence" alone is left out on purpose: in French local
# government it names a legal power of a collectivity as often as a skill; "formation"
# would match "information".
STEMS: dict[str, tuple[str, ...]] = {
    DifficultyType.LEGAL: (
        "juridi",  # juridique, juridiquement
        "reglement",  # réglementation, réglementaire, règlement
        "legal",  # légal, légalité, illégal
        "legisla",  # législation, législatif
        "statutaire",
        "cgct",
    ),
    DifficultyType.FUNDING: (
        "financ",  # financement, financier, cofinancement
        "budget",  # budget, budgétaire
        "subvention",
        "credits",
        "dotation",
        "fiscal",  # fiscalité
        "fonds",
    ),
    DifficultyType.SKILLS: (
        "ingenierie",
        "expertise",
        "savoir faire",
        "qualifi",  # qualification, qualifié
        "recrut",  # recrutement, recruter
        "moyens humains",
        "ressources humaines",
        "competences techniques",
        "competences professionnelles",
    ),
    DifficultyType.GOVERNANCE: (
        "gouvernan",  # gouvernance
        "portage",
        "pilotage",
        "politiq",  # politique, politiquement
        "elus",
        "elector",  # électoral, élections
        "chef de file",
        "desaccord",
        "consensus",
    ),
}

# The letters a stem's letter stands for in a text: both cases (SQLite folds the case of
# ASCII letters only, PostgreSQL's depends on its locale, so neither is asked to), with
# or without an accent, the accent either precomposed or as a combining mark after the
# letter (decomposed text). A space stands for any run of spaces or hyphens.
_ACCENTED = {
    "a": "àâäá",
    "c": "ç",
    "e": "éèêë",
    "i": "îïí",
    "o": "ôöó",
    "u": "ùûüú",
    "y": "ÿ",
}
_COMBINING = "[\u0300\u0301\u0302\u0308\u0327]*"
_SEPARATOR = "[ \t\r\n\u00a0\u202f\u2011-]+"


def _letter(letter: str) -> str:
    accented = _ACCENTED.get(letter, "")
    variants = letter + letter.upper() + accented + accented.upper()
    return f"[{variants}]" + (_COMBINING if accented else "")


def stem_pattern(stem: str) -> str:
    """The regular expression of one stem (lowercase ASCII letters and spaces)."""
    return "".join(_SEPARATOR if char == " " else _letter(char) for char in stem)


def type_pattern(kind: str) -> str:
    """One regular expression for every stem of `kind`, read alike by Python's `re`
    (SQLite's REGEXP in Django) and PostgreSQL's `~`: classes of listed characters,
    alternation, `*` and `+` only."""
    return "(" + "|".join(stem_pattern(stem) for stem in STEMS[kind]) + ")"


PATTERNS = {str(kind): type_pattern(kind) for kind in STEMS}


def difficulty_condition(kind: str) -> Q:
    """Records whose declared difficulties are of type `kind` (a `DifficultyType`)."""
    if kind == DifficultyType.OTHER:
        unmatched = ~reduce(or_, (Q(difficulties__regex=pattern) for pattern in PATTERNS.values()))
        return ~Q(difficulties="") & unmatched
    return Q(difficulties__regex=PATTERNS[kind])


def difficulty_types(text: str) -> set[str]:
    """The types of one text, by the same patterns in Python (for tests and display)."""
    if not text:
        return set()
    kinds = {kind for kind, pattern in PATTERNS.items() if re.search(pattern, text)}
    return kinds or {DifficultyType.OTHER.value}
