"""Promotion of a validated response into the cooperation registry.

Each cooperation entry of the response becomes a registry record, through
`cooperation.services` only: the record the entry was promoted to before (a `Promotion`
row), else the one it names (`_registry_slug`) if `surveys.registry_links` allows this
response to update it, is updated; otherwise a record is created. A link the rules refuse
refuses the promotion. The rules, so that a reviewer can predict the outcome:

- An answered question replaces the registry field it maps to (see `surveys.answering.mapping`);
  an unanswered or hidden one leaves the field as it is, and so do the registry fields
  the questionnaire does not ask about (description, uncertainty notes…).
- Partners are the responding territory plus the declared partners. On an update the
  partners already on the record keep their role and order; on a creation the
  responding territory leads when it is a métropole.
- A partner declared outside the list ("other_name") becomes a grouping territory (or a
  foreign one), reused by name when it already exists; those created from a declaration
  carry `SURVEY_GROUPING_SOURCE` until a reviewer checks them, and each record they join
  says so in its uncertainty notes.
- A year keeps the registry's more precise date when it is the same year.
- Each line of "documents and links" becomes a source: a URL in the line is its address
  and the rest of the line its title (a line without a URL is a citation without a link,
  as the registry's own sources may be, so that a record's sources survive the round trip
  through a pre-filled entry). A source the record already cites (same URL, or same
  title without a URL) is not added again; existing sources are kept.
- A created record is published; an updated one keeps its publication state (a record
  that staff unpublished stays unpublished).

Everything happens in one transaction: one invalid entry refuses the whole promotion,
with a message naming each faulty entry, and nothing is written. Promoting again writes
only what changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cooperation.models import Cooperation, Origin, PartnerRole, Theme
from cooperation.services import (
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_update,
)
from portal.history import describe_change, latest_history
from territories.models import Territory

from ..answering.answers import answer_errors, entry_id_of
from ..answering.mapping import (
    CODE_FIELDS,
    TEXT_FIELDS,
)
from ..definition import Question
from ..entry_plan import EntryPlan, PlanSet, cooperation_entries, entry_plans
from ..models import Promotion, Response, ResponseStatus
from ..permissions import check_reviewer
from ..prefill import cooperation_section
from .promotion_inputs import (
    SURVEY_GROUPING_SOURCE,
    change_reason,
    entry_heading,
    entry_messages,
    entry_partners,
    entry_sources,
    grouping_note,
    is_ours,
    source_key,
)


@dataclass(frozen=True)
class PromotedEntry:
    """What one entry did to the registry."""

    entry: str
    number: int
    cooperation: Cooperation
    created: bool
    changed: bool
    groupings_to_check: tuple[Territory, ...] = ()
    # Set when a new promotion left the record alone because someone changed it since
    # this response was last promoted: who, when and why.
    kept_because: str = ""


@dataclass(frozen=True)
class PromotionReport:
    entries: tuple[PromotedEntry, ...] = field(default_factory=tuple)

    @property
    def created(self) -> list[Cooperation]:
        return [e.cooperation for e in self.entries if e.created]

    @property
    def updated(self) -> list[Cooperation]:
        return [e.cooperation for e in self.entries if e.changed and not e.created]

    @property
    def kept(self) -> list[PromotedEntry]:
        """Entries whose record someone changed since the last promotion: left alone."""
        return [e for e in self.entries if e.kept_because]

    @property
    def groupings_to_check(self) -> list[Territory]:
        seen: dict[int, Territory] = {}
        for entry in self.entries:
            for territory in entry.groupings_to_check:
                seen.setdefault(territory.pk, territory)
        return list(seen.values())


@transaction.atomic
def response_promote(*, response: Response, reviewer) -> PromotionReport:
    """Create or update the registry record of every cooperation entry of a validated
    response, recording a `Promotion` per entry. All or nothing: a ValidationError lists
    every faulty entry and nothing is written. Promoting again changes only what differs."""
    check_reviewer(reviewer)
    response = Response.objects.select_related("campaign", "territory", "questionnaire").get(
        pk=response.pk
    )
    if response.status != ResponseStatus.VALIDATED:
        raise ValidationError(_("Seule une réponse validée peut être versée au registre."))
    entries = cooperation_entries(response)
    plans = entry_plans(response, entries, lock=True)
    questions = list(plans.questions.values())
    section = cooperation_section(response.questionnaire.questions)
    problems = _entry_problems(response.questionnaire.questions, response.answers, section)
    context = _Context.load(response, plans)

    errors: list[str] = []
    promoted: list[PromotedEntry] = []
    for plan in plans.plans:
        try:
            # A savepoint per entry, so that every faulty entry is reported at once; the
            # error raised below still rolls back the entries that went through.
            with transaction.atomic():
                if plan.number in problems:
                    raise ValidationError(problems[plan.number])
                promoted.append(_promote_entry(context, plan, reviewer=reviewer))
        except ValidationError as error:
            heading = entry_heading(plan.number, plan.entry)
            errors += [f"{heading}{message}" for message in entry_messages(error, questions)]
    if errors:
        raise ValidationError(errors)
    return PromotionReport(entries=tuple(promoted))


def _entry_problems(questions: list[Question], answers, section) -> dict[int, dict]:
    """What the questionnaire's checks refuse in each entry (by entry number, then
    question): answers stored past the checks of the saves are not promoted."""
    problems: dict[int, dict] = {}
    for path, messages in answer_errors(questions, answers, complete=False).items():
        head, _sep, rest = path.partition(".")
        index, _sep, code = rest.partition(".")
        if head == section and index.isdigit():
            problems.setdefault(int(index) + 1, {}).setdefault(code or "_entry", []).extend(
                messages
            )
    return problems


def promotions_of(response: Response) -> list[dict]:
    """The records a response was promoted to, in entry order, each with the partners
    declared outside the list that still await a check: {"promotion", "groupings"}."""
    promotions = list(
        Promotion.objects.filter(response=response)
        .select_related("cooperation")
        .prefetch_related("cooperation__partnerships__territory")
    )
    order = {entry_id_of(entry): index for index, entry in enumerate(cooperation_entries(response))}
    promotions.sort(key=lambda p: (order.get(p.entry, len(order)), p.entry))
    return [
        {
            "promotion": promotion,
            "groupings": [
                partnership.territory
                for partnership in promotion.cooperation.partnerships.all()
                if partnership.territory.source == SURVEY_GROUPING_SOURCE
            ],
        }
        for promotion in promotions
    ]


@dataclass
class _Context:
    response: Response
    themes: dict[str, Theme]
    # The latest history row of each record promoted to before, by primary key.
    latest_changes: dict[int, object]

    @classmethod
    def load(cls, response: Response, plans: PlanSet) -> _Context:
        """The themes the entries name and the latest change of each record promoted to
        before, in a fixed number of queries."""
        theme_codes = {
            theme
            for plan in plans.plans
            for theme in plan.declared.get("coop_themes") or []
            if isinstance(theme, str)
        }
        return cls(
            response=response,
            themes={t.code: t for t in Theme.objects.filter(code__in=theme_codes)},
            latest_changes=latest_history(
                Cooperation,
                [plan.record.pk for plan in plans.plans if plan.record and plan.promotion],
            ),
        )


@dataclass(frozen=True)
class _Writes:
    """What an entry writes to its record, whichever record that is."""

    partners: list[Territory]
    themes: list[Theme] | None
    sources: list[SourceInput]
    notes: list[str]
    reason: str


def _promote_entry(context: _Context, plan: EntryPlan, *, reviewer) -> PromotedEntry:
    entry_id = plan.entry_id
    if not entry_id:
        raise ValidationError(_("identifiant de fiche manquant."))
    if plan.link.refusal:
        raise ValidationError(plan.link.refusal)
    response = context.response
    partners, to_check = entry_partners(response, plan)
    writes = _Writes(
        partners=partners,
        themes=_themes(context, plan.declared.get("coop_themes")),
        sources=entry_sources(response, plan.declared.get("coop_documents", "")),
        notes=[grouping_note(territory) for territory in to_check],
        reason=change_reason(response, plan.number, entry_id),
    )
    record, promotion = plan.record, plan.promotion
    if promotion is not None and record is not None:
        # Promoted before: someone may have changed the record since, which a new
        # promotion must not undo.
        latest = context.latest_changes.get(record.pk)
        if latest is not None and not is_ours(latest, response):
            return PromotedEntry(
                entry=entry_id,
                number=plan.number,
                cooperation=record,
                created=False,
                changed=False,
                kept_because=describe_change(latest),
            )
    if record is None:
        created, changed = True, True
        record = _create(response, plan, writes, reviewer=reviewer)
    else:
        created = False
        changed = _update(plan, writes, reviewer=reviewer)
    _record_promotion(response, plan, record, created=created, changed=changed)
    return PromotedEntry(
        entry=entry_id,
        number=plan.number,
        cooperation=record,
        created=created,
        changed=changed,
        groupings_to_check=tuple(to_check),
    )


def _record_promotion(response, plan: EntryPlan, record, *, created: bool, changed: bool):
    promotion = plan.promotion
    if promotion is None:
        Promotion.objects.create(
            response=response,
            entry=plan.entry_id,
            cooperation=record,
            created=created,
            changed=changed,
        )
    elif changed or promotion.changed:
        promotion.changed = changed
        promotion.save(update_fields=["changed", "promoted_at"])


def _create(response: Response, plan: EntryPlan, writes: _Writes, *, reviewer) -> Cooperation:
    answered = plan.declared
    missing = [q for q in ("coop_title", "coop_instrument") if q not in answered]
    if missing:
        raise ValidationError({missing[0]: [_("Cette question est obligatoire.")]})
    responding = response.territory
    inputs = [
        PartnerInput(
            territory,
            PartnerRole.LEAD
            if territory.pk == responding.pk and responding.is_metropolis
            else PartnerRole.PARTNER,
        )
        for territory in writes.partners
    ]
    details = {
        name: answered[question]
        for question, name in {**TEXT_FIELDS, **CODE_FIELDS}.items()
        if question in answered and question not in ("coop_title", "coop_instrument")
    }
    with translation.override("fr"):
        label = _("%(campaign)s — réponse de %(territory)s, fiche %(number)d") % {
            "campaign": response.campaign.title,
            "territory": responding.name,
            "number": plan.number,
        }
    return cooperation_create(
        title=answered["coop_title"],
        instrument=answered["coop_instrument"],
        partners=inputs,
        themes=writes.themes or [],
        sources=writes.sources,
        start=str(answered.get("coop_start_year", "")),
        end=str(answered.get("coop_end_year", "")),
        user=reviewer,
        is_published=True,
        origin=Origin.SURVEY,
        origin_label=Truncator(label).chars(300),
        uncertainty_notes="\n".join(writes.notes),
        change_reason=writes.reason,
        **details,
    )


def _update(plan: EntryPlan, writes: _Writes, *, reviewer) -> bool:
    """Apply the entry to its record; returns whether anything changed (the service's
    report)."""
    record, answered = plan.record, plan.declared
    changes: dict = {}
    for question, name in {**TEXT_FIELDS, **CODE_FIELDS}.items():
        # An answer equal to the record's text but for line endings and outer blanks
        # leaves the record's text as it is.
        if question in answered and _text(getattr(record, name)) != _text(answered[question]):
            changes[name] = answered[question]
    for question, name in (("coop_start_year", "start"), ("coop_end_year", "end")):
        year = answered.get(question)
        current = getattr(record, f"{name}_date")
        # The same year keeps the record's more precise date.
        if year is not None and (current is None or current.year != year):
            changes[name] = str(year)
    missing_notes = [note for note in writes.notes if note not in record.uncertainty_notes]
    if missing_notes:
        changes["uncertainty_notes"] = "\n".join(
            line for line in [record.uncertainty_notes.rstrip(), *missing_notes] if line
        )
    # Partners already on the record keep their role and order, but those the plan
    # removes; the others follow.
    removed = {territory.pk for territory in plan.removed_partners}
    kept = [
        PartnerInput(p.territory, p.role)
        for p in record.partnerships.all()
        if p.territory_id not in removed
    ]
    known = {p.territory.pk for p in kept}
    existing = [SourceInput.from_source(s) for s in record.sources.all()]
    cited = {source_key(s) for s in existing}
    report = cooperation_update(
        cooperation=record,
        user=reviewer,
        themes=writes.themes,
        partners=kept + [PartnerInput(t) for t in writes.partners if t.pk not in known],
        sources=existing + [s for s in writes.sources if source_key(s) not in cited],
        change_reason=writes.reason,
        **changes,
    )
    return bool(report)


def _themes(context: _Context, codes) -> list[Theme] | None:
    if codes is None:
        return None
    unknown = [code for code in codes if code not in context.themes]
    if unknown:
        raise ValidationError(
            {"themes": [_("Thème inconnu du registre : « %(code)s ».") % {"code": unknown[0]}]}
        )
    return [context.themes[code] for code in codes]


def _text(value) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value
