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

from .definition import Question

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 20_000
MAX_ENTRIES = 200
TERRITORY_REFERENCE = re.compile(r"^[a-z]+:[0-9A-Za-z-]{1,40}$")
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
ENTRY_KEYS = {"_entry", "_registry_slug"}
ENTRY_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def is_empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


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
    errors: dict[str, list[str]] = {}
    sections: dict[str, list[Question]] = {}
    for question in questions:
        sections.setdefault(question.section, []).append(question)
    unknown_sections = set(answers) - set(sections)
    for name in sorted(unknown_sections):
        errors[name] = [_("Section inconnue.")]
    references: dict[str, list[str]] = {}

    for section, section_questions in sections.items():
        value = answers.get(section)
        repeatable = section_questions[0].repeatable
        if value is None:
            value = [] if repeatable else {}
        if repeatable:
            if not isinstance(value, list):
                errors[section] = [_("Une liste de fiches est attendue.")]
                continue
            if len(value) > MAX_ENTRIES:
                errors[section] = [_("Trop de fiches (%(max)d au plus).") % {"max": MAX_ENTRIES}]
                continue
            seen: set[str] = set()
            for index, entry in enumerate(value):
                _check_group(
                    section_questions,
                    entry,
                    f"{section}.{index}",
                    complete,
                    errors,
                    references,
                    entry_keys=True,
                )
                if isinstance(entry, dict):
                    _check_entry_id(entry.get("_entry"), f"{section}.{index}._entry", seen, errors)
        else:
            _check_group(
                section_questions, value, section, complete, errors, references, entry_keys=False
            )

    if references and known_territories is not None:
        known = known_territories(references.keys())
        for reference, paths in references.items():
            if reference not in known:
                for path in paths:
                    errors.setdefault(path, []).append(
                        _("Territoire inconnu : « %(ref)s ».") % {"ref": reference}
                    )
    return errors


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
        errors[f"{path}.{key}"] = [_("Question inconnue.")]
    for question in questions:
        value = group.get(question.code)
        where = f"{path}.{question.code}"
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
        if not TERRITORY_REFERENCE.match(item):
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
