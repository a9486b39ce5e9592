"""The review page's comparison: each declared cooperation entry of a response beside the
registry record its promotion would update, question by question, in entry space, with
what the reviewer must see before validating (partners the update would remove, a record
that is not the territory's, a link the promotion would refuse)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cooperation.models import Cooperation
from territories.models import Territory

from .answering.answers import is_empty
from .answering.display import display_value
from .answering.form import localized
from .answering.mapping import COMPARED_QUESTIONS
from .entry_plan import EntryPlan, PlanSet, cooperation_entries, entry_plans
from .models import Promotion, Response
from .registry_links import EntryLink


@dataclass
class ComparedQuestion:
    code: str
    label: str
    declared: str
    recorded: str
    # "same", "changed", "added" (only declared), "removed" (only on the record) or "new"
    # (no record to compare with).
    state: str
    is_long: bool


@dataclass
class ComparedEntry:
    number: int
    entry_id: str
    title: str
    record: Cooperation | None
    promotion: Promotion | None
    questions: list[ComparedQuestion]
    # Partners of the record that the update would remove.
    removed_partners: list[Territory] = field(default_factory=list)
    # What the reviewer must know before validating, one sentence each.
    warnings: list[str] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.record is None

    @property
    def difference_count(self) -> int:
        return sum(q.state in ("changed", "added") for q in self.questions)

    @property
    def is_identical(self) -> bool:
        """Whether the entry says what its record already says: validating leaves the
        record as it is."""
        return self.record is not None and not self.difference_count


def entry_comparisons(response: Response) -> list[ComparedEntry]:
    """Every cooperation entry of `response` beside the registry record promotion would
    update (the one it was promoted to, else the one it was pre-filled from), compared
    question by question in entry space. A fixed number of queries."""
    entries = [e for e in cooperation_entries(response) if isinstance(e, dict)]
    plans = entry_plans(response, entries)
    return [
        ComparedEntry(
            number=plan.number,
            entry_id=plan.entry_id,
            title=_title(plan.entry),
            record=plan.record,
            promotion=plan.promotion,
            questions=_compared_questions(plan, plans),
            removed_partners=plan.removed_partners,
            warnings=_warnings(response, plan.link, plan.record, plan.removed_partners),
        )
        for plan in plans.plans
    ]


def _compared_questions(plan: EntryPlan, plans: PlanSet) -> list[ComparedQuestion]:
    """The compared questions answered in the entry or on the record, in order."""
    declared = plan.declared_for_display
    rows = []
    for code in COMPARED_QUESTIONS:
        question = plans.questions.get(code)
        if question is None or (code not in declared and is_empty(plan.recorded.get(code))):
            continue
        rows.append(
            ComparedQuestion(
                code=code,
                label=localized(question.label),
                declared=display_value(question, declared.get(code), plans.territories),
                recorded=display_value(question, plan.recorded.get(code), plans.territories),
                state=plan.states.get(code, "new"),
                is_long=question.type == "long_text",
            )
        )
    return rows


def _title(entry: dict) -> str:
    title = entry.get("coop_title")
    return title if isinstance(title, str) else ""


def _warnings(response, link: EntryLink, record, removed: list[Territory]) -> list[str]:
    territory = response.territory.name
    warnings = []
    if link.refusal:
        warnings.append(
            _("La validation sera refusée pour cette fiche : %(reason)s") % {"reason": link.refusal}
        )
    if record is not None and not link.record.involves_territory:
        warnings.append(
            _(
                "La fiche du registre qu’elle mettrait à jour ne compte pas %(territory)s "
                "parmi ses partenaires."
            )
            % {"territory": territory}
        )
    if removed:
        warnings.append(
            _("La validation retirera de la fiche du registre ces partenaires : %(names)s.")
            % {"names": ", ".join(partner.name for partner in removed)}
        )
    if record is not None and not record.is_published:
        warnings.append(_("La fiche du registre n’est pas publiée : elle restera non publiée."))
    return warnings
