"""The plans of the registry's list and facet queries over a few thousand records: no
subquery that is, or becomes on a larger registry, rescanned once per row (PostgreSQL's
SubPlan, non-hashed or hashed only while it fits in memory; SQLite's correlated
subquery), whose cost grows with the square of the registry. Semi-joins and joins only."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cooperation.facet_index import SOURCES, facet_index_clear
from cooperation.facets import facet_counts
from cooperation.filters import CooperationFilterSet
from cooperation.models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    PartnerRelation,
    PartnerRole,
    Partnership,
)

RECORDS = 3000

QUERIES = [
    "",
    "q=brest",
    "metropolis=242900314&theme=mobility",
    "region=53&partner_kind=commune",
    "status=active&distance=under-25&relation=member",
    "ordering=title&page=3",
]


@pytest.fixture
def large_registry(brittany, themes):
    """RECORDS published records (a tenth unpublished), 3 partners each: Brest Métropole
    as lead or Saint-Étienne Métropole, a commune, the Finistère or the Loire."""
    metropolises = [brittany["brest_metropole"], brittany["saint_etienne_metropole"]]
    communes = [brittany[code] for code in ("29019", "29075", "29212", "29232", "42218")]
    departments = [brittany["finistere"], brittany["loire"]]
    instruments = Instrument.values
    statuses = CooperationStatus.values
    records = Cooperation.objects.bulk_create(
        Cooperation(
            title=f"Coopération {number:05d}",
            slug=f"cooperation-{number:05d}",
            instrument=instruments[number % len(instruments)],
            status=statuses[number % len(statuses)],
            is_published=number % 10 != 0,
            metropolis=metropolises[number % 2],
            search_text=f"cooperation {number:05d} {'brest' if number % 2 == 0 else 'loire'}",
        )
        for number in range(RECORDS)
    )
    partners = []
    for number, record in enumerate(records):
        for position, (territory, relation) in enumerate(
            [
                (metropolises[number % 2], PartnerRelation.REFERENCE),
                (communes[number % len(communes)], PartnerRelation.MEMBER),
                (departments[number % 2], PartnerRelation.SAME_DEPARTMENT),
            ]
        ):
            partners.append(
                Partnership(
                    cooperation=record,
                    territory=territory,
                    role=PartnerRole.LEAD if position == 0 else PartnerRole.PARTNER,
                    relation=relation,
                    position=position,
                    distance_km=None if position == 0 else Decimal(number % 300),
                )
            )
    Partnership.objects.bulk_create(partners)
    theme_list = list(themes.values())
    Cooperation.themes.through.objects.bulk_create(
        Cooperation.themes.through(cooperation=record, theme=theme_list[number % len(theme_list)])
        for number, record in enumerate(records)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return records


def _registry_queries(query: str) -> list[tuple[str, tuple]]:
    """The SQL of the list page's count and page queries, of the facet index's build and of
    the facet counts' selections for `query`."""
    queryset = Cooperation.objects.visible_to(None)
    filterset = CooperationFilterSet(QueryDict(query), queryset=queryset)
    facet_index_clear()  # its queries (over the whole registry) are checked too
    with CaptureQueriesContext(connection) as captured:
        assert filterset.is_valid(), filterset.errors
        listed = filterset.qs.with_stable_order()
        listed.count()
        list(listed[40:60])
        facet_counts(QueryDict(query), queryset)
    return [(executed["sql"], ()) for executed in captured.captured_queries]


def _rescanned_subplans(sql: str) -> list[str]:
    """The per-row subqueries of the plan of `sql` (already interpolated by the capture)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As on a large registry: subqueries whose result would not fit in memory
            # are not hashed, and are rescanned for every row.
            cursor.execute("SET LOCAL work_mem = '64kB'")
            # VERBOSE shows where each SubPlan is used, "(hashed SubPlan 1)" when hashed.
            cursor.execute(f"EXPLAIN (VERBOSE) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # A hashed SubPlan is one only while the selection fits in work_mem: on a
            # large registry the same query is planned with it rescanned per row (the
            # page that never answered at 340,000 records). So none at all.
            hashed = set(re.findall(r"hashed SubPlan (\d+)", plan))
            return [
                f"SubPlan {number}" + (" (hashed here)" if number in hashed else "")
                for number in re.findall(r"^\s*SubPlan (\d+)\s*$", plan, re.MULTILINE)
            ]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall() if "CORRELATED" in row[-1]]


@pytest.mark.parametrize("query", QUERIES)
def test_no_list_or_facet_query_rescans_a_subquery_per_row(large_registry, query):
    queries = _registry_queries(query)
    assert len(queries) >= 2 + len(SOURCES)
    for sql, _params in queries:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        assert _rescanned_subplans(sql) == [], sql


def test_the_facets_over_a_few_thousand_records_count_right(large_registry):
    facets = facet_counts(QueryDict("metropolis=242900314"), Cooperation.objects.published())
    published = [record for record in large_registry if record.is_published]
    brest = [record for number, record in enumerate(large_registry) if number % 2 == 0]
    brest_published = [record for record in brest if record.is_published]

    metropolis = {option.value: option.count for option in facets["metropolis"].options}
    assert metropolis == {
        "242900314": len(brest_published),
        "244200770": len(published) - len(brest_published),
    }
    regions = {option.value: option.count for option in facets["region"].options}
    in_loire = [r for n, r in enumerate(large_registry) if n % 2 == 0 and n % 5 == 4]
    assert regions == {
        "53": len(brest_published),
        "84": len([record for record in in_loire if record.is_published]),
    }
    assert sum(option.count for option in facets["theme"].options) == len(brest_published)


@pytest.mark.parametrize(
    "query", ["ordering=title", "ordering=-start", "q=cooperation 01234", "q=Coopération 0012"]
)
def test_the_page_query_can_be_read_from_an_index(large_registry, query):
    """The default orders read the page from an index; the search on PostgreSQL goes
    through the trigram index on `search_text` (SQLite keeps its scan)."""
    filterset = CooperationFilterSet(QueryDict(query), queryset=Cooperation.objects.published())
    searching = "q=" in query
    # The search: the rows it matches (all records, as staff see them, so that no other
    # index competes); the orders: the page.
    queryset = (
        Cooperation.objects.search(QueryDict(query)["q"]).values("pk")
        if searching
        else filterset.qs[:20]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Whether an index *can* serve the query, not whether it is cheaper on this
            # small table.
            cursor.execute("SET LOCAL enable_seqscan = off")
            if not searching:
                cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            expected = "cooperation_search_trgm" if searching else "_order"
            assert expected in plan, plan
            assert "Seq Scan on cooperation_cooperation" not in plan, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            if not searching:
                assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert filterset.qs.exists()


def test_the_search_still_ignores_accents_and_case(large_registry):
    filterset = CooperationFilterSet(
        QueryDict("q=COOPÉRATION 0123"), queryset=Cooperation.objects.published()
    )
    assert {record.title for record in filterset.qs} == {
        record.title for record in large_registry if record.is_published and "0123" in record.title
    }
