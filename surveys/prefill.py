"""The answers a new response starts with: the registry's published cooperations of the
territory, one entry each, for the officer to confirm, update or mark as ended."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F

from cooperation.models import Cooperation
from territories.models import Territory

from .answering.answers import ENTRY_ID_KEY, ENTRY_KEYS, MAX_ENTRIES, answer_errors
from .answering.mapping import entry_from_cooperation
from .definition import Question

# The question that tells a repeatable section holds cooperations (the mapping's own).
COOPERATION_MARKER = "coop_title"


def cooperation_section(questions: list[Question]) -> str | None:
    """The code of the repeatable section describing cooperations, if the questionnaire
    has one."""
    for question in questions:
        if question.repeatable and question.code == COOPERATION_MARKER:
            return question.section
    return None


@dataclass(frozen=True)
class Prefill:
    """The answers a new response starts with, and which record went into which entry."""

    answers: dict
    records: dict[str, Cooperation]  # entry identifier → record


def initial_answers(questions: list[Question], *, territory: Territory) -> Prefill:
    """Answers pre-filled from the published records in which `territory` is a partner:
    the `MAX_ENTRIES` most recent ones when it has more (`unprefilled_count` says so).

    Only what the questionnaire asks is kept, and any value its draft check would refuse
    is dropped, so that the pre-filled draft can always be saved as it is."""
    section = cooperation_section(questions)
    if section is None:
        return Prefill(answers={}, records={})
    recent = (
        Cooperation.objects.published()
        .involving(territory)
        .order_by(F("start_date").desc(nulls_last=True), "title", "pk")
        .values_list("pk", flat=True)[:MAX_ENTRIES]
    )
    records = (
        Cooperation.objects.filter(pk__in=list(recent))
        .prefetch_related("partnerships__territory", "themes", "sources")
        .order_by("title", "pk")
    )
    asked = {question.code for question in questions if question.section == section}
    entries, by_entry = [], {}
    for record in records:
        entry = entry_from_cooperation(record, territory=territory)
        entries.append({key: value for key, value in entry.items() if key in asked | ENTRY_KEYS})
        by_entry[entry[ENTRY_ID_KEY]] = record
    if not entries:
        return Prefill(answers={}, records={})
    answers = {section: entries}
    for path in answer_errors(questions, answers, complete=False):
        _drop(answers, path)
    return Prefill(answers=answers, records=by_entry)


def _drop(answers: dict, path: str) -> None:
    section, _sep, rest = path.partition(".")
    index, _sep, code = rest.partition(".")
    if index.isdigit() and code:
        answers[section][int(index)].pop(code, None)


def unprefilled_count(territory: Territory) -> int:
    """How many published records of `territory` a new response could not hold (beyond
    `MAX_ENTRIES`); 0 in every ordinary case."""
    total = Cooperation.objects.published().involving(territory).count()
    return max(0, total - MAX_ENTRIES)


# The questions about the person answering, and what of the account fills each.
RESPONDENT_FROM_ACCOUNT = {
    "respondent_name": lambda user: user.get_full_name(),
    "respondent_email": lambda user: user.email,
}


def respondent_answers(questions: list[Question], *, user) -> dict:
    """The answers about the person answering, taken from `user`'s account (name and
    e-mail), for the questions of the questionnaire that ask them; {} without any."""
    answers: dict = {}
    for question in questions:
        fill = RESPONDENT_FROM_ACCOUNT.get(question.code)
        if fill is None or question.repeatable:
            continue
        value = (fill(user) or "").strip()
        if value:
            answers.setdefault(question.section, {})[question.code] = value
    if answer_errors(questions, answers, complete=False):
        return {}
    return answers
