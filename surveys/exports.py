"""Reviewers' exports of a campaign's responses: three tables, in CSV, XLSX or ODS.

Tables (column names are stable; see docs/api.md, "Survey exports"):

- ``responses``: one row per response — who answered, its status and dates, then one
  column per question of the non-repeatable sections (respondent, approach…), named by
  the question's code;
- ``cooperations``: one row per entry of the repeatable section (one per cooperation),
  keyed by response id and entry id, then one column per question of that section;
- ``codebook``: one row per question — section, code, type, labels, help, whether it is
  required, when it is shown, its choices — to read the other two.

Cells hold the stored values (choice codes, not labels: the codebook gives the labels),
written for spreadsheets: several values joined with " ; ", yes/no as oui/non, a
territory as "Name (kind:code)", a partner missing from the reference list as
"Name [category]". Labels and dates are French and in Paris time, whatever the request's
language, so a file means the same thing for everybody.

Responses are read `CHUNK_SIZE` at a time, with the names of the territories their answers
name loaded once per chunk: the number of queries grows with the number of chunks, never
with the number of rows. The files are written by cooperation.exports' writers; what a
reviewer asks for, and whether it is built at once or as a job, is
surveys/export_requests.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import slugify

from portal.datetimes import iso_datetime
from territories.models import Territory

from .answering.answers import entry_id_of, is_empty, registry_slug_of, visible
from .definition import Question
from .models import Campaign, ResponseStatus

RESPONSE_COLUMNS: tuple[str, ...] = (
    "response_id",
    "campaign_id",
    "campaign_title",
    "territory_kind",
    "territory_code",
    "territory_name",
    "status",
    "status_label",
    "questionnaire_slug",
    "questionnaire_version",
    "version",
    "created_at",
    "updated_at",
    "submitted_at",
    "validated_at",
    "entry_count",
)
ENTRY_COLUMNS: tuple[str, ...] = (
    "response_id",
    "territory_kind",
    "territory_code",
    "territory_name",
    "entry",
    "registry_slug",
    "entry_number",
)
CODEBOOK_COLUMNS: tuple[str, ...] = (
    "section",
    "table",
    "question",
    "type",
    "label_fr",
    "label_en",
    "help_fr",
    "required",
    "condition",
    "choices",
)
TABLES = ("responses", "cooperations", "codebook")
FORMATS = ("csv", "xlsx", "ods")
VALUE_SEPARATOR = " ; "
YES, NO = "oui", "non"
CHUNK_SIZE = 200


@dataclass(frozen=True)
class ExportLayout:
    """The columns of a campaign's tables, from its questionnaire's questions."""

    questions: tuple[Question, ...]

    @cached_property
    def response_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if not question.repeatable)

    @cached_property
    def entry_questions(self) -> tuple[Question, ...]:
        return tuple(question for question in self.questions if question.repeatable)

    @cached_property
    def entry_sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(question.section for question in self.entry_questions))

    def columns(self, table: str) -> tuple[str, ...]:
        if table == "responses":
            return (*RESPONSE_COLUMNS, *(q.code for q in self.response_questions))
        if table == "cooperations":
            return (*ENTRY_COLUMNS, *(q.code for q in self.entry_questions))
        if table == "codebook":
            return CODEBOOK_COLUMNS
        raise ValueError(f"Unknown export table {table!r}; expected one of {TABLES}.")


def layout_for(campaign: Campaign) -> ExportLayout:
    """The tables' layout for `campaign` (its questionnaire version)."""
    return ExportLayout(tuple(campaign.questionnaire.questions))


# Cells -------------------------------------------------------------------------------------


def _local_iso(value) -> str:
    return iso_datetime(value)


def _territory_cell(item, names: dict[str, str]) -> str:
    if isinstance(item, str):
        name = names.get(item)
        return f"{name} ({item})" if name else item
    if isinstance(item, dict):
        return f"{item.get('other_name', '')} [{item.get('other_category', '')}]"
    return json.dumps(item, ensure_ascii=False)


def answer_cell(question: Question, value, names: dict[str, str]):
    """One answer as a spreadsheet cell: str, int, float or None (no answer)."""
    if is_empty(value):
        return None
    kind = question.type
    if isinstance(value, bool):
        return YES if value else NO
    if kind == "territory":
        return _territory_cell(value, names)
    if isinstance(value, list):
        if kind == "territory_list":
            return VALUE_SEPARATOR.join(_territory_cell(item, names) for item in value)
        return VALUE_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str | int | float):
        return value
    return json.dumps(value, ensure_ascii=False)


def _references(question: Question, value) -> Iterator[str]:
    if question.type == "territory" and isinstance(value, str):
        yield value
    elif question.type == "territory_list" and isinstance(value, list):
        yield from (item for item in value if isinstance(item, str))


def territory_names(references: Iterable[str]) -> dict[str, str]:
    """The names of the territories `references` ("kind:code") name, in one query."""
    return {
        reference: territory.name
        for reference, territory in Territory.objects.by_references(references).items()
    }


# Rows --------------------------------------------------------------------------------------


def _group(answers, section: str) -> dict:
    value = answers.get(section) if isinstance(answers, dict) else None
    return value if isinstance(value, dict) else {}


def _entries(answers, section: str) -> list[dict]:
    value = answers.get(section) if isinstance(answers, dict) else None
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _shown(question: Question, group: dict):
    """The answer to `question` in `group`, or None when its condition hides it (an answer
    kept from before the condition changed is not part of the response)."""
    return group.get(question.code) if visible(question, group) else None


# Called with each chunk of responses once loaded, before its rows are written.
ChunkHook = Callable[[list], None]


def iter_chunks(
    queryset: QuerySet,
    layout: ExportLayout,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
):
    """(responses, territory names) for every `chunk_size` responses of `queryset`, in its
    order: 2 queries per chunk. `on_chunk` sees each chunk first."""
    responses = (
        queryset.select_related("campaign", "territory", "questionnaire")
        .defer("questionnaire__definition")
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(responses, chunk_size)):
        references = set()
        for response in chunk:
            for question in layout.response_questions:
                value = _group(response.answers, question.section).get(question.code)
                references.update(_references(question, value))
            for section in layout.entry_sections:
                for entry in _entries(response.answers, section):
                    for question in layout.entry_questions:
                        if question.section == section:
                            references.update(_references(question, entry.get(question.code)))
        names = territory_names(references)
        if on_chunk is not None:
            on_chunk(chunk)
        yield chunk, names


def response_rows(
    queryset: QuerySet,
    layout: ExportLayout,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
):
    """The rows of the `responses` table, header excluded, streamed."""
    with translation.override("fr"):
        status_labels = {value: str(label) for value, label in ResponseStatus.choices}
    for chunk, names in iter_chunks(queryset, layout, chunk_size=chunk_size, on_chunk=on_chunk):
        for response in chunk:
            territory, questionnaire = response.territory, response.questionnaire
            entry_count = sum(
                len(_entries(response.answers, section)) for section in layout.entry_sections
            )
            yield (
                response.pk,
                response.campaign_id,
                response.campaign.title,
                territory.kind,
                territory.code,
                territory.name,
                response.status,
                status_labels.get(response.status, ""),
                questionnaire.slug,
                questionnaire.version,
                response.version,
                _local_iso(response.created_at),
                _local_iso(response.updated_at),
                _local_iso(response.submitted_at),
                _local_iso(response.validated_at),
                entry_count,
                *(
                    answer_cell(
                        question,
                        _shown(question, _group(response.answers, question.section)),
                        names,
                    )
                    for question in layout.response_questions
                ),
            )


def entry_rows(
    queryset: QuerySet,
    layout: ExportLayout,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_chunk: ChunkHook | None = None,
):
    """The rows of the `cooperations` table (one per entry), header excluded, streamed."""
    for chunk, names in iter_chunks(queryset, layout, chunk_size=chunk_size, on_chunk=on_chunk):
        for response in chunk:
            territory = response.territory
            for section in layout.entry_sections:
                for number, entry in enumerate(_entries(response.answers, section), start=1):
                    yield (
                        response.pk,
                        territory.kind,
                        territory.code,
                        territory.name,
                        entry_id_of(entry),
                        registry_slug_of(entry),
                        number,
                        *(
                            answer_cell(question, _shown(question, entry), names)
                            if question.section == section
                            else None
                            for question in layout.entry_questions
                        ),
                    )


def _condition(show_if: dict | None) -> str:
    if not show_if:
        return ""
    values = [YES if v is True else NO if v is False else str(v) for v in show_if["in"]]
    return f"{show_if['question']} = {VALUE_SEPARATOR.join(values)}"


def codebook_rows(layout: ExportLayout) -> Iterator[tuple]:
    """The rows of the `codebook` table: one per question, in the questionnaire's order."""
    for question in layout.questions:
        yield (
            question.section,
            "cooperations" if question.repeatable else "responses",
            question.code,
            question.type,
            question.label.get("fr", ""),
            question.label.get("en", ""),
            question.help.get("fr", ""),
            YES if question.required else NO,
            _condition(question.show_if),
            VALUE_SEPARATOR.join(
                f"{value} = {label.get('fr', '')}" for value, label in question.choices
            ),
        )


def table_rows(
    queryset: QuerySet, layout: ExportLayout, table: str, *, on_chunk: ChunkHook | None = None
) -> Iterator[tuple]:
    """The rows of one table, header excluded."""
    if table == "responses":
        return response_rows(queryset, layout, on_chunk=on_chunk)
    if table == "cooperations":
        return entry_rows(queryset, layout, on_chunk=on_chunk)
    if table == "codebook":
        return codebook_rows(layout)
    raise ValueError(f"Unknown export table {table!r}; expected one of {TABLES}.")


# Files -------------------------------------------------------------------------------------


# Longest campaign part of a file name, in characters (cut between words).
FILENAME_TITLE_LENGTH = 60


def slug_within(text: str, limit: int = FILENAME_TITLE_LENGTH) -> str:
    """`text` as a slug of at most `limit` characters, cut between words, never inside
    one (a single longer word is kept whole: a file name may be long, not garbled)."""
    slug = slugify(text)
    if len(slug) <= limit:
        return slug
    words, kept = slug.split("-"), []
    for word in words:
        if kept and len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept)


def export_filename(
    campaign: Campaign, fmt: str, *, table: str = "responses", sep: str = "comma"
) -> str:
    """`enquete-recensement-2025-responses-2025-11-26.csv` (with `-semicolon` before the
    date for the `;` CSV, so that the two downloads never take each other's name);
    workbooks hold every table: `enquete-recensement-2025-2025-11-26.xlsx`. The campaign
    title is cut between words."""
    name = slug_within(campaign.title) or f"campagne-{campaign.pk}"
    parts = ["enquete", name, table] if fmt == "csv" else ["enquete", name]
    if fmt == "csv" and sep == "semicolon":
        parts.append("semicolon")
    return f"{'-'.join(parts)}-{timezone.localdate():%Y-%m-%d}.{fmt}"


def column_width(name: str) -> int:
    if name in {"campaign_title", "territory_name", "label_fr", "label_en", "help_fr"}:
        return 40
    if name in {"choices", "condition"}:
        return 32
    return 18
