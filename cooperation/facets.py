"""Facet counts for the /cooperations/ page.

For each facet, the count next to a value is the number of records the page would list
once that value is ticked too: the current selection *minus that facet's own filter*
(standard drill-down), so that values of one facet add up (OR) while the other facets
narrow (AND). Each count reuses the filters of the shared `CooperationFilterSet`, never a
second reading of the query string, and each facet is one aggregate query, whatever the
number of records.
"""

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from territories.models import Containment, Territory, TerritoryCategory, TerritoryKind

from .filters import CooperationFilterSet
from .models import Cooperation, CooperationStatus, Instrument, PartnerRelation, Partnership, Theme

# In the order the page shows them.
FACETS = (
    "metropolis",
    "theme",
    "instrument",
    "status",
    "partner_kind",
    "partner_category",
    "relation",
    "region",
)


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter
    label: str
    options: list[FacetOption]

    @property
    def visible_options(self) -> list[FacetOption]:
        """Values worth offering: those already ticked first (a long list scrolls), then
        those with results."""
        ticked = [option for option in self.options if option.selected]
        others = [option for option in self.options if option.count and not option.selected]
        return ticked + others

    @property
    def labels(self) -> dict[str, str]:
        return {option.value: option.label for option in self.options}


def facet_counts(data: Mapping, queryset: QuerySet) -> dict[str, Facet]:
    """Bind the shared FilterSet to `data` and count every facet's values in `queryset`
    (which carries the visibility rule, e.g. `Cooperation.objects.visible_to(user)`)."""
    return facets_for(CooperationFilterSet(data, queryset=queryset))


def facets_for(filterset: CooperationFilterSet) -> dict[str, Facet]:
    """Count every facet's values for an already bound FilterSet (its validation is
    reused). An invalid filter is left out of the counts of the others."""
    filterset.is_valid()
    facets = {}
    for name in FACETS:
        counted = _COUNTERS[name](_selection_without(filterset, name))
        selected = _raw_values(filterset, name)
        facets[name] = Facet(
            name=name,
            label=filterset.filters[name].label,
            options=[
                FacetOption(value=value, label=str(label), count=count, selected=value in selected)
                for value, label, count in counted
            ],
        )
    return facets


def _selection_without(filterset: CooperationFilterSet, excluded: str) -> QuerySet:
    """Primary keys of the records matching every valid filter but `excluded`."""
    queryset = filterset.queryset.all().prefetch_related(None)
    for name, value in filterset.form.cleaned_data.items():
        if name not in (excluded, "ordering"):
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset.order_by().values("pk")


def _raw_values(filterset: CooperationFilterSet, name: str) -> set[str]:
    value = filterset.form[name].value()
    if value in (None, ""):
        return set()
    return {str(item) for item in ([value] if isinstance(value, str) else value)}


Counted = list[tuple[str, str, int]]  # (value, label, count)


def _record_field(field: str, choices) -> Callable[[QuerySet], Counted]:
    def count(selection: QuerySet) -> Counted:
        counts = dict(
            Cooperation.objects.filter(pk__in=selection)
            .order_by()
            .values_list(field)
            .annotate(count=Count("pk"))
        )
        return [(value, label, counts.get(value, 0)) for value, label in choices]

    return count


def _partner_field(field: str, choices) -> Callable[[QuerySet], Counted]:
    """Records with at least one partner having each value of `field`."""

    def count(selection: QuerySet) -> Counted:
        counts = dict(
            Partnership.objects.filter(cooperation__in=selection)
            .order_by()
            .values_list(field)
            .annotate(count=Count("cooperation", distinct=True))
        )
        return [(value, label, counts.get(value, 0)) for value, label in choices]

    return count


def _themes(selection: QuerySet) -> Counted:
    themes = Theme.objects.with_cooperation_count(Cooperation.objects.filter(pk__in=selection))
    return [(theme.code, theme.label, theme.cooperation_count) for theme in themes]


def _metropolises(selection: QuerySet) -> Counted:
    """Records in which each métropole is a partner (as the `metropolis` filter reads it)."""
    metropolises = (
        Territory.objects.metropolises()
        .annotate(
            count=Count(
                "partnerships__cooperation",
                filter=Q(partnerships__cooperation__in=selection),
                distinct=True,
            )
        )
        .order_by("search_name", "code")
    )
    return [(metropolis.code, metropolis.name, metropolis.count) for metropolis in metropolises]


def _regions(selection: QuerySet) -> Counted:
    """Records with a partner that is, or lies in, each région (as the `region` filter).

    One query: the distinct (record, région) pairs of both cases, counted here. A
    correlated subquery per région was measured at over a second on 20,000 records."""
    partner_is_region = Partnership.objects.filter(
        cooperation__in=selection, territory__kind=TerritoryKind.REGION
    ).values_list("cooperation_id", "territory_id")
    partner_in_region = Containment.objects.filter(
        container__kind=TerritoryKind.REGION, content__partnerships__cooperation__in=selection
    ).values_list("content__partnerships__cooperation_id", "container_id")
    pairs = partner_is_region.order_by().union(partner_in_region.order_by())
    counts = Counter(region_id for _cooperation_id, region_id in pairs)
    regions = Territory.objects.of_kind(TerritoryKind.REGION).order_by("search_name", "code")
    return [(region.code, region.name, counts.get(region.pk, 0)) for region in regions]


_COUNTERS: dict[str, Callable[[QuerySet], Counted]] = {
    "metropolis": _metropolises,
    "theme": _themes,
    "instrument": _record_field("instrument", Instrument.choices),
    "status": _record_field("status", CooperationStatus.choices),
    "partner_kind": _partner_field("territory__kind", TerritoryKind.choices),
    "partner_category": _partner_field("territory__category", TerritoryCategory.choices),
    "relation": _partner_field("relation", PartnerRelation.choices),
    "region": _regions,
}
