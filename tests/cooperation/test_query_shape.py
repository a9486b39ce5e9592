"""The shape of the registry's list queries: the partner count only when sorting by it,
never in the paginator's count (tests of performance that hold without timing anything)."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cooperation.filters import CooperationFilterSet
from cooperation.models import Cooperation

PARTNERSHIP_TABLE = "cooperation_partnership"


def _filtered(query: str):
    return CooperationFilterSet(QueryDict(query), queryset=Cooperation.objects.published()).qs


@pytest.mark.parametrize("query", ["", "ordering=title", "q=brest", "theme=mobility&status=active"])
def test_the_list_and_its_count_leave_partnerships_alone_unless_sorting_by_them(registry, query):
    queryset = _filtered(query)
    with CaptureQueriesContext(connection) as queries:
        count = queryset.count()
        list(queryset[:20])

    assert count >= 1
    for executed in queries.captured_queries:
        sql = executed["sql"]
        assert "GROUP BY" not in sql.upper(), sql
        assert "partner_count" not in sql, sql


@pytest.mark.parametrize("ordering", ["partners", "-partners"])
def test_sorting_by_partners_counts_them_in_the_page_query_but_not_in_the_count(registry, ordering):
    queryset = _filtered(f"ordering={ordering}")
    with CaptureQueriesContext(connection) as queries:
        queryset.count()
    (count_sql,) = [executed["sql"] for executed in queries.captured_queries]
    assert "GROUP BY" not in count_sql.upper()
    assert PARTNERSHIP_TABLE not in count_sql

    counts = [record.partner_count for record in queryset]
    assert counts == sorted(counts, reverse=ordering.startswith("-"))


def test_list_page_count_has_no_join_on_partnerships(client, registry):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cooperations/")
    assert response.status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert counts
    assert not [
        sql
        for sql in counts
        if sql.upper().startswith("SELECT COUNT(*)") and ("GROUP BY" in sql.upper())
    ]


def test_api_list_queries_do_not_count_partners(client, registry):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/cooperations/")
    assert response.status_code == 200
    for executed in queries.captured_queries:
        assert "partner_count" not in executed["sql"], executed["sql"]
        assert "GROUP BY" not in executed["sql"].upper(), executed["sql"]


def _counts(facets) -> dict:
    return {name: {o.value: o.count for o in facet.options} for name, facet in facets.items()}


def test_unfiltered_facet_counts_are_cached_per_scope(
    registry, staff_user, django_assert_max_num_queries
):
    from cooperation.facets import facet_counts

    public = _counts(facet_counts(QueryDict(""), Cooperation.objects.visible_to(None)))
    with django_assert_max_num_queries(0):
        again = _counts(facet_counts(QueryDict(""), Cooperation.objects.visible_to(None)))
    assert again == public
    staff = _counts(facet_counts(QueryDict(""), Cooperation.objects.visible_to(staff_user)))
    assert sum(staff["status"].values()) == sum(public["status"].values()) + 1
    # A filtered selection is always counted.
    filtered = facet_counts(QueryDict("status=active"), Cooperation.objects.visible_to(None))
    assert _counts(filtered)["status"] == public["status"]


def test_no_stale_unfiltered_count_after_a_save(registry, themes):
    from cooperation.facets import facet_counts
    from cooperation.services import cooperation_update

    def unfiltered():
        return _counts(facet_counts(QueryDict(""), Cooperation.objects.visible_to(None)))

    before = unfiltered()
    draft = Cooperation.objects.get(is_published=False)
    cooperation_update(cooperation=draft, is_published=True)
    after = unfiltered()
    assert sum(after["status"].values()) == sum(before["status"].values()) + 1

    published = Cooperation.objects.published().first()
    published.themes.add(themes["economic-development"])
    assert unfiltered()["theme"]["economic-development"] == (
        after["theme"]["economic-development"] + 1
    )

    published.partnerships.exclude(role="lead").last().delete()
    partner_kinds = unfiltered()["partner_kind"]
    for kind, count in partner_kinds.items():
        expected = _filtered(f"partner_kind={kind}").count()
        assert count == expected, kind
