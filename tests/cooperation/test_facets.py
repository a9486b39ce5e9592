"""Facet counts of /cooperations/ (cooperation.facets): drill-down semantics, agreement
with the shared FilterSet, and a fixed number of queries."""

import pytest
from django.http import QueryDict

from cooperation.facet_index import SOURCES, facet_index, facet_index_clear
from cooperation.facets import FACETS, facet_counts
from cooperation.filters import CooperationFilterSet
from cooperation.models import Cooperation


def counts(data: str = "", user=None) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} for the values worth showing."""
    facets = facet_counts(QueryDict(data), Cooperation.objects.visible_to(user))
    return {
        name: {option.value: option.count for option in facet.visible_options}
        for name, facet in facets.items()
    }


def test_facets_count_each_value_over_the_published_records(registry):
    assert counts() == {
        "metropolis": {"242900314": 2, "244200770": 2},
        "theme": {"mobility": 1, "tourism": 2, "economic-development": 1},
        "instrument": {"reciprocity_contract": 1, "metropolitan_pole": 1, "association_network": 1},
        "status": {"active": 2, "ended": 1},
        "difficulty": {},  # the fixture's records declare no difficulties
        "partner_kind": {"department": 1, "epci": 3, "grouping": 1, "foreign": 1},
        "partner_category": {"CA": 1, "METRO": 3, "PAYS": 1, "OTHER": 1},
        "relation": {"reference": 3, "same_department": 2, "other_region": 1, "foreign": 1},
        "distance": {},  # no contours imported: no distances
        "region": {"84": 2, "53": 2},
    }


def test_facets_count_the_unpublished_record_for_staff_only(registry, staff_user):
    assert "planned" not in counts()["status"]
    assert counts(user=staff_user)["status"] == {"planned": 1, "active": 2, "ended": 1}
    assert counts(user=staff_user)["relation"]["member"] == 1


def test_a_facet_ignores_its_own_filter_but_narrows_the_others(registry):
    result = counts("status=active")

    # Its own values still count over every record, so that another can be added (OR)…
    assert result["status"] == {"active": 2, "ended": 1}
    # …while the other facets count only the active records (AND).
    assert result["theme"] == {"mobility": 1, "tourism": 2}
    assert result["region"] == {"53": 2, "84": 1}
    assert result["instrument"] == {"reciprocity_contract": 1, "association_network": 1}


def test_facets_combine_search_and_start_years_with_the_other_filters(registry):
    result = counts("q=cork&start_year_min=2019")

    assert result["metropolis"] == {"242900314": 1, "244200770": 1}
    assert result["partner_kind"] == {"epci": 1, "foreign": 1}


def test_ticked_values_come_first_and_stay_shown_even_without_records(registry):
    facets = facet_counts(
        QueryDict("status=active&theme=economic-development"),
        Cooperation.objects.visible_to(None),
    )

    theme = facets["theme"]
    assert theme.visible_options[0].value == "economic-development"
    assert theme.visible_options[0].selected
    assert theme.visible_options[0].count == 0  # no active record has that theme
    assert facets["status"].labels["ended"] == "Terminée"


def test_invalid_filters_are_left_out_of_the_counts(registry):
    result = counts("metropolis=000000000&start_year_min=abc&status=ended")

    assert result["theme"] == {"economic-development": 1}
    assert result["metropolis"] == {"244200770": 1}


@pytest.mark.parametrize(
    "data",
    ["", "status=active", "theme=tourism&region=84", "q=brest", "relation=same_department"],
)
def test_every_count_is_the_number_of_results_with_that_value_alone_for_its_facet(registry, data):
    queryset = Cooperation.objects.visible_to(None)
    facets = facet_counts(QueryDict(data), queryset)

    for name in FACETS:
        for option in facets[name].options:
            alone = QueryDict(data, mutable=True)
            alone.setlist(name, [option.value])
            expected = CooperationFilterSet(alone, queryset=queryset).qs.count()
            assert option.count == expected, (name, option.value)


@pytest.mark.parametrize("count", [3, 30])
def test_facet_counts_take_a_fixed_number_of_queries_whatever_the_number_of_records(
    many_cooperations, django_assert_max_num_queries, count
):
    many_cooperations(count)
    data = QueryDict("metropolis=242900314&region=53&theme=mobility&status=active")

    # The index, once per registry version and process: one query per table it reads
    # (records, partners, theme links, partners' régions, declared difficulties) and the
    # lists of métropoles, themes and régions.
    facet_index_clear()
    with django_assert_max_num_queries(len(SOURCES) + 3):
        facet_index()
    # A request: the records of the scope (once per index), nothing for the four facet
    # filters (their records are in the index), and the validation of the métropole,
    # région and theme codes.
    with django_assert_max_num_queries(1 + 3):
        facets = facet_counts(data, Cooperation.objects.visible_to(None))
    # Another filter (the search): one query for the records it keeps.
    with django_assert_max_num_queries(1 + 3):
        searched = facet_counts(
            QueryDict(data.urlencode() + "&q=cooperation"), Cooperation.objects.all()
        )

    assert {o.value: o.count for o in facets["theme"].visible_options} == {"mobility": count}
    assert {o.value: o.count for o in searched["theme"].visible_options} == {"mobility": count}
