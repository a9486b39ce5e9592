"""The facet index: for each facet of /cooperations/ and each of its values, the set of
records having that value, so that a facet count is an intersection, not a query.

Each set is a Python `int` used as a bitset (bit i set = record i has the value). The
index is built from one query per table over the whole registry (`SOURCES`: records,
partners, theme links, partners' régions), each of its columns one facet's definition,
written once, with the same joins as the filter it stands for (`cooperation.filters`).
It is kept in this process's memory under the registry's version
(`cooperation.cache_version`): every write to what it counts moves the version on, and
the next request builds the index afresh; `TIMEOUT` is the safety net for writes that
send no signal. Only the current version is kept.

A facet filter's records are the union of its ticked values' sets; the page's selections
(each minus one facet's own filter) are intersections of those with the records the other
filters keep (search, years…: one query), or with the visibility scope's
(`Cooperation.objects.visible_to`, one query per scope, kept in the index). The index
itself holds every record, published or not: one index serves visitors and staff alike.
"""

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    QuerySet,
    Value,
    When,
)

from territories.models import Containment, Territory, TerritoryCategory, TerritoryKind

from .cache_version import registry_version
from .difficulties import DifficultyType, difficulty_condition
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


# What each facet counts: one query per table over the whole registry ---------------------


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _records() -> QuerySet:
    """Each record's form (`instrument`) and status (`status`)."""
    return Cooperation.objects.order_by().values_list("pk", "instrument", "status")


def _partners() -> QuerySet:
    """Each partner of each record, with, as the filters read them: its territory (the
    `metropolis` filter: a métropole partner — the métropoles are the facet's options),
    the territory's kind and category (`partner_kind`, `partner_category`), its relation
    to the métropole (`relation`) and its distance band (`distance`). A record counts for
    a value if at least one of its partners has it."""
    return (
        Partnership.objects.order_by()
        .annotate(band=_distance_band())
        .values_list(
            "cooperation_id",
            "territory_id",
            "territory__kind",
            "territory__category",
            "relation",
            "band",
        )
    )


def _distance_band():
    """A partner's distance band, as the `distance` filter reads them (they do not
    overlap; no distance, no band)."""
    return Case(
        *(When(distance_condition(value), then=Value(value)) for value in DistanceBand.values),
        default=None,
        output_field=CharField(),
    )


def _themes() -> QuerySet:
    """Each record's themes (`theme`; the link table holds each pair once)."""
    return Cooperation.themes.through.objects.order_by().values_list("cooperation_id", "theme_id")


def _regions() -> tuple[str, tuple]:
    """The régions of each record's partners (`region`): a partner that is, or lies in, a
    région — its own row if it is one, else the région containing it (outer join on the
    containments whose container is a région). Joins only."""
    partnership, territory, containment = (
        _table(Partnership),
        _table(Territory),
        _table(Containment),
    )
    region = TerritoryKind.REGION.value
    sql = (
        "SELECT DISTINCT p.cooperation_id, "
        "CASE WHEN t.kind = %s THEN t.id ELSE c.container_id END AS facet_key "
        f"FROM {partnership} p JOIN {territory} t ON t.id = p.territory_id "
        f"LEFT JOIN ({containment} c JOIN {territory} r ON r.id = c.container_id AND r.kind = %s) "
        "ON c.content_id = p.territory_id AND t.kind <> %s "
        "WHERE t.kind = %s OR c.container_id IS NOT NULL"
    )
    return sql, (region, region, region, region)


def _difficulties() -> QuerySet:
    """Each record's types of difficulties (`difficulty`): one column per type, whether
    the record is of it by the `difficulty` filter's own condition
    (`cooperation.difficulties.difficulty_condition`), evaluated by the database as the
    filter is. Only the records declaring difficulties: one declaring none has no type,
    not even "other"."""
    return (
        Cooperation.objects.exclude(difficulties="")
        .order_by()
        .values_list(
            "pk",
            *(
                ExpressionWrapper(difficulty_condition(kind), output_field=BooleanField())
                for kind in DifficultyType.values
            ),
        )
    )


def _difficulty_rows(rows: list[tuple]) -> list[tuple]:
    """(record, type) for each type a row of `_difficulties` says the record is of (a
    record may be of several)."""
    return [
        (record, kind)
        for record, *matches in rows
        for kind, matched in zip(DifficultyType.values, matches, strict=True)
        if matched
    ]


@dataclass(frozen=True)
class Source:
    """One query over the whole registry: rows of a record id, then one column per facet
    of `facets` (the key of a value of that facet the record has, or NULL). `rows`, if
    given, turns each chunk of the query's rows into such rows (for a facet of which a
    record may have several values without a table of its own: the types of its text)."""

    facets: tuple[str, ...]
    query: Callable[[], QuerySet | tuple[str, tuple]]  # a queryset, or SQL and parameters
    rows: Callable[[list[tuple]], list[tuple]] | None = None


# What each facet counts, written once: one scan per table for all the facets it holds.
SOURCES = (
    Source(("instrument", "status"), _records),
    Source(("metropolis", "partner_kind", "partner_category", "relation", "distance"), _partners),
    Source(("theme",), _themes),
    Source(("region",), _regions),
    Source(("difficulty",), _difficulties, rows=_difficulty_rows),
)


# What each facet offers, in the page's order: (key in its column, value, label) ----------


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
    "difficulty": _choices(DifficultyType.choices),
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


CHUNK = 10_000  # rows fetched at a time while building: never the whole table in Python


def _chunks(source: Source) -> Iterator[list[tuple]]:
    query = source.query()
    if isinstance(query, QuerySet):
        (sql, params), using = _sql(query), query.db
    else:
        (sql, params), using = query, DEFAULT_DB_ALIAS
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            yield source.rows(rows) if source.rows else rows


def _fill(source: Source, buffers: list[dict]) -> None:
    """Set each row's record in the bit buffer of each column's key, for the keys of
    `buffers` (one {key: bytearray} per column, the facet's options; NULLs and other
    keys, e.g. partners that are not métropoles, left out)."""
    for rows in _chunks(source):
        for position, column in enumerate(buffers, start=1):
            for row in rows:
                buffer = column.get(row[position])
                if buffer is None:
                    continue
                record = row[0]
                try:
                    buffer[record >> 3] |= 1 << (record & 7)
                except IndexError:  # grown geometrically: ids come in any order
                    buffer.extend(bytes(max((record >> 3) + 1 - len(buffer), len(buffer))))
                    buffer[record >> 3] |= 1 << (record & 7)


def facet_index_build(version: int) -> FacetIndex:
    """One query per source (`SOURCES`), read in chunks, and one per reference list
    (métropoles, themes, régions; the choices' lists need none)."""
    began = time.perf_counter()
    options = {}
    for source in SOURCES:
        offered = {name: OPTIONS[name]() for name in source.facets}
        buffers = [{key: bytearray() for key, _v, _l in offered[name]} for name in source.facets]
        _fill(source, buffers)
        for name, column in zip(source.facets, buffers, strict=True):
            options[name] = [
                (value, label, int.from_bytes(column[key], "little"))
                for key, value, label in offered[name]
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
