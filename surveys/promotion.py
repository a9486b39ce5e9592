"""Promotion of a validated response into the cooperation registry.

Each cooperation entry of the response becomes a registry record, through
`cooperation.services` only: the record the entry was promoted to before (a `Promotion`
row), else the one it names (`_registry_slug`) if `surveys.registry_links` allows this
response to update it, is updated; otherwise a record is created. A link the rules refuse
refuses the promotion. The rules, so that a reviewer can predict the outcome:

- An answered question replaces the registry field it maps to (see `surveys.mapping`);
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

import hashlib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from cooperation.models import Cooperation, Origin, PartnerRole, Theme
from cooperation.services import (
    PartnerInput,
    SourceInput,
    cooperation_create,
    cooperation_update,
)
from portal.history import describe_change, latest_history
from portal.typography import labelled
from territories.models import Territory, TerritoryCategory, TerritoryKind
from territories.services import grouping_upsert
from territories.text import normalize_search_text

from .answers import answer_errors, entry_id_of, is_empty, visible
from .definition import Question, parse_definition
from .mapping import (
    CODE_FIELDS,
    TEXT_FIELDS,
)
from .models import Promotion, Response, ResponseStatus
from .permissions import check_reviewer
from .prefill import cooperation_section
from .registry_links import EntryLink, entry_links

# The `source` of a territory created from a partner declared outside the list: a
# reviewer should check it (SIREN, category, place) and then change its source.
SURVEY_GROUPING_SOURCE = "recensement (à vérifier)"
URL = re.compile(r"https?://[^\s<>\"«»]+", re.IGNORECASE)
# Characters left around a document's title once its URL is taken out of the line.
TITLE_TRIM = " \t\u00a0\u202f\u2014\u2013-:|,;()[]«»"
# simple-history's `history_change_reason` column.
CHANGE_REASON_MAX = 100
# Registry fields (as named in service errors) → the question that fills them.
QUESTION_OF_FIELD = {
    **{name: question for question, name in TEXT_FIELDS.items()},
    **{name: question for question, name in CODE_FIELDS.items()},
    "partners": "coop_partners",
    "themes": "coop_themes",
    "start": "coop_start_year",
    "end": "coop_end_year",
    "url": "coop_documents",
    "date": "coop_documents",
}


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
    all_questions = parse_definition(response.questionnaire.definition)
    section = cooperation_section(all_questions)
    questions = [q for q in all_questions if q.section == section]
    entries = cooperation_entries(response)
    context = _Context.load(response, questions, entries)
    links = entry_links(response, entries, lock=True)
    problems = _entry_problems(all_questions, response.answers, section)
    context.latest_changes = latest_history(
        Cooperation,
        [
            link.record.pk
            for entry, link in zip(entries, links, strict=True)
            if link.record is not None and entry_id_of(entry) in context.promotions
        ],
    )

    errors: list[str] = []
    promoted: list[PromotedEntry] = []
    for number, (entry, link) in enumerate(zip(entries, links, strict=True), start=1):
        try:
            # A savepoint per entry, so that every faulty entry is reported at once; the
            # error raised below still rolls back the entries that went through.
            with transaction.atomic():
                if number in problems:
                    raise ValidationError(problems[number])
                promoted.append(_promote_entry(context, number, entry, link, reviewer=reviewer))
        except ValidationError as error:
            heading = _entry_heading(number, entry)
            errors += [f"{heading}{message}" for message in _messages(error, questions)]
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


def cooperation_entries(response: Response) -> list:
    """The cooperation entries of a response's answers (none when its questionnaire has no
    cooperation section)."""
    section = cooperation_section(response.questionnaire.questions)
    answers = response.answers if isinstance(response.answers, dict) else {}
    entries = answers.get(section) if section else None
    return entries if isinstance(entries, list) else []


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
    questions: list[Question]
    territories: dict[str, Territory]
    themes: dict[str, Theme]
    promotions: dict[str, Promotion]
    # The latest history row of each record promoted to before, by primary key.
    latest_changes: dict[int, object] = field(default_factory=dict)

    @classmethod
    def load(cls, response: Response, questions: list[Question], entries: list) -> _Context:
        """Everything the entries refer to, in a fixed number of queries."""
        entries = [e for e in entries if isinstance(e, dict)]
        references = set()
        theme_codes = set()
        for entry in entries:
            partners = entry.get("coop_partners")
            for partner in partners if isinstance(partners, list) else []:
                if isinstance(partner, str):
                    references.add(partner)
            themes = entry.get("coop_themes")
            if isinstance(themes, list):
                theme_codes.update(theme for theme in themes if isinstance(theme, str))
        territories = Territory.objects.by_references(references)
        return cls(
            response=response,
            questions=questions,
            territories=territories,
            themes={t.code: t for t in Theme.objects.filter(code__in=theme_codes)},
            promotions={p.entry: p for p in Promotion.objects.filter(response=response)},
        )


def _promote_entry(
    context: _Context, number: int, entry, link: EntryLink, *, reviewer
) -> PromotedEntry:
    entry_id = entry_id_of(entry)
    if not entry_id:
        raise ValidationError(_("identifiant de fiche manquant."))
    if link.refusal:
        raise ValidationError(link.refusal)
    answered = {
        q.code: entry[q.code]
        for q in context.questions
        if visible(q, entry) and not is_empty(entry.get(q.code))
    }
    response = context.response
    partners, to_check = _partners(context, answered.get("coop_partners") or [])
    themes = _themes(context, answered.get("coop_themes"))
    sources = _sources(response, answered.get("coop_documents", ""))
    notes = [_grouping_note(territory) for territory in to_check]
    reason = _change_reason(response, number, entry_id)

    promotion = context.promotions.get(entry_id)
    record = link.record
    if promotion is not None and record is not None:
        # Promoted before: someone may have changed the record since, which a new
        # promotion must not undo.
        latest = context.latest_changes.get(record.pk)
        if latest is not None and not _is_ours(latest, response):
            return PromotedEntry(
                entry=entry_id,
                number=number,
                cooperation=record,
                created=False,
                changed=False,
                kept_because=describe_change(latest),
            )
    if record is None:
        created, changed = True, True
        record = _create(
            context, number, answered, partners, themes, sources, notes, reviewer, reason
        )
    else:
        created = False
        changed = _update(record, answered, partners, themes, sources, notes, reviewer, reason)

    if promotion is None:
        Promotion.objects.create(
            response=response,
            entry=entry_id,
            cooperation=record,
            created=created,
            changed=changed,
        )
    elif changed or promotion.changed:
        promotion.changed = changed
        promotion.save(update_fields=["changed", "promoted_at"])
    return PromotedEntry(
        entry=entry_id,
        number=number,
        cooperation=record,
        created=created,
        changed=changed,
        groupings_to_check=tuple(to_check),
    )


def _create(context, number, answered, partners, themes, sources, notes, reviewer, reason):
    response = context.response
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
        for territory in partners
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
            "number": number,
        }
    return cooperation_create(
        title=answered["coop_title"],
        instrument=answered["coop_instrument"],
        partners=inputs,
        themes=themes or [],
        sources=sources,
        start=str(answered.get("coop_start_year", "")),
        end=str(answered.get("coop_end_year", "")),
        user=reviewer,
        is_published=True,
        origin=Origin.SURVEY,
        origin_label=Truncator(label).chars(300),
        uncertainty_notes="\n".join(notes),
        change_reason=reason,
        **details,
    )


def _update(record, answered, partners, themes, sources, notes, reviewer, reason) -> bool:
    """Apply the entry to its record; returns whether anything changed (the service's
    report)."""
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
    missing_notes = [note for note in notes if note not in record.uncertainty_notes]
    if missing_notes:
        changes["uncertainty_notes"] = "\n".join(
            line for line in [record.uncertainty_notes.rstrip(), *missing_notes] if line
        )
    # Partners already on the record keep their role and order; the others follow.
    wanted = {territory.pk for territory in partners}
    current = list(record.partnerships.select_related("territory").order_by("position", "id"))
    kept = [PartnerInput(p.territory, p.role) for p in current if p.territory_id in wanted]
    known = {p.territory.pk for p in kept}
    existing = [SourceInput.from_source(s) for s in record.sources.all()]
    cited = {_source_key(s) for s in existing}
    report = cooperation_update(
        cooperation=record,
        user=reviewer,
        themes=themes,
        partners=kept + [PartnerInput(t) for t in partners if t.pk not in known],
        sources=existing + [s for s in sources if _source_key(s) not in cited],
        change_reason=reason,
        **changes,
    )
    return bool(report)


def _partners(context: _Context, declared: list) -> tuple[list[Territory], list[Territory]]:
    """The responding territory then the declared partners, without repeats; and those
    that are groupings declared outside the list, still to be checked."""
    partners: dict[int, Territory] = {context.response.territory.pk: context.response.territory}
    to_check: dict[int, Territory] = {}
    for item in declared:
        if isinstance(item, str):
            territory = context.territories.get(item)
            if territory is None:
                raise ValidationError(
                    {"partners": [_("Territoire inconnu : « %(ref)s ».") % {"ref": item}]}
                )
        else:
            territory = _declared_grouping(item["other_name"], item["other_category"])
            if territory.source == SURVEY_GROUPING_SOURCE:
                to_check[territory.pk] = territory
        partners.setdefault(territory.pk, territory)
    return list(partners.values()), list(to_check.values())


def _declared_grouping(name: str, category: str) -> Territory:
    """The grouping (or foreign authority) a partner declared outside the list names:
    an existing one of the same name, else a new one awaiting a reviewer's check."""
    name = " ".join(name.split())
    normalized = normalize_search_text(name)
    existing = (
        Territory.objects.filter(
            kind__in=(TerritoryKind.GROUPING, TerritoryKind.FOREIGN), search_name=normalized
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    foreign = category == "FOREIGN"
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:8].upper()
    territory, _changed = grouping_upsert(
        kind=TerritoryKind.FOREIGN if foreign else TerritoryKind.GROUPING,
        # Derived from the name, so that the same declaration always finds the same row.
        code=f"ENQ-{slugify(name).upper()[:27]}-{digest}",
        name=name,
        category=TerritoryCategory.OTHER if foreign else category,
        source=SURVEY_GROUPING_SOURCE,
    )
    return territory


def _themes(context: _Context, codes) -> list[Theme] | None:
    if codes is None:
        return None
    unknown = [code for code in codes if code not in context.themes]
    if unknown:
        raise ValidationError(
            {"themes": [_("Thème inconnu du registre : « %(code)s ».") % {"code": unknown[0]}]}
        )
    return [context.themes[code] for code in codes]


def _sources(response: Response, documents: str) -> list[SourceInput]:
    with translation.override("fr"):
        note = _("Document cité par %(territory)s dans sa réponse à « %(campaign)s ».") % {
            "territory": response.territory.name,
            "campaign": response.campaign.title,
        }
    sources, seen = [], set()
    for line in documents.splitlines():
        match = URL.search(line)
        url = match.group(0).rstrip(".,;:)]") if match else ""
        rest = (line[: match.start()] + " " + line[match.end() :]) if match else line
        title = " ".join(rest.strip(TITLE_TRIM).split()) or url
        if not title:
            continue
        source = SourceInput(title=Truncator(title).chars(300), url=url, note=note)
        if _source_key(source) not in seen:
            seen.add(_source_key(source))
            sources.append(source)
    return sources


def _source_key(source) -> str:
    """What makes two citations the same: their address, or their title when they have
    none."""
    if source.url:
        return "url:" + source.url.strip().rstrip("/").lower()
    return "title:" + normalize_search_text(source.title)


def _text(value) -> object:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return value


def _grouping_note(territory: Territory) -> str:
    with translation.override("fr"):
        return _(
            "Partenaire déclaré hors de la liste des territoires, à vérifier : "
            "%(name)s (%(category)s)."
        ) % {"name": territory.name, "category": territory.get_category_display()}


def _is_ours(row, response: Response) -> bool:
    """Whether a history row was written by a promotion of `response`."""
    prefix = _change_reason(response, 0, "").rsplit(",", 1)[0] + ","
    return (row.history_change_reason or "").startswith(prefix)


def _change_reason(response: Response, number: int, entry_id: str) -> str:
    with translation.override("fr"):
        reason = _(
            "Enquête : campagne %(campaign)d, réponse %(response)d, fiche %(number)d (%(entry)s)"
        ) % {
            "campaign": response.campaign_id,
            "response": response.pk,
            "number": number,
            "entry": entry_id,
        }
    return Truncator(reason).chars(CHANGE_REASON_MAX)


def _entry_heading(number: int, entry) -> str:
    title = entry.get("coop_title") if isinstance(entry, dict) else ""
    if title:
        return _("Fiche %(number)d « %(title)s » : ") % {"number": number, "title": title}
    return _("Fiche %(number)d : ") % {"number": number}


def _messages(error: ValidationError, questions: list[Question]) -> list[str]:
    """The error's messages, each prefixed with the question it concerns when known."""
    if not hasattr(error, "error_dict"):
        return error.messages
    labels = {
        q.code: q.label.get(translation.get_language() or "fr", q.label["fr"]) for q in questions
    }
    result = []
    for name, messages in error.message_dict.items():
        question = QUESTION_OF_FIELD.get(name, name)
        label = labels.get(question)
        for message in messages:
            result.append(labelled(label, message) if label else message)
    return result
