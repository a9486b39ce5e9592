"""Checking a response's answers against its questionnaire definition.

Answers are JSON: one object per section, keyed by question code; a repeatable section
holds a list of such objects (one per entry, each with a stable `_entry` identifier).

    {"respondent": {"respondent_name": "…"},
     "cooperations": [{"_entry": "c1", "coop_title": "…",
                       "coop_partners": ["epci:242900314",
                                         {"other_name": "PETR du Pays de Retz",
                                          "other_category": "PETR"}]}],
     "approach": {"approach_strategy": true}}

Drafts are checked loosely (each given value has the right type); a submission is checked
fully (every visible required question answered). Errors are keyed by path:
"respondent.respondent_name", "cooperations.0.coop_title".
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from territories.references import TerritoryReference

from ..definition import Question

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
# Entries per repeatable section: pre-fill never puts more in a draft (see `prefill`).
MAX_ENTRIES = 1000
# The types of a partner absent from the reference data, in the order the form offers them.
OTHER_PARTNER_CATEGORIES = (
    "PETR",
    "POLE_METROPOLITAIN",
    "PNR",
    "SYNDICAT_MIXTE",
    "PAYS",
    "ASSOCIATION",
    "FOREIGN",
    "OTHER",
)
ENTRY_ID_KEY = "_entry"
# The registry record an entry was pre-filled from or describes: a claim that
# `surveys.registry_links` checks before anything trusts it.
REGISTRY_SLUG_KEY = "_registry_slug"
ENTRY_KEYS = {ENTRY_ID_KEY, REGISTRY_SLUG_KEY}
ENTRY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}\Z")
# A registry slug as `Cooperation.slug` stores it (ASCII, 200 characters at most).
REGISTRY_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,200}\Z")
# What no stored text may hold: PostgreSQL refuses NUL characters, and a lone UTF-16
# surrogate cannot be encoded at all.
FORBIDDEN_CHARACTERS = re.compile(r"[\x00\ud800-\udfff]")
# Answers are at most four levels deep (section, entry, list of partners, partner): a
# deeper document is refused before it is walked.
MAX_DEPTH = 6


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def entry_id_of(entry) -> str:
    """An entry's `_entry` identifier when it is a well-formed one, else ""."""
    value = entry.get(ENTRY_ID_KEY) if isinstance(entry, dict) else None
    return value if isinstance(value, str) and ENTRY_ID.match(value) else ""


def registry_slug_of(entry) -> str:
    """The registry slug an entry names when it is a well-formed one, else "" (pages show
    stored answers as they are and must not trip over a malformed one)."""
    value = entry.get(REGISTRY_SLUG_KEY) if isinstance(entry, dict) else None
    return value if isinstance(value, str) and REGISTRY_SLUG.match(value) else ""


def answer_errors(
    questions: list[Question],
    answers: object,
    *,
    complete: bool,
    known_territories: Callable[[Iterable[str]], set[str]] | None = None,
) -> dict[str, list[str]]:
    """Problems in `answers`, by path. `complete` adds the required-question checks of a
    submission. `known_territories(references)` returns those that exist."""
    if not isinstance(answers, dict):
        return {"answers": [_("Les réponses doivent former un objet JSON.")]}
    errors: dict[str, list[str]] = _character_errors(answers)
    if "answers" in errors:
        return errors
    sections: dict[str, list[Question]] = {}
    for question in questions:
        sections.setdefault(question.section, []).append(question)
    unknown_sections = set(answers) - set(sections)
    for name in sorted(unknown_sections):
        errors[name] = [_("Section inconnue.")]
    references: dict[str, list[str]] = {}

    for section, section_questions in sections.items():
        value = answers.get(section)
        if section_questions[0].repeatable:
            _check_entries(section_questions, value, section, complete, errors, references)
        else:
            value = {} if value is None else value
            _check_group(
                section_questions, value, section, complete, errors, references, entry_keys=False
            )
    if references and known_territories is not None:
        _check_territories_exist(references, known_territories, errors)
    return errors


def _check_entries(
    section_questions: list[Question],
    value: object,
    section: str,
    complete: bool,
    errors: dict[str, list[str]],
    references: dict[str, list[str]],
) -> None:
    """The entries of a repeatable section (a list, at most MAX_ENTRIES, each with its
    own unique id), checked entry by entry."""
    value = [] if value is None else value
    if not isinstance(value, list):
        errors[section] = [_("Une liste de fiches est attendue.")]
        return
    if len(value) > MAX_ENTRIES:
        errors[section] = [_("Trop de fiches (%(max)d au plus).") % {"max": MAX_ENTRIES}]
        return
    seen: set[str] = set()
    for index, entry in enumerate(value):
        path = f"{section}.{index}"
        _check_group(section_questions, entry, path, complete, errors, references, entry_keys=True)
        if isinstance(entry, dict):
            _check_entry_id(entry.get(ENTRY_ID_KEY), f"{path}.{ENTRY_ID_KEY}", seen, errors)


def _check_territories_exist(
    references: dict[str, list[str]],
    known_territories: Callable[[Iterable[str]], set[str]],
    errors: dict[str, list[str]],
) -> None:
    """An error at every path naming a territory that `known_territories` does not know."""
    known = known_territories(references.keys())
    for reference, paths in references.items():
        if reference not in known:
            for path in paths:
                errors.setdefault(path, []).append(
                    _("Territoire inconnu : « %(ref)s ».") % {"ref": reference}
                )


def _character_errors(answers: dict) -> dict[str, list[str]]:
    """Texts (and keys) holding a character no database can store, by path; the whole
    document when it is nested deeper than any questionnaire."""
    errors: dict[str, list[str]] = {}
    stack: list[tuple[str, object, int]] = [("", answers, 0)]
    while stack:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return {"answers": [_("Les réponses sont imbriquées trop profondément.")]}
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}.{key}" if path else str(key)
                if FORBIDDEN_CHARACTERS.search(key):
                    errors[_printable(where)] = [_forbidden_message()]
                else:
                    stack.append((where, item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}", item, depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and FORBIDDEN_CHARACTERS.search(value):
            errors[_question_path(path)] = [_forbidden_message()]
    return errors


def _question_path(path: str) -> str:
    """The path of the question a text belongs to: an item of a territory list reports on
    its question, like every other check of that question."""
    parts = path.split(".")
    while len(parts) > 2 and (parts[-1].isdigit() or parts[-1].startswith("other_")):
        parts.pop()
    return ".".join(parts)


def _printable(path: str) -> str:
    return FORBIDDEN_CHARACTERS.sub("\ufffd", path)


def _forbidden_message() -> str:
    return _(
        "Ce texte contient un caractère non autorisé (caractère nul ou caractère Unicode "
        "incomplet) : retirez-le."
    )


def _check_entry_id(entry_id, path: str, seen: set[str], errors: dict) -> None:
    """Each entry names itself with an identifier unique in its section: reviews and
    promotions into the registry refer to entries by it."""
    if not isinstance(entry_id, str) or not ENTRY_ID.match(entry_id):
        errors[path] = [_("Identifiant de fiche manquant ou invalide.")]
    elif entry_id in seen:
        errors[path] = [_("Identifiant de fiche en double : « %(id)s ».") % {"id": entry_id}]
    else:
        seen.add(entry_id)


def visible(question: Question, group: dict) -> bool:
    """Whether a question is shown, given the other answers of its group."""
    if not question.show_if:
        return True
    return group.get(question.show_if["question"]) in question.show_if["in"]


def _check_group(questions, group, path, complete, errors, references, *, entry_keys):
    if not isinstance(group, dict):
        errors[path] = [_("Un objet est attendu.")]
        return
    known = {q.code for q in questions} | (ENTRY_KEYS if entry_keys else set())
    for key in sorted(set(group) - known):
        errors.setdefault(_printable(f"{path}.{key}"), [_("Question inconnue.")])
    named = group.get(REGISTRY_SLUG_KEY) not in (None, "")
    if entry_keys and named and not registry_slug_of(group):
        errors.setdefault(f"{path}.{REGISTRY_SLUG_KEY}", [_("Lien vers le registre mal formé.")])
    for question in questions:
        value = group.get(question.code)
        where = f"{path}.{question.code}"
        if where in errors:
            continue
        if is_empty(value):
            if complete and question.required and visible(question, group):
                errors[where] = [_("Cette question est obligatoire.")]
            continue
        message = _check_value(question, value, where, references)
        if message:
            errors[where] = [message]


def _check_value(question: Question, value, where: str, references) -> str | None:
    kind = question.type
    if kind in ("short_text", "long_text"):
        limit = SHORT_TEXT_MAX if kind == "short_text" else LONG_TEXT_MAX
        if not isinstance(value, str):
            return _("Un texte est attendu.")
        if len(value) > limit:
            return _("%(max)d caractères au plus.") % {"max": limit}
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return _("Un nombre entier est attendu.")
    elif kind == "decimal":
        try:
            decimal.Decimal(str(value))
        except decimal.InvalidOperation:
            return _("Un nombre est attendu.")
        if isinstance(value, bool):
            return _("Un nombre est attendu.")
    elif kind == "year":
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
            return _("Une année entre 1900 et 2100 est attendue.")
    elif kind == "date":
        try:
            datetime.date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            return _("Une date AAAA-MM-JJ est attendue.")
    elif kind == "yes_no":
        if not isinstance(value, bool):
            return _("Oui ou non est attendu.")
    elif kind == "url":
        try:
            URLValidator()(value if isinstance(value, str) else "")
        except ValidationError:
            return _("Une adresse web complète est attendue (https://…).")
    elif kind == "single_choice":
        if not isinstance(value, str):
            return _("Un seul choix est attendu, parmi ceux proposés.")
        if value not in question.choice_values():
            return _("Choix inconnu : « %(value)s ».") % {"value": value}
    elif kind == "multiple_choice":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("Une liste de choix est attendue.")
        unknown = [v for v in value if v not in question.choice_values()]
        if unknown:
            return _("Choix inconnu : « %(value)s ».") % {"value": unknown[0]}
    elif kind in ("territory", "territory_list"):
        items = value if kind == "territory_list" else [value]
        if kind == "territory_list" and not isinstance(value, list):
            return _("Une liste de territoires est attendue.")
        for item in items:
            message = _check_territory(question, item)
            if message:
                return message
            if isinstance(item, str):
                references.setdefault(item, []).append(where)
    return None


def _check_territory(question: Question, item) -> str | None:
    if isinstance(item, str):
        reference = TerritoryReference.parse(item)
        # Stored as the parser writes it, so that every reader finds the same territory.
        if reference is None or str(reference) != item or len(reference.code) > 40:
            return _("Territoire attendu sous la forme type:code, par exemple epci:242900314.")
        return None
    if question.allow_other and isinstance(item, dict):
        name = item.get("other_name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            return _("Indiquez le nom du partenaire absent de la liste.")
        if item.get("other_category") not in OTHER_PARTNER_CATEGORIES:
            return _("Indiquez le type du partenaire absent de la liste.")
        if set(item) - {"other_name", "other_category"}:
            return _("Partenaire : champs inconnus.")
        return None
    return _("Territoire attendu sous la forme type:code, par exemple epci:242900314.")


def usable_answers(questions: list[Question], answers) -> tuple[dict, list[str]]:
    """The stored answers in the shape pages expect — an object per section, a list of
    objects for a repeatable one, each entry with a well-formed identifier and nothing but
    a well-formed registry link — and the paths of what had to be left out or repaired.

    The checks of every save keep answers in that shape; only a document written past
    them (by hand, or before a check existed) loses anything here, and pages say so."""
    if not isinstance(answers, dict):
        return {}, ([] if is_empty(answers) else ["answers"])
    repeatable = {question.section: question.repeatable for question in questions}
    usable: dict = {}
    flagged: list[str] = []
    for section, value in answers.items():
        if section not in repeatable:
            flagged.append(_printable(str(section)))
        elif not repeatable[section]:
            if isinstance(value, dict):
                usable[section] = value
            else:
                flagged.append(section)
        elif not isinstance(value, list):
            flagged.append(section)
        else:
            usable[section] = _usable_entries(section, value, flagged)
    return usable, flagged


def _usable_entries(section: str, entries: list, flagged: list[str]) -> list[dict]:
    result, seen = [], set()
    for index, entry in enumerate(entries):
        path = f"{section}.{index}"
        if not isinstance(entry, dict):
            flagged.append(path)
            continue
        entry = dict(entry)
        entry_id = entry_id_of(entry)
        if not entry_id or entry_id in seen:
            # Positional, so that the same stored document always gets the same one.
            entry_id = f"fiche-{index + 1}"
            entry[ENTRY_ID_KEY] = entry_id
            flagged.append(f"{path}.{ENTRY_ID_KEY}")
        seen.add(entry_id)
        if entry.get(REGISTRY_SLUG_KEY) not in (None, "") and not registry_slug_of(entry):
            del entry[REGISTRY_SLUG_KEY]
            flagged.append(f"{path}.{REGISTRY_SLUG_KEY}")
        result.append(entry)
    return result
