"""Filters that the apps built on the registry add to its one FilterSet.

The registry must not import those apps (territories ← cooperation ← surveys), yet some
selections of records are defined by them: the census's "records from the validated
responses of a campaign" is known only to the survey app, through its promotions. So
the dependency is inverted, as for the territory pages' sections (`territories.sections`):
an app registers a filter here from its `AppConfig.ready()`, and it becomes a filter of
`CooperationFilterSet` like any declared one — on /cooperations/ and its exports, the
API and its OpenAPI schema, the statistics and the network, which all read that class.

A contributed filter also says how the pages present it, since only its app can name its
values: the options of a select box on /statistiques/ (none for a visitor who is not
offered the choice), the label of its removable tag on /cooperations/, and the sentence
that /statistiques/ shows while it applies. The registry never names the registering app;
without it, the FilterSet has no such filter.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters


def _no_options(user) -> list[tuple[str, str]]:
    return []


@dataclass(frozen=True)
class ContributedFilter:
    name: str  # the query parameter
    filter: django_filters.Filter  # a filter whose `method` is a callable (no FilterSet method)
    # (value, label) options of the statistics page's select box for this user; none: the
    # select box is not shown to them (the parameter still works in the address).
    options: Callable[[Any], list[tuple[str, str]]] = _no_options
    # The option that means "no filter" in that select box.
    empty_label: str = ""
    # (cleaned value, user) → the label of the filter's tag on /cooperations/.
    tag: Callable[[Any, Any], str] = lambda value, user: str(value)
    # (cleaned value, user) → the sentence /statistiques/ shows while the filter applies.
    summary: Callable[[Any, Any], str] = lambda value, user: str(value)


_registry: dict[str, ContributedFilter] = {}


def register_filter(contributed: ContributedFilter) -> None:
    """Add a filter to `CooperationFilterSet` (registering the same name replaces it; a
    name the FilterSet declares itself is refused)."""
    from .filters import CooperationFilterSet

    filters = CooperationFilterSet.base_filters
    if contributed.name in filters and contributed.name not in _registry:
        raise ValueError(f"CooperationFilterSet already has a filter {contributed.name!r}")
    if not callable(contributed.filter.method):
        raise ValueError("A contributed filter's method must be a callable.")
    filters[contributed.name] = contributed.filter
    _registry[contributed.name] = contributed


def contributed_filters() -> list[ContributedFilter]:
    """The registered filters, in registration order."""
    return list(_registry.values())


def applied(filterset) -> list[tuple[ContributedFilter, Any]]:
    """(filter, cleaned value) of each contributed filter that a bound and valid FilterSet
    applies."""
    if not filterset.is_valid():
        return []
    cleaned = filterset.form.cleaned_data
    return [
        (contributed, cleaned[contributed.name])
        for contributed in _registry.values()
        if cleaned.get(contributed.name) not in (None, "", [], ())
    ]


def carried(query, shown: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(name, value) of each contributed filter in `query` that a form does not show as a
    control: its hidden inputs, so that applying the form's other filters keeps it."""
    return [
        (contributed.name, value)
        for contributed in _registry.values()
        if contributed.name not in shown
        for value in query.getlist(contributed.name)
        if value != ""
    ]
