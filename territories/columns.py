"""Columns that the apps built on the geography add to the /metropoles/ table.

The geography must not import those apps (territories ← cooperation ← surveys), yet the
table shows how many cooperations each métropole leads and sorts by that figure. So the
dependency is inverted, the way Django's admin registry works: an app registers a column
here from its `AppConfig.ready()` — a label and a function that annotates the métropoles
queryset for the current user — and `MetropolisListView` applies every registered
annotation in its one query and offers each as a sort key. The territories app never
names the registering app; without it, the table simply has no extra column.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class MetropolisColumn:
    param: str  # the `ordering` value that sorts by this column ("-param": descending)
    field: str  # the integer annotation that `annotate` adds
    label: str
    annotate: Callable[[QuerySet, object], QuerySet]  # (métropoles, user) → annotated
    description: str = ""  # what the figure counts, shown under the table


_registry: dict[str, MetropolisColumn] = {}


def register_metropolis_column(column: MetropolisColumn) -> None:
    """Add a column to the /metropoles/ table (registering the same `param` replaces it)."""
    _registry[column.param] = column


def metropolis_columns() -> list[MetropolisColumn]:
    """The registered columns, in registration order."""
    return list(_registry.values())
