"""The answer page's form: the sections of a questionnaire, field names, the conversion
of posted fields into the answers JSON of one section, and the buttons' actions (what
the template draws for each question is in `surveys.answering.fields`).

Every field is named by its answer path, so that a save error keyed
"cooperations.0.coop_title" lands on the field named that way:

    respondent.respondent_name            a question of a section
    cooperations.0._entry                 an entry's stable identifier (hidden)
    cooperations.0.coop_partners.3        a chosen territory ("epci:242900314", hidden)
    cooperations.0.coop_partners.4.other_name / .other_category   a partner not listed
    cooperations.0.coop_partners._search  the no-JS search box; ._add the results to add
    cooperations.0.coop_partners._other_name / ._other_category   a new unlisted partner

`static/js/survey-answer.js` serialises the same fields with the same rules: change one,
change the other.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from dataclasses import dataclass

from django.utils.translation import get_language

from territories.models import Territory

from ..definition import Question
from .answers import entry_id_of, is_empty

TERRITORY_TYPES = ("territory", "territory_list")
NUMBER_TYPES = ("integer", "year")
INTEGER = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
# Spaces French users type inside numbers ("12 000"), including no-break ones.
NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")


def localized(text: dict | None) -> str:
    """A {"fr": …, "en": …} text in the active language (French by default)."""
    if not text:
        return ""
    language = "en" if (get_language() or "fr").startswith("en") else "fr"
    return text.get(language) or text.get("fr") or ""


def field_id(path: str) -> str:
    """The HTML id of the field (or fieldset) of an answer path."""
    return "q-" + path.replace(".", "-")


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    description: str
    repeatable: bool
    item_label: str
    questions: tuple[Question, ...]

    @property
    def title_question(self) -> Question | None:
        """The question naming an entry (the first short text of a repeatable section)."""
        return next((q for q in self.questions if q.type == "short_text"), None)

    def entry_title(self, entry: object) -> str:
        question = self.title_question
        if question is None or not isinstance(entry, dict):
            return ""
        value = entry.get(question.code)
        return value.strip() if isinstance(value, str) else ""


def sections_of(definition: dict, questions: list[Question]) -> list[Section]:
    """The sections of a questionnaire, in order, with their questions."""
    result = []
    for section in definition["sections"]:
        result.append(
            Section(
                code=section["code"],
                title=localized(section.get("title")),
                description=localized(section.get("description")),
                repeatable=bool(section.get("repeatable", False)),
                item_label=localized(section.get("item_label")),
                questions=tuple(q for q in questions if q.section == section["code"]),
            )
        )
    return result


# Posted fields → answers


def section_from_post(section: Section, data, *, removed: str = "") -> dict | list:
    """The answers of `section` given by the posted fields (a QueryDict), leaving out the
    entry or territory item whose field path is `removed` (a remove button)."""
    if not section.repeatable:
        return _group_from_post(section.questions, section.code, data, removed)
    entries = []
    for index in _indices(data, section.code):
        prefix = f"{section.code}.{index}"
        if prefix == removed:
            continue
        entry = {"_entry": data.get(f"{prefix}._entry") or new_entry_id()}
        slug = data.get(f"{prefix}._registry_slug")
        if slug:
            entry["_registry_slug"] = slug
        entry.update(_group_from_post(section.questions, prefix, data, removed))
        entries.append(entry)
    return entries


def merged_window(saved, posted: list, window: list[str]) -> list:
    """The whole section after a save from a page that showed only the entries whose ids
    are in `window` (one entry per page, for long sections): the saved entries, with those
    of the window replaced in place by the posted ones — fewer after a removal, more after
    an addition. `static/js/survey-answer.js` merges the same way."""
    result, placed = [], False
    for entry in saved if isinstance(saved, list) else []:
        if entry_id_of(entry) not in window:
            result.append(entry)
        elif not placed:
            result.extend(posted)
            placed = True
    if not placed:
        result.extend(posted)
    return result


def window_from_post(data) -> list[str] | None:
    """The ids of the entries a page showed (`_window`, a JSON list), or None for a page
    that showed the whole section."""
    try:
        window = json.loads(data.get("_window") or "null")
    except ValueError:
        return None
    if not isinstance(window, list) or not all(isinstance(item, str) for item in window):
        return None
    return window


def new_entry_id() -> str:
    return uuid.uuid4().hex[:12]


def _indices(data, prefix: str) -> list[int]:
    """The numeric path segments right after `prefix.` among the posted names, in order."""
    found = set()
    start = prefix + "."
    for name in data:
        if name.startswith(start):
            segment = name[len(start) :].split(".", 1)[0]
            if segment.isdigit():
                found.add(int(segment))
    return sorted(found)


def _group_from_post(questions, prefix: str, data, removed: str) -> dict:
    group = {}
    for question in questions:
        value = question_from_post(question, f"{prefix}.{question.code}", data, removed=removed)
        if not is_empty(value):
            group[question.code] = value
    return group


def question_from_post(question: Question, name: str, data, *, removed: str = ""):
    """One answer from the posted fields. A value that does not convert is kept as typed,
    so that the draft check names the problem and the page shows the text again."""
    kind = question.type
    if kind in TERRITORY_TYPES:
        items = _territory_items_from_post(
            name, data, allow_other=question.allow_other, removed=removed
        )
        if kind == "territory":
            return items[-1] if items else None
        return items
    if kind == "multiple_choice":
        return [value for value in data.getlist(name) if value]
    raw = data.get(name)
    if raw is None:
        return None
    return convert_text(kind, raw)


def convert_text(kind: str, raw: str):
    """A typed value converted to its JSON form ("" when empty)."""
    text = raw.replace("\r\n", "\n").strip()
    if not text:
        return ""
    if kind in NUMBER_TYPES:
        compact = NUMBER_SPACES.sub("", text)
        return int(compact) if INTEGER.match(compact) else text
    if kind == "decimal":
        compact = NUMBER_SPACES.sub("", text).replace(",", ".")
        if DECIMAL.match(compact):
            return float(compact) if "." in compact else int(compact)
        return text
    if kind == "date":
        match = FRENCH_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                return datetime.date(year, month, day).isoformat()
            except ValueError:
                return text
        return text
    if kind == "yes_no":
        return {"true": True, "false": False}.get(text, text)
    return text


def _territory_items_from_post(name: str, data, *, allow_other: bool, removed: str) -> list:
    items: list = []
    for index in _indices(data, name):
        item_name = f"{name}.{index}"
        if item_name == removed:
            continue
        reference = data.get(item_name)
        if reference:
            items.append(reference.strip())
        elif allow_other:
            other = _other_from_post(item_name + ".other_name", item_name + ".other_category", data)
            if other:
                items.append(other)
    for reference in data.getlist(f"{name}._add"):
        if reference and reference not in items:
            items.append(reference)
    if allow_other:
        other = _other_from_post(f"{name}._other_name", f"{name}._other_category", data)
        if other:
            items.append(other)
    return items


def _other_from_post(name_field: str, category_field: str, data) -> dict | None:
    other_name = (data.get(name_field) or "").strip()
    category = (data.get(category_field) or "").strip()
    if not other_name and not category:
        return None
    # Kept even when incomplete: the draft check then asks for the missing part.
    return {"other_name": other_name, "other_category": category}


# Buttons


@dataclass(frozen=True)
class Action:
    """What a button of the form asks, besides saving: `name` and its `target` path."""

    name: str
    target: str = ""


ACTIONS = {
    "save",
    "goto",
    "search",
    "remove",
    "add",
    "add-entry",
    "remove-entry",
    "submit",
    "start",
    # On a long section shown one entry per page: go to entry <number>, or to the list.
    "entry",
}


def parse_action(value: str | None) -> Action:
    name, _sep, target = (value or "save").partition(":")
    if name not in ACTIONS:
        return Action("save")
    return Action(name, target)


def apply_action(section: Section, value, action: Action):
    """The section's answers after an "add an entry" button (removals happen while reading
    the posted fields, see `section_from_post`)."""
    if action.name == "add-entry" and section.repeatable:
        return [*value, {"_entry": new_entry_id()}]
    return value


def territory_references(questions: list[Question], answers: dict) -> set[str]:
    """Every territory reference in `answers`."""
    found: set[str] = set()
    codes = {q.code for q in questions if q.type in TERRITORY_TYPES}
    for value in answers.values() if isinstance(answers, dict) else ():
        groups = value if isinstance(value, list) else [value]
        for group in groups:
            if not isinstance(group, dict):
                continue
            for code in codes:
                items = group.get(code)
                for item in items if isinstance(items, list) else [items]:
                    if isinstance(item, str):
                        found.add(item)
    return found


def territories_by_reference(references: set[str]) -> dict[str, Territory]:
    """The territories named by "kind:code" references, in one query."""
    return Territory.objects.by_references(references)


def without_refused(section: Section, value, saved_value, paths) -> dict | list | None:
    """The section's answers with each refused answer (by path) put back as last saved,
    so that everything else can still be saved; None when a path is not a question of
    this section (nothing can then be saved)."""
    result = json.loads(json.dumps(value))
    for path in paths:
        parts = path.split(".")
        if parts[0] != section.code:
            return None
        if section.repeatable:
            if len(parts) != 3 or not parts[1].isdigit() or int(parts[1]) >= len(result):
                return None
            group = result[int(parts[1])]
            previous = next(
                (
                    entry
                    for entry in saved_value or []
                    if isinstance(entry, dict) and entry.get("_entry") == group.get("_entry")
                ),
                {},
            )
        else:
            if len(parts) != 2:
                return None
            group, previous = result, saved_value if isinstance(saved_value, dict) else {}
        code = parts[-1]
        if code.startswith("_") or not isinstance(group, dict):
            return None
        if code in previous:
            group[code] = previous[code]
        else:
            group.pop(code, None)
    return result
