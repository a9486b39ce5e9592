"""Saving one step of the answer page: the partial save of refused answers, the merge
after someone else saved in between, and the outcome the view draws.

The merge rule lives here once (`may_merge`). `static/js/survey-merge.js` applies the
same rule in the browser for the autosave, and `tests/surveys/merge_rule_cases.json`
pins both to the same cases (`tests/surveys/test_step_save.py` and
`tests/e2e/test_merge_rule.py`)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ..answering.answers import usable_answers
from ..answering.form import Section, without_refused
from ..models import Response
from .responses import StaleResponse, response_save

# A `_base` that could not be read: nothing equals it, so nothing merges onto it.
UNREADABLE = object()


class StepStatus(enum.Enum):
    SAVED = "saved"
    CONFLICT = "conflict"
    INVALID = "invalid"


@dataclass(frozen=True)
class StepDraft:
    """What the form carries besides the answers: the version the officer started from,
    and the step's answers as they were then (`_base`, JSON)."""

    version: int
    base: object = UNREADABLE

    @classmethod
    def from_post(cls, data, *, default_version: int) -> StepDraft:
        try:
            version = int(data.get("_version", ""))
        except ValueError:
            version = default_version
        try:
            base = json.loads(data.get("_base", ""))
        except ValueError:
            base = UNREADABLE
        return cls(version=version, base=base)


@dataclass(frozen=True)
class StepOutcome:
    """`response` is the stored response the page starts from next: the one just saved,
    the newer one that conflicts, or the one holding what could be saved of a refused
    step (`partly_saved`)."""

    status: StepStatus
    response: Response
    errors: dict[str, list[str]] = field(default_factory=dict)
    partly_saved: bool = False


def canonical(value) -> str:
    """JSON with sorted keys in which an empty value (None, "", [], {}) at any depth
    reads as null, so that two equal answers give the same text."""
    return json.dumps(_without_empties(value), sort_keys=True, separators=(",", ":"))


def _without_empties(value):
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, list):
        return [_without_empties(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_empties(item) for key, item in value.items()}
    return value


def may_merge(*, theirs, base, mine) -> bool:
    """After a refused save: this step's answers may go onto the newer version when the
    other save left the step as the officer found it (`base`) or saved exactly what the
    officer sends (`mine`); otherwise the officer chooses."""
    if base is UNREADABLE:
        return False
    return canonical(theirs) in (canonical(base), canonical(mine))


def step_save(
    *, response: Response, section: Section, value, draft: StepDraft, user
) -> StepOutcome:
    """Save the step's `value` onto `response` at the draft's version."""
    answers = {**response.answers, section.code: value}
    try:
        saved = response_save(response=response, answers=answers, version=draft.version, user=user)
    except StaleResponse as stale:
        return _merged(stale.current, section=section, value=value, draft=draft, user=user)
    except ValidationError as error:
        return _partly_saved(
            response,
            section=section,
            value=value,
            draft=draft,
            user=user,
            errors=path_errors(error),
        )
    return StepOutcome(StepStatus.SAVED, saved)


def _merged(current: Response, *, section: Section, value, draft: StepDraft, user) -> StepOutcome:
    current.answers, _unreadable = usable_answers(current.questionnaire.questions, current.answers)
    conflict = StepOutcome(StepStatus.CONFLICT, current)
    if not may_merge(theirs=current.answers.get(section.code), base=draft.base, mine=value):
        return conflict
    try:
        saved = response_save(
            response=current,
            answers={**current.answers, section.code: value},
            version=current.version,
            user=user,
        )
    except (StaleResponse, ValidationError):
        return conflict
    return StepOutcome(StepStatus.SAVED, saved)


def _partly_saved(
    response: Response, *, section: Section, value, draft: StepDraft, user, errors
) -> StepOutcome:
    """A refused step: the answers the check accepts are saved all the same, each refused
    one kept as last saved."""
    retry = without_refused(section, value, response.answers.get(section.code), list(errors))
    saved = response
    if retry is not None:
        try:
            saved = response_save(
                response=response,
                answers={**response.answers, section.code: retry},
                version=draft.version,
                user=user,
            )
        except (StaleResponse, ValidationError):
            saved = response
    return StepOutcome(StepStatus.INVALID, saved, errors=errors, partly_saved=saved is not response)


def path_errors(error: ValidationError) -> dict[str, list[str]]:
    """A refusal's messages by answer path ("" for those about the whole response)."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"": error.messages}
