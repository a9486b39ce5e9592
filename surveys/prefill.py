"""The answers a new response starts with: the registry's published cooperations of the
territory, one entry each, for the officer to confirm, update or mark as ended."""

from __future__ import annotations

from cooperation.models import Cooperation
from territories.models import Territory

from .answers import ENTRY_KEYS, answer_errors
from .definition import Question
from .mapping import entry_from_cooperation

# The question that tells a repeatable section holds cooperations (the mapping's own).
COOPERATION_MARKER = "coop_title"


def cooperation_section(questions: list[Question]) -> str | None:
    """The code of the repeatable section describing cooperations, if the questionnaire
    has one."""
    for question in questions:
        if question.repeatable and question.code == COOPERATION_MARKER:
            return question.section
    return None


def initial_answers(questions: list[Question], *, territory: Territory) -> dict:
    """Answers pre-filled from the published records in which `territory` is a partner.

    Only what the questionnaire asks is kept, and any value its draft check would refuse
    is dropped, so that the pre-filled draft can always be saved as it is."""
    section = cooperation_section(questions)
    if section is None:
        return {}
    records = (
        Cooperation.objects.published()
        .involving(territory)
        .prefetch_related("partnerships__territory", "themes", "sources")
        .order_by("title", "pk")
    )
    asked = {question.code for question in questions if question.section == section}
    entries = []
    for record in records:
        entry = entry_from_cooperation(record, territory=territory)
        entries.append({key: value for key, value in entry.items() if key in asked | ENTRY_KEYS})
    if not entries:
        return {}
    answers = {section: entries}
    for path in answer_errors(questions, answers, complete=False):
        _drop(answers, path)
    return answers


def _drop(answers: dict, path: str) -> None:
    section, _sep, rest = path.partition(".")
    index, _sep, code = rest.partition(".")
    if index.isdigit() and code:
        answers[section][int(index)].pop(code, None)
