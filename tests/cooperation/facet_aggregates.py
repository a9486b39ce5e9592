"""The facet counts as they were computed before the facet index: one SQL aggregate per
facet over the selection minus that facet's own filter. Kept only to check the index
against (tests/cooperation/test_facet_index.py): an independent reading of each facet."""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Case, CharField, Count, F, QuerySet, Value, When
from django.http import QueryDict

from cooperation.difficulties import DifficultyType, difficulty_condition
from cooperation.facets import FACETS
from cooperation.filters import CooperationFilterSet, DistanceBand, distance_condition
from cooperation.models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    Partnership,
    Theme,
)
from territories.models import Containment, Territory, TerritoryCategory, TerritoryKind


def aggregate_counts(data: str, queryset: QuerySet) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} for the query string `data` over `queryset` (a scope)."""
    filterset = CooperationFilterSet(QueryDict(data), queryset=queryset)
    filterset.is_valid()
    return {
        name: {
            value: count
            for value, _label, count in _COUNTERS[name](_selection_without(filterset, name))
        }
        for name in FACETS
    }


def _selection_without(filterset: CooperationFilterSet, excluded: str) -> QuerySet:
    queryset = filterset.queryset.all().prefetch_related(None)
    for name, value in filterset.form.cleaned_data.items():
        if name not in (excluded, "ordering"):
            queryset = filterset.filters[name].filter(queryset, value)
    return queryset.order_by().values("pk")


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


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def _rows(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _count_pairs(pairs: QuerySet) -> dict:
    """`pairs`: a queryset of Partnership annotated with `facet_key` (a value) and
    restricted to the selection. Returns {value: number of records with at least one
    partner having it}: the distinct (value, record) pairs, then one row per value — two
    hash aggregates rather than a sorting COUNT(DISTINCT) per value."""
    inner, params = _sql(
        pairs.exclude(facet_key=None).values_list("facet_key", "cooperation_id").distinct()
    )
    return dict(
        _rows(
            f"SELECT facet_key, COUNT(*) FROM ({inner}) AS pairs GROUP BY facet_key",
            params,
            pairs.db,
        )
    )


def _partners_of(selection: QuerySet) -> QuerySet:
    # `cooperation_id IN (selection)` in a WHERE clause: a semi-join, never a SubPlan.
    return Partnership.objects.filter(cooperation__in=selection).order_by()


def _partner_field(field: str, choices) -> Callable[[QuerySet], Counted]:
    """Records with at least one partner having each value of `field`."""

    def count(selection: QuerySet) -> Counted:
        counts = _count_pairs(_partners_of(selection).annotate(facet_key=F(field)))
        return [(value, label, counts.get(value, 0)) for value, label in choices]

    return count


def _with_counts(references: QuerySet, counts_sql: str, params) -> list[tuple]:
    """Each row of `references` (a values_list starting with the primary key and holding
    the columns of its ordering) with the count that `counts_sql` (columns facet_key,
    facet_count) gives its key, or 0, in the references' order: one query, an outer join
    between the reference list and counts grouped once."""
    quote = connections[references.db].ops.quote_name
    ordering = ", ".join(f"ref.{quote(name)}" for name in references.query.order_by)
    ref_sql, ref_params = _sql(references.order_by())
    return _rows(
        f"SELECT ref.*, COALESCE(counts.facet_count, 0) FROM ({ref_sql}) AS ref "
        f"LEFT JOIN ({counts_sql}) AS counts ON counts.facet_key = ref.pk "
        f"ORDER BY {ordering}",
        (*ref_params, *params),
        references.db,
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _themes(selection: QuerySet) -> Counted:
    """Records with each theme: the (record, theme) rows of the selection grouped by
    theme (the link table holds each pair once)."""
    through = Cooperation.themes.through
    links = through.objects.filter(cooperation_id__in=selection).order_by()
    links_sql, params = _sql(
        links.values("theme_id").annotate(facet_count=Count("*")).values("theme_id", "facet_count")
    )
    rows = _with_counts(
        Theme.objects.order_by("position", "code").values_list(
            "pk", "code", "label_fr", "label_en", "position"
        ),
        f"SELECT theme_id AS facet_key, facet_count FROM ({links_sql}) AS links",
        params,
    )
    return [
        (code, str(Theme(label_fr=label_fr, label_en=label_en).label), count)
        for _pk, code, label_fr, label_en, _position, count in rows
    ]


def _metropolises(selection: QuerySet) -> Counted:
    """Records in which each métropole is a partner (as the `metropolis` filter reads it):
    the selection's partnerships grouped by territory (one row per record and territory)."""
    partners_sql, params = _sql(
        _partners_of(selection)
        .filter(territory__in=Territory.objects.metropolises())
        .values("territory_id")
        .annotate(facet_count=Count("*"))
        .values("territory_id", "facet_count")
    )
    rows = _with_counts(
        Territory.objects.metropolises()
        .order_by("search_name", "code")
        .values_list("pk", "code", "name", "search_name"),
        f"SELECT territory_id AS facet_key, facet_count FROM ({partners_sql}) AS partners",
        params,
    )
    return [(code, name, count) for _pk, code, name, _search_name, count in rows]


def _distances(selection: QuerySet) -> Counted:
    """Records with at least one partner in each distance band (as the `distance` filter):
    each partner's band (the bands do not overlap), then the distinct (band, record) pairs."""
    band = Case(
        *(When(distance_condition(value), then=Value(value)) for value in DistanceBand.values),
        default=None,
        output_field=CharField(),
    )
    counts = _count_pairs(
        _partners_of(selection).filter(distance_km__isnull=False).annotate(facet_key=band)
    )
    return [(value, label, counts.get(value, 0)) for value, label in DistanceBand.choices]


def _regions(selection: QuerySet) -> Counted:
    """Records with a partner that is, or lies in, each région (as the `region` filter).

    One query, joins only: each partner of the selection with its own row if it is a
    région, else the région containing it (outer join on the containments whose
    container is a région); the distinct (région, record) pairs grouped by région."""
    selection_sql, selection_params = _sql(selection)
    partnership, territory, containment = (
        _table(Partnership),
        _table(Territory),
        _table(Containment),
    )
    pairs = (
        "SELECT DISTINCT CASE WHEN t.kind = %s THEN t.id ELSE c.container_id END AS facet_key, "
        "p.cooperation_id "
        f"FROM {partnership} p JOIN {territory} t ON t.id = p.territory_id "
        f"LEFT JOIN ({containment} c JOIN {territory} r ON r.id = c.container_id AND r.kind = %s) "
        "ON c.content_id = p.territory_id AND t.kind <> %s "
        f"WHERE p.cooperation_id IN ({selection_sql}) "
        "AND (t.kind = %s OR c.container_id IS NOT NULL)"
    )
    region = TerritoryKind.REGION.value
    rows = _with_counts(
        Territory.objects.of_kind(TerritoryKind.REGION)
        .order_by("search_name", "code")
        .values_list("pk", "code", "name", "search_name"),
        f"SELECT facet_key, COUNT(*) AS facet_count FROM ({pairs}) AS pairs GROUP BY facet_key",
        (region, region, region, *selection_params, region),
    )
    return [(code, name, count) for _pk, code, name, _search_name, count in rows]


def _difficulties(selection: QuerySet) -> Counted:
    """Records of each type of difficulties (as the `difficulty` filter reads them, by its
    SQL condition; a record may count in several): one aggregate, a filtered count per
    type."""
    counts = (
        Cooperation.objects.filter(pk__in=selection)
        .order_by()
        .aggregate(
            **{
                f"count_{kind}": Count("pk", filter=difficulty_condition(kind))
                for kind in DifficultyType.values
            }
        )
    )
    return [(kind, label, counts[f"count_{kind}"]) for kind, label in DifficultyType.choices]


_COUNTERS: dict[str, Callable[[QuerySet], Counted]] = {
    "metropolis": _metropolises,
    "theme": _themes,
    "instrument": _record_field("instrument", Instrument.choices),
    "status": _record_field("status", CooperationStatus.choices),
    "partner_kind": _partner_field("territory__kind", TerritoryKind.choices),
    "partner_category": _partner_field("territory__category", TerritoryCategory.choices),
    "relation": _partner_field("relation", PartnerRelation.choices),
    "distance": _distances,
    "region": _regions,
    "difficulty": _difficulties,
}
