"""What the answer page's template draws for each question of a step: labels, values as
the inputs show them, choices, chosen territories and search results, errors, and whether
a conditional question starts hidden. Field names and ids follow `surveys.answering.form`."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from territories.models import Territory, TerritoryCategory

from ..definition import Question
from .answers import (
    LONG_TEXT_MAX,
    OTHER_PARTNER_CATEGORIES,
    SHORT_TEXT_MAX,
    entry_id_of,
    registry_slug_of,
    visible,
)
from .form import TERRITORY_TYPES, Section, field_id, localized, new_entry_id

SEARCH_RESULTS = 10


@dataclass
class Choice:
    value: str
    label: str
    html_id: str
    checked: bool


@dataclass
class TerritoryItem:
    index: int
    reference: str = ""
    name: str = ""
    detail: str = ""
    other_name: str = ""
    other_category: str = ""

    @property
    def is_other(self) -> bool:
        return not self.reference


@dataclass
class QuestionField:
    question: Question
    path: str
    label: str
    help: str
    value: object
    errors: list[str]
    hidden: bool
    choices: list[Choice] = field(default_factory=list)
    items: list[TerritoryItem] = field(default_factory=list)
    search_query: str = ""
    search_results: list[Territory] | None = None

    @property
    def html_id(self) -> str:
        return field_id(self.path)

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def required(self) -> bool:
        return self.question.required

    @property
    def show_if_json(self) -> str:
        return json.dumps(self.question.show_if) if self.question.show_if else ""

    @property
    def input_type(self) -> str:
        """The HTML input type. Numbers use a text input with a numeric keyboard: a
        number input would silently drop text it cannot read, and the officer's text must
        come back with its error. A date that is not valid shows as text for the same
        reason."""
        if self.type == "date":
            value = self.value if isinstance(self.value, str) else ""
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return "text" if value else "date"
            return "date"
        return {"url": "url"}.get(self.type, "text")

    @property
    def max_length(self) -> int | None:
        """The longest text the answer may hold (characters), for text questions."""
        return {"short_text": SHORT_TEXT_MAX, "long_text": LONG_TEXT_MAX}.get(self.type)

    @property
    def is_too_long(self) -> bool:
        """Whether the value shown is longer than the limit (it came back with its error:
        the field must show all of it, not cut)."""
        return self.max_length is not None and len(self.text_value) > self.max_length

    @property
    def input_mode(self) -> str:
        return {"integer": "numeric", "year": "numeric", "decimal": "decimal"}.get(self.type, "")

    @property
    def text_value(self) -> str:
        if self.value is None or isinstance(self.value, list | dict):
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        if isinstance(self.value, float):
            return format_decimal(self.value)
        return str(self.value)

    @property
    def next_index(self) -> int:
        return max((item.index for item in self.items), default=-1) + 1


def format_decimal(value: float) -> str:
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


@dataclass
class Entry:
    index: int
    entry_id: str
    registry_slug: str
    title: str
    fields: list[QuestionField]

    @property
    def registry_url(self) -> str:
        if not self.registry_slug:
            return ""
        return reverse("cooperation:detail", kwargs={"slug": self.registry_slug})

    @property
    def html_id(self) -> str:
        return f"entree-{self.index}"


@dataclass
class StepForm:
    section: Section
    fields: list[QuestionField]
    entries: list[Entry]


def other_categories() -> list[tuple[str, str]]:
    """The types a partner absent from the reference data may have, with their labels."""
    labels = dict(TerritoryCategory.choices)
    labels["FOREIGN"] = _("Collectivité étrangère")
    return [(code, str(labels.get(code, code))) for code in OTHER_PARTNER_CATEGORIES]


def build_step(
    section: Section,
    value,
    *,
    errors: dict[str, list[str]],
    territories: dict[str, Territory],
    search: tuple[str, str, list[Territory]] | None = None,
    shown: Iterable[int] | None = None,
) -> StepForm:
    """Everything the template draws for `section`, from its answers `value`.
    `search` is (question path, query, results) when a no-JS search was asked; `shown`
    the positions of the entries to draw (all of them when None), which keep their
    position in their field names."""
    if not section.repeatable:
        group = value if isinstance(value, dict) else {}
        fields = _fields(section.questions, section.code, group, errors, territories, search)
        return StepForm(section=section, fields=fields, entries=[])
    entries = []
    shown = None if shown is None else set(shown)
    for index, entry in enumerate(value if isinstance(value, list) else []):
        if shown is not None and index not in shown:
            continue
        entry = entry if isinstance(entry, dict) else {}
        prefix = f"{section.code}.{index}"
        entries.append(
            Entry(
                index=index,
                entry_id=entry_id_of(entry) or new_entry_id(),
                registry_slug=registry_slug_of(entry),
                title=section.entry_title(entry),
                fields=_fields(section.questions, prefix, entry, errors, territories, search),
            )
        )
    return StepForm(section=section, fields=[], entries=entries)


def _fields(questions, prefix, group, errors, territories, search) -> list[QuestionField]:
    fields = []
    for question in questions:
        path = f"{prefix}.{question.code}"
        value = group.get(question.code)
        question_field = QuestionField(
            question=question,
            path=path,
            label=localized(question.label),
            help=localized(question.help),
            value=value,
            errors=errors.get(path, []),
            hidden=not visible(question, group),
        )
        if question.type in ("single_choice", "multiple_choice"):
            chosen = value if isinstance(value, list) else [value]
            question_field.choices = [
                Choice(choice, localized(label), f"{field_id(path)}-{n}", choice in chosen)
                for n, (choice, label) in enumerate(question.choices)
            ]
        elif question.type == "yes_no":
            question_field.choices = [
                Choice("true", _("Oui"), f"{field_id(path)}-0", value is True),
                Choice("false", _("Non"), f"{field_id(path)}-1", value is False),
            ]
        elif question.type in TERRITORY_TYPES:
            items = value if isinstance(value, list) else ([] if value is None else [value])
            question_field.items = [
                territory_item(index, item, territories) for index, item in enumerate(items)
            ]
            if search and search[0] == path:
                question_field.search_query = search[1]
                chosen = {item for item in items if isinstance(item, str)}
                question_field.search_results = [
                    t for t in search[2] if f"{t.kind}:{t.code}" not in chosen
                ]
        fields.append(question_field)
    return fields


def territory_item(index: int, item, territories: dict[str, Territory]) -> TerritoryItem:
    if isinstance(item, dict):
        return TerritoryItem(
            index=index,
            other_name=str(item.get("other_name") or ""),
            other_category=str(item.get("other_category") or ""),
        )
    reference = str(item)
    territory = territories.get(reference)
    if territory is None:
        return TerritoryItem(index=index, reference=reference, name=reference)
    return TerritoryItem(
        index=index,
        reference=reference,
        name=territory.name,
        detail=territory_detail(territory),
    )


def territory_detail(territory: Territory) -> str:
    """What tells two territories of the same name apart: their type and code."""
    label = territory.get_category_display() or territory.get_kind_display()
    return f"{label}, {territory.code}"


def search_territories(query: str) -> list[Territory]:
    """The no-JS search: current territories matching `query`, most relevant first."""
    if not query.strip():
        return []
    return list(
        Territory.objects.current().search(query).ranked_by_relevance(query)[:SEARCH_RESULTS]
    )
