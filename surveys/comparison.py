"""The review page's comparison: each declared cooperation entry of a response beside the
registry record its promotion would update, question by question, in entry space, with
what the reviewer must see before validating (partners the update would remove, a record
that is not the territory's, a link the promotion would refuse)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cooperation.models import Cooperation, Partnership
from territories.models import Territory, TerritoryKind
from territories.text import normalize_search_text

from .answer_display import display_value
from .answer_form import localized
from .answers import entry_id_of, is_empty, visible
from .mapping import (
    COMPARED_QUESTIONS,
    entry_differences,
    entry_from_cooperation,
    territory_reference,
)
from .models import Promotion, Response
from .prefill import cooperation_section
from .promotion import cooperation_entries
from .registry_links import EntryLink, entry_links


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
    all_questions = response.questionnaire.questions
    section = cooperation_section(all_questions)
    questions = {q.code: q for q in all_questions if q.section == section}
    entries = [e for e in cooperation_entries(response) if isinstance(e, dict)]
    promotions = {p.entry: p for p in Promotion.objects.filter(response=response)}
    links = entry_links(response, entries)
    records = {
        record.pk: record
        for record in Cooperation.objects.filter(
            pk__in=[link.record.pk for link in links if link.record is not None]
        ).prefetch_related(
            Prefetch(
                "partnerships",
                queryset=Partnership.objects.select_related("territory").order_by("position"),
            ),
            "themes",
            "sources",
        )
    }
    territories = _territories(records.values(), entries)
    groupings = _groupings_by_name(entries)
    for territory in groupings.values():
        territories[territory_reference(territory)] = territory

    result = []
    for number, (entry, link) in enumerate(zip(entries, links, strict=True), start=1):
        record = records.get(link.record.pk) if link.record is not None else None
        declared = {
            code: entry[code]
            for code, question in questions.items()
            if visible(question, entry) and not is_empty(entry.get(code))
        }
        if isinstance(declared.get("coop_partners"), list):
            # A partner declared outside the list is the grouping promotion would use
            # (the same lookup by name), so that a promoted entry compares as unchanged.
            declared["coop_partners"] = [
                _grouping_reference(item, groupings) for item in declared["coop_partners"]
            ]
        recorded = entry_from_cooperation(record, territory=response.territory) if record else {}
        states = entry_differences(declared, recorded) if record else {}
        rows = []
        for code in COMPARED_QUESTIONS:
            question = questions.get(code)
            if question is None or (code not in declared and is_empty(recorded.get(code))):
                continue
            rows.append(
                ComparedQuestion(
                    code=code,
                    label=localized(question.label),
                    declared=display_value(question, declared.get(code), territories),
                    recorded=display_value(question, recorded.get(code), territories),
                    state=states.get(code, "new"),
                    is_long=question.type == "long_text",
                )
            )
        removed = (
            _removed_partners(record, response, declared.get("coop_partners"), territories)
            if record
            else []
        )
        entry_id = entry_id_of(entry)
        result.append(
            ComparedEntry(
                number=number,
                entry_id=entry_id,
                title=entry.get("coop_title") if isinstance(entry.get("coop_title"), str) else "",
                record=record,
                promotion=promotions.get(entry_id),
                questions=rows,
                removed_partners=removed,
                warnings=_warnings(response, link, record, removed),
            )
        )
    return result


def _territories(records, entries: list[dict]) -> dict[str, Territory]:
    """The territories named by the records' partners and by the entries' declared
    partners, by reference ("kind:code"); one query per kind not already known."""
    territories: dict[str, Territory] = {}
    for record in records:
        for partnership in record.partnerships.all():
            territories[territory_reference(partnership.territory)] = partnership.territory
    wanted = {
        item
        for entry in entries
        for item in _as_list(entry.get("coop_partners"))
        if isinstance(item, str) and item not in territories
    }
    territories.update(Territory.objects.by_references(wanted))
    return territories


def _removed_partners(record, response, declared, territories) -> list[Territory]:
    """The record's partners that promotion would remove: neither the responding territory
    nor declared (the same rule as `promotion._update`)."""
    kept = {response.territory_id}
    for item in _as_list(declared):
        territory = territories.get(item) if isinstance(item, str) else None
        if territory is not None:
            kept.add(territory.pk)
    return [p.territory for p in record.partnerships.all() if p.territory_id not in kept]


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


def _groupings_by_name(entries: list[dict]) -> dict[str, Territory]:
    """The existing groupings (or foreign territories) named like the partners declared
    outside the list, by normalised name; one query."""
    names = {
        normalize_search_text(" ".join(item["other_name"].split()))
        for entry in entries
        for item in _as_list(entry.get("coop_partners"))
        if isinstance(item, dict) and isinstance(item.get("other_name"), str)
    }
    if not names:
        return {}
    found: dict[str, Territory] = {}
    for territory in Territory.objects.filter(
        kind__in=(TerritoryKind.GROUPING, TerritoryKind.FOREIGN), search_name__in=names
    ).order_by("pk"):
        found.setdefault(territory.search_name, territory)
    return found


def _grouping_reference(item, groupings: dict[str, Territory]):
    if not isinstance(item, dict) or not isinstance(item.get("other_name"), str):
        return item
    territory = groupings.get(normalize_search_text(" ".join(item["other_name"].split())))
    return territory_reference(territory) if territory else item


def _as_list(value) -> list:
    """A list answer as stored, or nothing when what is stored is not a list."""
    return value if isinstance(value, list) else []
