"""How a campaign's responses answered its closed questions: for each single choice,
multiple choice or yes/no question of the sections answered once per territory, how many
responses chose each value, out of those that answered the question.

The repeatable sections (the `cooperations` entries) are left out: their unit is the
cooperation, not the territory. Counting is pure Python over the stored answers, so that
the page and its CSV read the responses once (`tally`, unit-tested directly).

A stored value the questionnaire does not offer (a stale or hand-edited answer) is
counted once per response in `other`, shown as « autre valeur »: the response did answer,
so it stays in `answered`, and no stored value is silently lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .answering.answers import is_empty
from .answering.form import localized
from .definition import Question
from .models import ResponseStatus

TALLIED_TYPES = ("single_choice", "multiple_choice", "yes_no")
YES_NO_CHOICES = ((True, _("Oui")), (False, _("Non")))
# The CSV's `choice` cell for a yes/no answer and for an unknown stored value.
YES_NO_VALUES = {True: "oui", False: "non"}
OTHER_VALUE = "_other"

# The `responses` filter of the page and its CSV: which statuses are counted.
SCOPES = {
    "submitted": (ResponseStatus.SUBMITTED, ResponseStatus.VALIDATED),
    "validated": (ResponseStatus.VALIDATED,),
    "all": tuple(ResponseStatus.values),
}
DEFAULT_SCOPE = "submitted"
SCOPE_LABELS = (
    ("submitted", _("Transmises et validées")),
    ("validated", _("Validées seulement")),
    ("all", _("Toutes, brouillons compris")),
)


def text_of(label) -> str:
    """A label from the questionnaire ({"fr": …, "en": …}) or from the code, as text in
    the active language."""
    return localized(label) if isinstance(label, dict) else str(label)


def share(count: int, answered: int) -> int:
    """`count` as a whole percentage of `answered` (0 when nobody answered)."""
    return round(100 * count / answered) if answered else 0


@dataclass(frozen=True)
class ChoiceTally:
    value: object
    label: object
    count: int
    answered: int

    @property
    def share(self) -> int:
        return share(self.count, self.answered)

    @property
    def label_text(self) -> str:
        return text_of(self.label)

    @property
    def csv_value(self) -> str:
        if isinstance(self.value, bool):
            return YES_NO_VALUES[self.value]
        return str(self.value)


@dataclass(frozen=True)
class QuestionTally:
    question: Question
    choices: tuple[ChoiceTally, ...]
    other: ChoiceTally
    answered: int
    total: int

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def label_text(self) -> str:
        return text_of(self.question.label)

    @property
    def is_multiple(self) -> bool:
        return self.question.type == "multiple_choice"

    @property
    def rows(self) -> tuple[ChoiceTally, ...]:
        """The questionnaire's choices, then « autre valeur » when some response holds one."""
        return (*self.choices, self.other) if self.other.count else self.choices


def tallied_questions(questions: Iterable[Question]) -> list[Question]:
    """The closed questions of the non-repeatable sections, in questionnaire order."""
    return [q for q in questions if q.type in TALLIED_TYPES and not q.repeatable]


def _offered(question: Question) -> tuple[tuple[object, object], ...]:
    return YES_NO_CHOICES if question.type == "yes_no" else question.choices


def _chosen(question: Question, value) -> list:
    """The values a stored answer chose (several for a multiple choice, once each)."""
    if question.type == "multiple_choice":
        values = value if isinstance(value, list) else [value]
        return list(dict.fromkeys(v for v in values if isinstance(v, (str, bool, int, float))))
    return [value] if isinstance(value, (str, bool, int, float)) else [repr(value)]


def tally(questions: Iterable[Question], answers_list: Iterable) -> list[QuestionTally]:
    """The tallies of the closed questions of `questions` over `answers_list` (one stored
    `answers` document per response; a malformed one counts as not answering)."""
    tallied = tallied_questions(questions)
    counts = {q.code: {} for q in tallied}
    others = dict.fromkeys(counts, 0)
    answered = dict.fromkeys(counts, 0)
    known = {q.code: {value for value, _label in _offered(q)} for q in tallied}
    total = 0
    for answers in answers_list:
        total += 1
        if not isinstance(answers, dict):
            continue
        for question in tallied:
            section = answers.get(question.section)
            value = section.get(question.code) if isinstance(section, dict) else None
            if is_empty(value):
                continue
            answered[question.code] += 1
            unknown = False
            for chosen in _chosen(question, value):
                # True == 1 in Python: a yes/no answer must be a real boolean.
                is_boolean = isinstance(chosen, bool)
                if chosen in known[question.code] and (question.type == "yes_no") == is_boolean:
                    key = (type(chosen), chosen)
                    counts[question.code][key] = counts[question.code].get(key, 0) + 1
                else:
                    unknown = True
            if unknown:
                others[question.code] += 1
    result = []
    for question in tallied:
        n = answered[question.code]
        result.append(
            QuestionTally(
                question=question,
                choices=tuple(
                    ChoiceTally(
                        value,
                        label,
                        counts[question.code].get((type(value), value), 0),
                        n,
                    )
                    for value, label in _offered(question)
                ),
                other=ChoiceTally(OTHER_VALUE, _("Autre valeur"), others[question.code], n),
                answered=n,
                total=total,
            )
        )
    return result


def by_section(definition: dict, tallies: list[QuestionTally]) -> list[dict]:
    """The tallies grouped under their sections' titles, in questionnaire order (sections
    without a closed question left out): [{"code", "title", "tallies"}]."""
    groups = []
    for section in definition.get("sections", []):
        own = [t for t in tallies if t.question.section == section["code"]]
        if own:
            groups.append(
                {"code": section["code"], "title": localized(section.get("title")), "tallies": own}
            )
    return groups


CSV_HEADER = (
    "section",
    "question",
    "question_label",
    "choice",
    "choice_label",
    "count",
    "answered",
    "share",
)


def csv_rows(tallies: list[QuestionTally]) -> Iterator[tuple]:
    """One row per (question, choice), under `CSV_HEADER`; labels in the active language."""
    for question_tally in tallies:
        question = question_tally.question
        for choice in question_tally.rows:
            yield (
                question.section,
                question.code,
                question_tally.label_text,
                choice.csv_value,
                choice.label_text,
                choice.count,
                choice.answered,
                choice.share,
            )
