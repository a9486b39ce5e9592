"""One plan per cooperation entry of a response: the record it maps to (or none, for a
new one), the answers it declares, its partners resolved, and what it would change on
the record. The review page's comparison (`surveys.comparison`) displays the plans; the
promotion (`surveys.services.promotion`) applies them. Reads only: a partner declared outside the
list that matches no existing grouping stays a declaration, which the promotion turns
into a new grouping."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from cooperation.models import Cooperation, Partnership
from territories.models import Territory, TerritoryKind
from territories.text import normalize_search_text

from .answering.answers import entry_id_of, is_empty, visible
from .answering.mapping import entry_differences, entry_from_cooperation, territory_reference
from .definition import Question
from .models import Promotion, Response
from .prefill import cooperation_section
from .registry_links import EntryLink, entry_links


@dataclass
class EntryPlan:
    number: int
    entry: object
    link: EntryLink
    # The record the entry would update, its partners, themes and sources prefetched
    # (None: a new record).
    record: Cooperation | None
    promotion: Promotion | None
    # The entry's answered questions (visible and not empty), as stored.
    declared: dict
    # The declared partners, in order: a territory when the reference or the name
    # resolves to one, else the item as declared (an unknown reference, or a partner
    # outside the list with no grouping of that name yet).
    partners: list = field(default_factory=list)
    # The record's partners the promotion would remove: neither the responding territory
    # nor declared.
    removed_partners: list[Territory] = field(default_factory=list)
    # The record as the entry would declare it, and each compared question's state
    # ("same", "changed", "added", "removed"; empty for a new record).
    recorded: dict = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)

    @property
    def entry_id(self) -> str:
        return entry_id_of(self.entry)

    @property
    def declared_for_display(self) -> dict:
        """The declared answers with each partner that resolves named by its reference,
        so that a promoted entry compares as unchanged."""
        if "coop_partners" not in self.declared:
            return self.declared
        return {
            **self.declared,
            "coop_partners": [
                territory_reference(item) if isinstance(item, Territory) else item
                for item in self.partners
            ],
        }


@dataclass(frozen=True)
class PlanSet:
    """The plans of a response's entries and the territories they name, by reference."""

    plans: list[EntryPlan]
    territories: dict[str, Territory]
    questions: dict[str, Question]


def cooperation_entries(response: Response) -> list:
    """The cooperation entries of a response's answers (none when its questionnaire has no
    cooperation section)."""
    section = cooperation_section(response.questionnaire.questions)
    answers = response.answers if isinstance(response.answers, dict) else {}
    entries = answers.get(section) if section else None
    return entries if isinstance(entries, list) else []


def entry_plans(response: Response, entries: list, *, lock: bool = False) -> PlanSet:
    """A plan for each of `entries` (cooperation entries of `response`), in order. `lock`
    takes the records `FOR UPDATE`. A fixed number of queries."""
    all_questions = response.questionnaire.questions
    section = cooperation_section(all_questions)
    questions = {q.code: q for q in all_questions if q.section == section}
    links = entry_links(response, entries, lock=lock)
    records = _records([link.record.pk for link in links if link.record is not None])
    promotions = {p.entry: p for p in Promotion.objects.filter(response=response)}
    territories = _territories(records.values(), entries)
    plans = []
    for number, (entry, link) in enumerate(zip(entries, links, strict=True), start=1):
        record = records.get(link.record.pk) if link.record is not None else None
        declared = (
            {
                code: entry[code]
                for code, question in questions.items()
                if visible(question, entry) and not is_empty(entry.get(code))
            }
            if isinstance(entry, dict)
            else {}
        )
        plan = EntryPlan(
            number=number,
            entry=entry,
            link=link,
            record=record,
            promotion=promotions.get(entry_id_of(entry)),
            declared=declared,
            partners=[
                _resolved(item, territories) for item in _as_list(declared.get("coop_partners"))
            ],
        )
        if record is not None:
            plan.removed_partners = _removed_partners(record, response, plan.partners)
            plan.recorded = entry_from_cooperation(record, territory=response.territory)
            plan.states = entry_differences(plan.declared_for_display, plan.recorded)
        plans.append(plan)
    return PlanSet(plans=plans, territories=territories, questions=questions)


def _records(pks: list[int]) -> dict[int, Cooperation]:
    records = Cooperation.objects.filter(pk__in=pks).prefetch_related(
        Prefetch(
            "partnerships",
            queryset=Partnership.objects.select_related("territory").order_by("position", "id"),
        ),
        "themes",
        "sources",
    )
    return {record.pk: record for record in records}


def _territories(records, entries: list) -> dict[str, Territory]:
    """The territories named by the records' partners and by the entries' declared
    partners, by reference ("kind:code"), and the existing groupings named like the
    partners declared outside the list, by their normalised name ("name:…")."""
    territories: dict[str, Territory] = {}
    for record in records:
        for partnership in record.partnerships.all():
            territories[territory_reference(partnership.territory)] = partnership.territory
    declared = [
        item
        for entry in entries
        if isinstance(entry, dict)
        for item in _as_list(entry.get("coop_partners"))
    ]
    wanted = {item for item in declared if isinstance(item, str) and item not in territories}
    territories.update(Territory.objects.by_references(wanted))
    names = {_grouping_key(item) for item in declared if _grouping_key(item)}
    if names:
        for territory in Territory.objects.filter(
            kind__in=(TerritoryKind.GROUPING, TerritoryKind.FOREIGN), search_name__in=names
        ).order_by("pk"):
            territories.setdefault("name:" + territory.search_name, territory)
            territories.setdefault(territory_reference(territory), territory)
    return territories


def grouping_name(item) -> str:
    """The name of a partner declared outside the list, blanks collapsed ("" for any
    other item)."""
    if isinstance(item, dict) and isinstance(item.get("other_name"), str):
        return " ".join(item["other_name"].split())
    return ""


def _grouping_key(item) -> str:
    name = grouping_name(item)
    return normalize_search_text(name) if name else ""


def _resolved(item, territories: dict[str, Territory]):
    if isinstance(item, str):
        return territories.get(item, item)
    key = _grouping_key(item)
    return territories.get("name:" + key, item) if key else item


def _removed_partners(record, response: Response, partners: list) -> list[Territory]:
    kept = {response.territory_id} | {p.pk for p in partners if isinstance(p, Territory)}
    return [p.territory for p in record.partnerships.all() if p.territory_id not in kept]


def _as_list(value) -> list:
    """A list answer as stored, or nothing when what is stored is not a list."""
    return value if isinstance(value, list) else []
