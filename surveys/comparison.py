"""The review page's comparison: each declared cooperation entry of a response beside the
registry record its promotion would update, question by question, in entry space."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cooperation.models import Cooperation
from territories.models import Territory, TerritoryKind
from territories.text import normalize_search_text

from .answer_display import display_value
from .answer_form import localized
from .answers import is_empty, visible
from .mapping import COMPARED_QUESTIONS, entry_differences, entry_from_cooperation
from .models import Promotion, Response
from .prefill import cooperation_section
from .promotion import cooperation_entries


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

    @property
    def is_new(self) -> bool:
        return self.record is None

    @property
    def difference_count(self) -> int:
        return sum(q.state in ("changed", "added") for q in self.questions)


def entry_comparisons(response: Response) -> list[ComparedEntry]:
    """Every cooperation entry of `response` beside the registry record promotion would
    update (the one it was promoted to, else the one it was pre-filled from), compared
    question by question in entry space. A fixed number of queries."""
    all_questions = response.questionnaire.questions
    section = cooperation_section(all_questions)
    questions = {q.code: q for q in all_questions if q.section == section}
    entries = [e for e in cooperation_entries(response) if isinstance(e, dict)]
    promotions = {p.entry: p for p in Promotion.objects.filter(response=response)}
    slugs = {e["_registry_slug"] for e in entries if e.get("_registry_slug")}
    records = list(
        Cooperation.objects.filter(
            Q(pk__in=[p.cooperation_id for p in promotions.values()]) | Q(slug__in=slugs)
        ).prefetch_related("partnerships__territory", "themes", "sources")
    )
    by_pk = {record.pk: record for record in records}
    by_slug = {record.slug: record for record in records}

    territories: dict[str, Territory] = {}
    for record in records:
        for partnership in record.partnerships.all():
            territory = partnership.territory
            territories[f"{territory.kind}:{territory.code}"] = territory
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        for item in entry.get("coop_partners") or []:
            if isinstance(item, str) and item not in territories:
                kind, _sep, code = item.partition(":")
                wanted.setdefault(kind, set()).add(code)
    for kind, codes in wanted.items():
        for territory in Territory.objects.filter(kind=kind, code__in=codes):
            territories[f"{territory.kind}:{territory.code}"] = territory
    groupings = _groupings_by_name(entries)
    for territory in groupings.values():
        territories[f"{territory.kind}:{territory.code}"] = territory

    result = []
    for number, entry in enumerate(entries, start=1):
        promotion = promotions.get(entry.get("_entry"))
        record = (
            by_pk.get(promotion.cooperation_id)
            if promotion is not None
            else by_slug.get(entry.get("_registry_slug") or "")
        )
        declared = {
            code: entry[code]
            for code, question in questions.items()
            if visible(question, entry) and not is_empty(entry.get(code))
        }
        if "coop_partners" in declared:
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
        result.append(
            ComparedEntry(
                number=number,
                entry_id=str(entry.get("_entry") or ""),
                title=str(entry.get("coop_title") or ""),
                record=record,
                promotion=promotion,
                questions=rows,
            )
        )
    return result


def _groupings_by_name(entries: list[dict]) -> dict[str, Territory]:
    """The existing groupings (or foreign territories) named like the partners declared
    outside the list, by normalised name; one query."""
    names = {
        normalize_search_text(" ".join(item["other_name"].split()))
        for entry in entries
        for item in entry.get("coop_partners") or []
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
    return f"{territory.kind}:{territory.code}" if territory else item
