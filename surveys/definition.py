"""Questionnaire definitions: the structure of a versioned questionnaire file, checked
before anything is loaded, and the questions it declares.

A definition is JSON:

    {"slug": "...", "version": 1, "title": {"fr": ..., "en": ...}, "description": {...},
     "sections": [{"code": "...", "title": {...}, "description": {...},
                   "repeatable": false, "item_label": {...},
                   "questions": [{"code": "...", "type": "short_text", "label": {...},
                                  "help": {...}, "required": true, "choices": [...],
                                  "show_if": {"question": "...", "in": [...]},
                                  "allow_other": false}]}]}
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

QUESTION_TYPES = {
    "short_text",
    "long_text",
    "integer",
    "decimal",
    "date",
    "year",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "url",
    "territory",
    "territory_list",
}
CHOICE_TYPES = {"single_choice", "multiple_choice"}
LANGUAGES = ("fr", "en")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}$")


@dataclass(frozen=True)
class Question:
    section: str
    code: str
    type: str
    label: dict
    help: dict
    required: bool
    choices: tuple[tuple[str, dict], ...]
    show_if: dict | None
    allow_other: bool
    repeatable: bool

    def choice_values(self) -> set[str]:
        return {value for value, _label in self.choices}


def check_definition(definition: object) -> list[str]:
    """Every problem in a questionnaire definition, as readable messages naming where
    it is (an empty list when the definition is sound)."""
    errors: list[str] = []
    if not isinstance(definition, dict):
        return ["the definition must be a JSON object"]
    if not isinstance(definition.get("slug"), str) or not SLUG.match(definition["slug"]):
        errors.append("slug: lowercase letters, digits and hyphens are expected")
    version = definition.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append("version: a positive integer is expected")
    errors += _check_text(definition.get("title"), "title", required=True)
    errors += _check_text(definition.get("description"), "description", required=False)
    sections = definition.get("sections")
    if not isinstance(sections, list) or not sections:
        errors.append("sections: a non-empty list is expected")
        return errors

    seen_sections: set[str] = set()
    questions: dict[str, dict] = {}
    for s_index, section in enumerate(sections, start=1):
        errors += _check_section(section, f"sections[{s_index}]", seen_sections, questions)
    return errors + _check_conditions(questions)


def _check_section(
    section: object, where: str, seen_sections: set[str], questions: dict[str, dict]
) -> list[str]:
    """The problems of one section and its questions; records its code in `seen_sections`
    and its questions in `questions`."""
    if not isinstance(section, dict):
        return [f"{where}: an object is expected"]
    errors: list[str] = []
    code = section.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        errors.append(f"{where}.code: a code such as 'respondent' is expected")
    elif code in seen_sections:
        errors.append(f"{where}.code: '{code}' is used twice")
    else:
        seen_sections.add(code)
        where = f"section '{code}'"
    errors += _check_text(section.get("title"), f"{where}.title", required=True)
    errors += _check_text(section.get("description"), f"{where}.description", required=False)
    if not isinstance(section.get("repeatable", False), bool):
        errors.append(f"{where}.repeatable: true or false is expected")
    if section.get("repeatable"):
        errors += _check_text(section.get("item_label"), f"{where}.item_label", required=True)
    items = section.get("questions")
    if not isinstance(items, list) or not items:
        errors.append(f"{where}.questions: a non-empty list is expected")
        return errors
    for q_index, question in enumerate(items, start=1):
        errors += _check_question(
            question,
            f"{where}.questions[{q_index}]",
            questions,
            section_code=code,
            repeatable=section.get("repeatable") is True,
        )
    return errors


def _check_conditions(questions: dict[str, dict]) -> list[str]:
    """Conditions may point only at an earlier question of the same section (or of a
    non-repeatable section), with values that question can take."""
    errors: list[str] = []
    for code, question in questions.items():
        condition = question.get("show_if")
        if condition is None:
            continue
        where = f"question '{code}'.show_if"
        if not isinstance(condition, dict) or set(condition) != {"question", "in"}:
            errors.append(f'{where}: {{"question": code, "in": [values]}} is expected')
            continue
        target = questions.get(condition["question"])
        if target is None or target is question:
            errors.append(f"{where}: unknown question '{condition['question']}'")
            continue
        if target["_order"] > question["_order"]:
            errors.append(f"{where}: '{condition['question']}' must come before '{code}'")
        if target["_section"] != question["_section"] and target["_repeatable"]:
            errors.append(f"{where}: cannot depend on a question inside a repeatable group")
        values = condition["in"]
        if not isinstance(values, list) or not values:
            errors.append(f"{where}.in: a non-empty list is expected")
            continue
        allowed = _possible_values(target)
        if allowed is not None:
            for value in values:
                if value not in allowed:
                    errors.append(f"{where}.in: '{value}' is not a value of '{target['code']}'")
    return errors


def parse_definition(definition: dict) -> list[Question]:
    """The questions of a sound definition, in order. Raises ValidationError otherwise."""
    errors = check_definition(definition)
    if errors:
        raise ValidationError(errors)
    result = []
    for section in definition["sections"]:
        for question in section["questions"]:
            result.append(
                Question(
                    section=section["code"],
                    code=question["code"],
                    type=question["type"],
                    label=question["label"],
                    help=question.get("help") or {},
                    required=bool(question.get("required", False)),
                    choices=tuple(
                        (choice["value"], choice["label"]) for choice in question.get("choices", [])
                    ),
                    show_if=question.get("show_if"),
                    allow_other=bool(question.get("allow_other", False)),
                    repeatable=bool(section.get("repeatable", False)),
                )
            )
    return result


def _check_text(value, where: str, *, required: bool) -> list[str]:
    if value is None:
        return [f"{where}: a text in French and English is expected"] if required else []
    if not isinstance(value, dict):
        return [f'{where}: an object {{"fr": ..., "en": ...}} is expected']
    errors = []
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{where}.{language}: missing")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        errors.append(f"{where}: unknown language(s) {', '.join(sorted(unknown))}")
    return errors


def _check_question(
    question, where: str, questions: dict, *, section_code, repeatable: bool
) -> list[str]:
    if not isinstance(question, dict):
        return [f"{where}: an object is expected"]
    errors = []
    code = question.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        errors.append(f"{where}.code: a code such as 'respondent_name' is expected")
    elif code in questions:
        errors.append(f"{where}.code: '{code}' is used twice (codes are unique in a file)")
    else:
        where = f"question '{code}'"
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        errors.append(f"{where}.type: one of {', '.join(sorted(QUESTION_TYPES))} is expected")
    errors += _check_text(question.get("label"), f"{where}.label", required=True)
    errors += _check_text(question.get("help"), f"{where}.help", required=False)
    if not isinstance(question.get("required", False), bool):
        errors.append(f"{where}.required: true or false is expected")
    if not isinstance(question.get("allow_other", False), bool):
        errors.append(f"{where}.allow_other: true or false is expected")
    if question.get("allow_other") and kind not in ("territory", "territory_list"):
        errors.append(f"{where}.allow_other: only for territory questions")
    errors += _check_choices(question.get("choices"), where, kind)
    unknown = set(question) - {
        "code",
        "type",
        "label",
        "help",
        "required",
        "choices",
        "show_if",
        "allow_other",
    }
    if unknown:
        errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    if isinstance(code, str) and code not in questions:
        questions[code] = {
            **question,
            "_order": len(questions),
            "_section": section_code,
            "_repeatable": repeatable,
        }
    return errors


def _check_choices(choices, where: str, kind) -> list[str]:
    """The problems of a question's `choices`: required for the choice types, unique
    values with labels; refused for the others."""
    if kind not in CHOICE_TYPES:
        if choices is None:
            return []
        return [f"{where}.choices: only for single_choice and multiple_choice"]
    if not isinstance(choices, list) or not choices:
        return [f"{where}.choices: a non-empty list is expected"]
    errors: list[str] = []
    seen = set()
    for c_index, choice in enumerate(choices, start=1):
        c_where = f"{where}.choices[{c_index}]"
        if not isinstance(choice, dict) or not isinstance(choice.get("value"), str):
            errors.append(f'{c_where}: {{"value": ..., "label": ...}} is expected')
            continue
        if choice["value"] in seen:
            errors.append(f"{c_where}: value '{choice['value']}' is used twice")
        seen.add(choice["value"])
        errors += _check_text(choice.get("label"), f"{c_where}.label", required=True)
    return errors


def _possible_values(question: dict) -> set | None:
    if question.get("type") in CHOICE_TYPES:
        return {c.get("value") for c in question.get("choices", []) if isinstance(c, dict)}
    if question.get("type") == "yes_no":
        return {True, False}
    return None
