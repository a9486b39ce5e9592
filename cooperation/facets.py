"""Facet counts for the /cooperations/ page.

For each facet, the count next to a value is the number of records the page would list
once that value is ticked too: the current selection *minus that facet's own filter*
(standard drill-down), so that values of one facet add up (OR) while the other facets
narrow (AND). Each selection reuses the filters of the shared `CooperationFilterSet`,
never a second reading of the query string.

The counts are intersections of sets of records from this process's facet index
(`cooperation.facet_index`): at most one query per request (the primary keys of the
records the filters other than the facets' keep — search, years…), whatever the number of
records, facets and ticked values.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language

from .cache_version import registry_version
from .facet_index import TIMEOUT, FacetIndex, facet_index, scope_digest, selected_ids
from .filters import CooperationFilterSet

# In the order the page shows them.
FACETS = (
    "metropolis",
    "theme",
    "instrument",
    "status",
    "difficulty",
    "partner_kind",
    "partner_category",
    "relation",
    "distance",
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
    active = _active_filters(filterset)
    cached = None if active else _unfiltered_key(filterset)
    counts = cache.get(cached) if cached else None
    if counts is None:
        counts = _counts(filterset, active, facet_index())
        if cached:
            cache.set(cached, counts, TIMEOUT)
    facets = {}
    for name in FACETS:
        selected = _raw_values(filterset, name)
        facets[name] = Facet(
            name=name,
            label=filterset.filters[name].label,
            options=[
                FacetOption(value=value, label=label, count=count, selected=value in selected)
                for value, label, count in counts[name]
            ],
        )
    return facets


def _counts(filterset: CooperationFilterSet, active: set[str], index: FacetIndex) -> dict:
    """{facet: [(value, label, count)]}: each facet's values intersected with the
    selection minus that facet's own filter.

    The records a facet filter keeps are those of its ticked values in the index (their
    union); those the other filters keep (search, years…), the scope's if none is active,
    else one query for their primary keys. Each selection is then an intersection."""
    ticked = {name: index.having(name, _ticked(filterset, name)) for name in active & set(FACETS)}
    if None in ticked.values():  # a value newer than the index: every selection by SQL
        return _counts_by_sql(filterset, active, index)
    others = active - set(ticked)
    base = (
        selected_ids(_selection(filterset, others)) if others else index.scope(filterset.queryset)
    )

    def selection(excluded: str | None) -> int:
        records = base
        for name, having in ticked.items():
            if name != excluded:
                records &= having
        return records

    everything = selection(None)
    return {
        name: index.counts(name, selection(name) if name in ticked else everything)
        for name in FACETS
    }


def _counts_by_sql(filterset: CooperationFilterSet, active: set[str], index: FacetIndex) -> dict:
    """As `_counts`, each selection read by one query: the selection, then the selection
    without each active facet filter."""

    def selection(excluded: str | None) -> int:
        return selected_ids(_selection(filterset, active - {excluded}))

    everything = selection(None)
    return {
        name: index.counts(name, selection(name) if name in active else everything)
        for name in FACETS
    }


def _ticked(filterset: CooperationFilterSet, name: str) -> list[str]:
    """The valid values of facet filter `name`, as the index names them (a territory or a
    theme by the field the filter reads in the query string: its code)."""
    field = filterset.filters[name].extra.get("to_field_name")
    values = filterset.form.cleaned_data[name]
    return [str(getattr(value, field) if field else value) for value in values]


# The counts of the unfiltered registry (the first page everybody opens) are also kept in
# the shared cache under the registry's version (`cooperation.cache_version`), which every
# write to what they count moves on, so that no count is stale after a save, and no
# process needs its index for that page; the timeout is a safety net for writes that send
# no signal (bulk updates outside the services): the index's own, `facet_index.TIMEOUT`.


def _active_filters(filterset: CooperationFilterSet) -> set[str]:
    """The valid filters that narrow the selection (an invalid one is left out; so is the
    ordering). `false` is a value (e.g. `has_funding=false`), an empty list is none."""
    active = set()
    for name, value in (filterset.form.cleaned_data or {}).items():
        empty = len(value) == 0 if isinstance(value, list | tuple | set | QuerySet) else False
        if name != "ordering" and value is not None and value != "" and not empty:
            active.add(name)
    return active


def _unfiltered_key(filterset: CooperationFilterSet) -> str | None:
    """The cache key of this scope's unfiltered counts, or None if a filter is invalid
    (its counts leave it out, they are not those of the unfiltered registry)."""
    if not filterset.form.is_valid():
        return None
    # The scope (public, staff) is the queryset's own SQL; labels follow the language.
    digest = scope_digest(filterset.queryset)
    return f"registry-facets:{registry_version()}:{get_language()}:{digest}"


def _selection(filterset: CooperationFilterSet, names: set[str]) -> QuerySet:
    """Primary keys of the records of the scope matching the valid filters `names`."""
    queryset = filterset.queryset.all().prefetch_related(None)
    for name, value in filterset.form.cleaned_data.items():
        if name in names:
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset.order_by().values("pk")


def _raw_values(filterset: CooperationFilterSet, name: str) -> set[str]:
    value = filterset.form[name].value()
    if value in (None, ""):
        return set()
    return {str(item) for item in ([value] if isinstance(value, str) else value)}
