"""The facet index: for each facet of /cooperations/ and each of its values, the set of
records having that value, so that a facet count is an intersection, not a query.

Each set is a Python `int` used as a bitset (bit i set = record i has the value). The
index is built from one query per facet returning (value, record id) pairs over the whole
registry — each facet's definition lives here, once (`PAIRS`), with the same joins as the
filter it counts for (`cooperation.filters`) — and kept in this process's memory under
the registry's version (`cooperation.cache_version`): every write to what it counts moves
the version on, and the next request builds the index afresh; `TIMEOUT` is the safety net
for writes that send no signal. Only the current version is kept.

The index holds every record, published or not: a count is always the intersection with
a selection that comes from the visibility scope (`Cooperation.objects.visible_to`), so
one index serves visitors and staff alike; each scope's own set of records (the unfiltered
selection) is added to it on first use.
"""

import hashlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, CharField, F, QuerySet, Value, When

from territories.models import Containment, Territory, TerritoryCategory, TerritoryKind

from .cache_version import registry_version
from .filters import DistanceBand, distance_condition
from .models import Cooperation, CooperationStatus, Instrument, PartnerRelation, Partnership, Theme

TIMEOUT = 600  # seconds: rebuilt at least this often, whatever the version says

Counted = list[tuple[str, str, int]]  # (value, label, count)
# A label: a text (a territory's name), a lazy translation (a choice) or, for a theme,
# its (label_fr, label_en), read in the language of the request.
Label = object


# Bitsets ----------------------------------------------------------------------------------


def bitset(ids: Iterable[int]) -> int:
    """The bitset of the record ids `ids`: one byte array, then one conversion (linear,
    unlike `bits |= 1 << i`, which copies the whole integer at every id)."""
    ids = list(ids)
    if not ids:
        return 0
    buffer = bytearray((max(ids) >> 3) + 1)
    for record in ids:
        buffer[record >> 3] |= 1 << (record & 7)
    return int.from_bytes(buffer, "little")


def selected_ids(queryset: QuerySet) -> int:
    """The bitset of the primary keys `queryset` (a `values("pk")`) selects: one query."""
    rows = _rows(*_sql(queryset), using=queryset.db)
    return bitset(row[0] for row in rows)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def _rows(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# What each facet counts: (value, record id) pairs over the whole registry ------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _record_field(name: str) -> Callable[[], QuerySet]:
    return lambda: Cooperation.objects.order_by().values_list(name, "pk")


def _partner_field(expression) -> Callable[[], QuerySet]:
    """Records with at least one partner having each value of `expression`."""
    return lambda: (
        Partnership.objects.order_by()
        .annotate(facet_key=expression)
        .exclude(facet_key=None)
        .values_list("facet_key", "cooperation_id")
        .distinct()
    )


def _metropolises() -> QuerySet:
    """Records in which each métropole is a partner (as the `metropolis` filter reads it)."""
    return (
        Partnership.objects.order_by()
        .filter(territory__in=Territory.objects.metropolises())
        .values_list("territory_id", "cooperation_id")
    )


def _themes() -> QuerySet:
    """Records with each theme (the link table holds each pair once)."""
    return Cooperation.themes.through.objects.order_by().values_list("theme_id", "cooperation_id")


def _distance_band():
    """Each partner's distance band, as the `distance` filter reads them (they do not
    overlap; no distance, no band)."""
    return Case(
        *(When(distance_condition(value), then=Value(value)) for value in DistanceBand.values),
        default=None,
        output_field=CharField(),
    )


def _regions() -> tuple[str, tuple]:
    """Records with a partner that is, or lies in, each région (as the `region` filter):
    each partner with its own row if it is a région, else the région containing it (outer
    join on the containments whose container is a région). Joins only."""
    partnership, territory, containment = (
        _table(Partnership),
        _table(Territory),
        _table(Containment),
    )
    region = TerritoryKind.REGION.value
    sql = (
        "SELECT DISTINCT CASE WHEN t.kind = %s THEN t.id ELSE c.container_id END AS facet_key, "
        "p.cooperation_id "
        f"FROM {partnership} p JOIN {territory} t ON t.id = p.territory_id "
        f"LEFT JOIN ({containment} c JOIN {territory} r ON r.id = c.container_id AND r.kind = %s) "
        "ON c.content_id = p.territory_id AND t.kind <> %s "
        "WHERE t.kind = %s OR c.container_id IS NOT NULL"
    )
    return sql, (region, region, region, region)


# facet -> its (value, record id) pairs: a queryset, or raw SQL with its parameters.
PAIRS: dict[str, Callable[[], QuerySet | tuple[str, tuple]]] = {
    "metropolis": _metropolises,
    "theme": _themes,
    "instrument": _record_field("instrument"),
    "status": _record_field("status"),
    "partner_kind": _partner_field(F("territory__kind")),
    "partner_category": _partner_field(F("territory__category")),
    "relation": _partner_field(F("relation")),
    "distance": _partner_field(_distance_band()),
    "region": _regions,
}


# What each facet offers, in the page's order: (key in the pairs, value, label) ------------


def _territories(territories: QuerySet) -> list[tuple]:
    return list(territories.order_by("search_name", "code").values_list("pk", "code", "name"))


def _theme_options() -> list[tuple]:
    themes = Theme.objects.order_by("position", "code").values_list(
        "pk", "code", "label_fr", "label_en"
    )
    return [(pk, code, (label_fr, label_en)) for pk, code, label_fr, label_en in themes]


def _choices(choices) -> Callable[[], list[tuple]]:
    return lambda: [(value, value, label) for value, label in choices]


OPTIONS: dict[str, Callable[[], list[tuple]]] = {
    "metropolis": lambda: _territories(Territory.objects.metropolises()),
    "theme": _theme_options,
    "instrument": _choices(Instrument.choices),
    "status": _choices(CooperationStatus.choices),
    "partner_kind": _choices(TerritoryKind.choices),
    "partner_category": _choices(TerritoryCategory.choices),
    "relation": _choices(PartnerRelation.choices),
    "distance": _choices(DistanceBand.choices),
    "region": lambda: _territories(Territory.objects.of_kind(TerritoryKind.REGION)),
}


def _label(label: Label) -> str:
    if isinstance(label, tuple):
        label_fr, label_en = label
        return str(Theme(label_fr=label_fr, label_en=label_en).label)
    return str(label)


# The index --------------------------------------------------------------------------------


def scope_digest(queryset: QuerySet) -> str:
    """A visibility scope (public, staff) told apart by its queryset's own SQL."""
    scope = str(queryset.order_by().values("pk").query)
    return hashlib.sha256(scope.encode()).hexdigest()[:16]


@dataclass
class FacetIndex:
    version: int
    built_at: float  # time.monotonic()
    build_s: float
    # facet -> [(value, label, bitset of the records having it)], in the page's order
    options: dict[str, list[tuple[str, Label, int]]]
    scopes: dict[str, int] = field(default_factory=dict)  # scope digest -> its records

    def scope(self, queryset: QuerySet) -> int:
        """The records of the visibility scope `queryset` (one query on first use)."""
        digest = scope_digest(queryset)
        if digest not in self.scopes:
            self.scopes[digest] = selected_ids(queryset.order_by().values("pk"))
        return self.scopes[digest]

    def counts(self, name: str, selection: int) -> Counted:
        """Each value of facet `name` with the number of records of `selection` (a bitset)
        having it."""
        return [
            (value, _label(label), (records & selection).bit_count())
            for value, label, records in self.options[name]
        ]

    def having(self, name: str, values: Iterable[str]) -> int | None:
        """The records having any of `values` for facet `name` (as its filter keeps them),
        or None if one of the values is not in the index (newer than it)."""
        known = {value: records for value, _label, records in self.options[name]}
        union = 0
        for value in values:
            if value not in known:
                return None
            union |= known[value]
        return union

    def is_current(self, version: int) -> bool:
        return self.version == version and time.monotonic() - self.built_at < TIMEOUT


def _pairs(name: str) -> list[tuple]:
    pairs = PAIRS[name]()
    if isinstance(pairs, QuerySet):
        return _rows(*_sql(pairs), using=pairs.db)
    return _rows(*pairs)


def facet_index_build(version: int) -> FacetIndex:
    """One query per facet (its pairs) and one per reference list (métropoles, themes,
    régions)."""
    began = time.perf_counter()
    options = {}
    for name in PAIRS:
        records = defaultdict(list)
        for key, record in _pairs(name):
            records[key].append(record)
        options[name] = [
            (value, label, bitset(records.get(key, ()))) for key, value, label in OPTIONS[name]()
        ]
    return FacetIndex(
        version=version,
        built_at=time.monotonic(),
        build_s=time.perf_counter() - began,
        options=options,
    )


_current: FacetIndex | None = None
_lock = threading.Lock()


def facet_index() -> FacetIndex:
    """This process's index for the current registry version, built if needed (once,
    whatever the number of threads asking)."""
    global _current
    version = registry_version()  # read before building: a write meanwhile moves it on
    index = _current
    if index is not None and index.is_current(version):
        return index
    with _lock:
        index = _current
        if index is None or not index.is_current(version):
            index = _current = facet_index_build(version)
    return index


def facet_index_clear() -> None:
    """Forget this process's index (the next request builds it)."""
    global _current
    with _lock:
        _current = None
