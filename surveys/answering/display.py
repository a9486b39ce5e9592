"""Answers as people read them: the summary of a response, the comparison of two saved
versions, and how far the officer has got."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from territories.models import Territory

from ..definition import Question
from .answers import entry_id_of, is_empty, registry_slug_of, visible
from .fields import other_categories
from .form import Section, field_id, localized


def display_value(question: Question, value, territories: dict[str, Territory]) -> str:
    """An answer in words ("" when unanswered). A value of the wrong type, which only a
    refused draft can hold, is shown as typed."""
    if is_empty(value):
        return ""
    kind = question.type
    if kind == "yes_no" and isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if kind in ("single_choice", "multiple_choice"):
        labels = {choice: localized(label) for choice, label in question.choices}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, v) if isinstance(v, str) else str(v) for v in values)
    if kind in ("territory", "territory_list"):
        items = value if isinstance(value, list) else [value]
        return ", ".join(_territory_name(item, territories) for item in items)
    if kind == "decimal" and isinstance(value, int | float) and not isinstance(value, bool):
        return formats.number_format(value)
    if kind == "date" and isinstance(value, str):
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return str(value)


def _territory_name(item, territories: dict[str, Territory]) -> str:
    if isinstance(item, dict):
        categories = dict(other_categories())
        code = item.get("other_category")
        category = categories.get(code, "") if isinstance(code, str) else ""
        name = str(item.get("other_name") or "")
        return f"{name} ({category})" if category else name
    territory = territories.get(str(item))
    return territory.name if territory else str(item)


@dataclass
class SummaryRow:
    label: str
    value: str
    path: str
    required: bool

    @property
    def html_id(self) -> str:
        return field_id(self.path)


@dataclass
class SummaryEntry:
    index: int
    title: str
    rows: list[SummaryRow]
    registry_slug: str = ""


@dataclass
class SummarySection:
    section: Section
    rows: list[SummaryRow] = field(default_factory=list)
    entries: list[SummaryEntry] = field(default_factory=list)


def summary(
    sections: list[Section], answers: dict, territories: dict[str, Territory]
) -> list[SummarySection]:
    """Every visible question of every section with its answer in words."""
    result = []
    for section in sections:
        value = answers.get(section.code) if isinstance(answers, dict) else None
        block = SummarySection(section=section)
        if section.repeatable:
            for index, entry in enumerate(value if isinstance(value, list) else []):
                entry = entry if isinstance(entry, dict) else {}
                block.entries.append(
                    SummaryEntry(
                        index=index,
                        title=section.entry_title(entry),
                        rows=_rows(section, f"{section.code}.{index}", entry, territories),
                        registry_slug=registry_slug_of(entry),
                    )
                )
        else:
            group = value if isinstance(value, dict) else {}
            block.rows = _rows(section, section.code, group, territories)
        result.append(block)
    return result


def _rows(section: Section, prefix: str, group: dict, territories) -> list[SummaryRow]:
    return [
        SummaryRow(
            label=localized(question.label),
            value=display_value(question, group.get(question.code), territories),
            path=f"{prefix}.{question.code}",
            required=question.required,
        )
        for question in section.questions
        if visible(question, group)
    ]


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100


def progress(sections: list[Section], answers: dict) -> Progress:
    """How many of the visible required questions are answered, over all sections (each
    entry of a repeatable section counts its own)."""
    answered = total = 0
    for section in sections:
        value = answers.get(section.code) if isinstance(answers, dict) else None
        if section.repeatable:
            groups = [g for g in value if isinstance(g, dict)] if isinstance(value, list) else []
        else:
            groups = [value if isinstance(value, dict) else {}]
        for group in groups:
            for question in section.questions:
                if question.required and visible(question, group):
                    total += 1
                    answered += not is_empty(group.get(question.code))
    return Progress(answered=answered, total=total)


@dataclass
class Difference:
    """One question whose saved answer differs from the officer's."""

    label: str
    where: str
    theirs: str
    mine: str
    path: str

    @property
    def html_id(self) -> str:
        return field_id(self.path)


def differences(
    section: Section, mine, theirs, territories: dict[str, Territory]
) -> list[Difference]:
    """The questions of `section` answered differently in the saved version (`theirs`)
    and in the officer's form (`mine`). Entries are matched by their `_entry` id."""
    if not section.repeatable:
        return _group_differences(section, section.code, "", mine or {}, theirs or {}, territories)
    result = []
    mine_entries = [e for e in mine if isinstance(mine, list) and isinstance(e, dict)]
    their_entries = {
        entry_id_of(e): e for e in theirs if isinstance(theirs, list) and isinstance(e, dict)
    }
    seen = set()
    for index, entry in enumerate(mine_entries):
        where = _entry_label(section, index, entry)
        other = their_entries.get(entry_id_of(entry))
        seen.add(entry_id_of(entry))
        if other is None:
            result.append(
                Difference(
                    label=_("Fiche entière"),
                    where=where,
                    theirs=_("absente de la version enregistrée"),
                    mine=_("présente"),
                    path=f"{section.code}.{index}",
                )
            )
            continue
        prefix = f"{section.code}.{index}"
        result += _group_differences(section, prefix, where, entry, other, territories)
    for position, (entry_id, entry) in enumerate(their_entries.items()):
        if entry_id not in seen:
            result.append(
                Difference(
                    label=_("Fiche entière"),
                    where=_entry_label(section, position, entry),
                    theirs=_("présente"),
                    mine=_("absente de votre version"),
                    path=section.code,
                )
            )
    return result


def _entry_label(section: Section, index: int, entry: dict) -> str:
    title = section.entry_title(entry)
    label = f"{section.item_label} {index + 1}"
    return f"{label}\u00a0: {title}" if title else label


def _group_differences(section, prefix, where, mine, theirs, territories) -> list[Difference]:
    result = []
    for question in section.questions:
        ours, other = mine.get(question.code), theirs.get(question.code)
        if _same(ours, other):
            continue
        result.append(
            Difference(
                label=localized(question.label),
                where=where,
                theirs=display_value(question, other, territories) or _("(sans réponse)"),
                mine=display_value(question, ours, territories) or _("(sans réponse)"),
                path=f"{prefix}.{question.code}",
            )
        )
    return result


def _same(a, b) -> bool:
    if is_empty(a) and is_empty(b):
        return True
    return a == b


@dataclass
class ErrorLink:
    """One problem of the error summary, with where to fix it."""

    label: str
    message: str
    href: str


def error_links(
    sections: list[Section],
    errors: dict[str, list[str]],
    answers: dict,
    *,
    step_url: Callable[[str, str], str],
    current: str | None,
    current_entries: set[int] | None = None,
) -> list[ErrorLink]:
    """The summary of `errors` (keyed by answer path): the question, its entry, the message
    and a link to the field — on this page for the `current` step (for only its entries
    at `current_entries` when the page shows some of them), else on its step's page."""
    by_code = {section.code: section for section in sections}
    links = []
    for path, messages in errors.items():
        parts = path.split(".") if path else []
        section = by_code.get(parts[0]) if parts else None
        label = section.title if section else _("Réponse")
        if section is not None:
            label = _path_label(section, parts, answers.get(section.code)) or label
        anchor = field_id(path) if section is not None and len(parts) > 1 else ""
        on_page = section is not None and section.code == current
        if on_page and current_entries is not None and len(parts) > 2:
            on_page = parts[1].isdigit() and int(parts[1]) in current_entries
        if section is None:
            href = ""
        elif on_page:
            href = f"#{anchor}" if anchor else ""
        else:
            href = step_url(section.code, anchor)
        for message in messages:
            links.append(ErrorLink(label=label, message=message, href=href))
    return links


def _path_label(section: Section, parts: list[str], value) -> str:
    codes = {question.code: question for question in section.questions}
    if section.repeatable and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        entry = value[index] if isinstance(value, list) and index < len(value) else {}
        where = _entry_label(section, index, entry if isinstance(entry, dict) else {})
        question = codes.get(parts[2]) if len(parts) > 2 else None
        return f"{localized(question.label)} ({where})" if question else where
    question = codes.get(parts[1]) if len(parts) > 1 else None
    return localized(question.label) if question else ""
