import datetime

import pytest
from django.http import QueryDict

from cooperation.filters import CooperationFilterSet
from cooperation.models import Cooperation

BREST_METROPOLE = "242900314"
SAINT_ETIENNE_METROPOLE = "244200770"

# Short names for the `registry` records.
BQ, SE, ON, GD = "brest_quimper", "saint_etienne_pole", "ocean_network", "guipavas_draft"


def filterset(query: str) -> CooperationFilterSet:
    return CooperationFilterSet(QueryDict(query), queryset=Cooperation.objects.all())


def matches(registry, query: str) -> set[str]:
    """The `registry` keys of the records the query selects."""
    fs = filterset(query)
    assert fs.is_valid(), fs.errors
    by_pk = {record.pk: name for name, record in registry.items()}
    pks = list(fs.qs.values_list("pk", flat=True))
    assert len(pks) == len(set(pks)), "a record is listed twice"
    return {by_pk[pk] for pk in pks}


def ordered(registry, query: str) -> list[str]:
    fs = filterset(query)
    assert fs.is_valid(), fs.errors
    by_pk = {record.pk: name for name, record in registry.items()}
    return [by_pk[pk] for pk in fs.qs.values_list("pk", flat=True)]


# One facet at a time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {BQ, SE, ON, GD}),
        ("q=quimper", {BQ}),
        ("q=Réseau+OCEANES", {ON}),
        ("q=saint-etienne", {SE, ON}),
        ("q=guipavas", {GD}),
        (f"metropolis={BREST_METROPOLE}", {BQ, ON, GD}),
        (f"metropolis={SAINT_ETIENNE_METROPOLE}", {SE, ON}),
        ("theme=mobility", {BQ}),
        ("theme=tourism", {BQ, ON}),
        ("instrument=reciprocity_contract", {BQ}),
        ("instrument=informal", {GD}),
        ("status=active", {BQ, ON}),
        ("status=ended", {SE}),
        ("status=planned", {GD}),
        ("partner_kind=foreign", {ON}),
        ("partner_kind=grouping", {BQ}),
        ("partner_kind=department", {SE}),
        ("partner_kind=commune", {GD}),
        ("partner_category=CA", {BQ}),
        ("partner_category=PAYS", {BQ}),
        ("partner_category=METRO", {BQ, SE, ON, GD}),
        ("relation=foreign", {ON}),
        ("relation=member", {GD}),
        ("relation=other_region", {ON}),
        ("relation=same_department", {BQ, SE}),
        ("relation=same_region", set()),
        ("region=53", {BQ, ON, GD}),
        ("region=84", {SE, ON}),
        ("start_year_min=2016", {BQ, ON}),
        ("start_year_min=2017", {ON}),
        ("start_year_max=2016", {BQ, SE}),
        ("start_year_max=2011", set()),
    ],
)
def test_each_facet_alone_selects_its_records(registry, query, expected):
    assert matches(registry, query) == expected


def test_region_facet_includes_a_region_that_is_itself_a_partner(brittany, registry):
    from cooperation.services import partnership_add

    partnership_add(cooperation=registry[SE], territory=brittany["bretagne"])
    assert matches(registry, "region=53") == {BQ, SE, ON, GD}


# Several values of one facet: either ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"metropolis={BREST_METROPOLE}&metropolis={SAINT_ETIENNE_METROPOLE}", {BQ, SE, ON, GD}),
        ("theme=mobility&theme=economic-development", {BQ, SE}),
        ("theme=mobility&theme=tourism", {BQ, ON}),
        ("instrument=informal&instrument=metropolitan_pole", {SE, GD}),
        ("status=planned&status=ended", {SE, GD}),
        ("partner_kind=foreign&partner_kind=commune", {ON, GD}),
        ("partner_category=CA&partner_category=METRO", {BQ, SE, ON, GD}),
        ("relation=foreign&relation=member", {ON, GD}),
        ("region=53&region=84", {BQ, SE, ON, GD}),
    ],
)
def test_several_values_of_one_facet_select_any_of_them(registry, query, expected):
    assert matches(registry, query) == expected


# Several facets: all of them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=53&instrument=association_network", {ON}),
        ("region=84&status=ended", {SE}),
        ("theme=tourism&status=active&start_year_min=2017", {ON}),
        (f"metropolis={BREST_METROPOLE}&relation=member", {GD}),
        (f"metropolis={BREST_METROPOLE}&partner_kind=foreign&q=oceanes", {ON}),
        ("start_year_min=2012&start_year_max=2016", {BQ, SE}),
        ("theme=mobility&theme=tourism&relation=foreign", {ON}),
        ("q=quimper&status=ended", set()),
    ],
)
def test_different_facets_must_all_match(registry, query, expected):
    assert matches(registry, query) == expected


# Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("metropolis=999999999", "metropolis"),
        ("metropolis=242900694", "metropolis"),  # an EPCI that is not a métropole
        ("theme=nope", "theme"),
        ("instrument=treaty", "instrument"),
        ("status=sleeping", "status"),
        ("partner_kind=planet", "partner_kind"),
        ("partner_category=XX", "partner_category"),
        ("relation=next_door", "relation"),
        ("region=99", "region"),
        ("region=29", "region"),  # a département code
        ("start_year_min=abc", "start_year_min"),
        ("start_year_min=1800", "start_year_min"),
        ("start_year_max=3000", "start_year_max"),
        ("ordering=population", "ordering"),
    ],
)
def test_invalid_value_makes_the_filterset_invalid_naming_the_field(registry, query, field):
    fs = filterset(query)
    assert not fs.is_valid()
    assert list(fs.errors) == [field]


# Ordering --------------------------------------------------------------------------------


@pytest.fixture
def updated(registry):
    """Distinct `updated_at` values: GD oldest, then SE, BQ, ON."""
    for days, name in enumerate([GD, SE, BQ, ON]):
        Cooperation.objects.filter(pk=registry[name].pk).update(
            updated_at=datetime.datetime(2024, 1, 1 + days, tzinfo=datetime.UTC)
        )
    return registry


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", [ON, BQ, SE, GD]),  # default: most recent start first, undated last
        ("start", [SE, BQ, ON, GD]),
        ("-start", [ON, BQ, SE, GD]),
        ("title", [BQ, GD, SE, ON]),
        ("-title", [ON, SE, GD, BQ]),
        ("partners", [GD, SE, BQ, ON]),  # 2, 2, 3, 3; ties by title
        ("-partners", [BQ, ON, GD, SE]),
        ("updated", [GD, SE, BQ, ON]),
        ("-updated", [ON, BQ, SE, GD]),
        ("-partners,-start", [ON, BQ, SE, GD]),
    ],
)
def test_ordering_by_each_key_in_both_directions(updated, ordering, expected):
    query = f"ordering={ordering}" if ordering else ""
    assert ordered(updated, query) == expected


def test_undated_records_come_last_in_both_directions(registry):
    assert ordered(registry, "ordering=start")[-1] == GD
    assert ordered(registry, "ordering=-start")[-1] == GD


def test_qs_sorted_by_partners_is_annotated_with_the_partner_count(registry):
    qs = filterset("theme=tourism&ordering=-partners").qs
    counts = {record.pk: record.partner_count for record in qs}
    assert counts == {registry[BQ].pk: 3, registry[ON].pk: 3}


def test_qs_not_sorted_by_partners_does_not_count_them(registry):
    assert "partner_count" not in filterset("theme=tourism").qs.query.annotations


def test_unbound_filterset_lists_everything_most_recent_first(registry):
    fs = CooperationFilterSet(queryset=Cooperation.objects.published())
    assert [record.title for record in fs.qs] == [
        registry[ON].title,
        registry[BQ].title,
        registry[SE].title,
    ]


def test_filtering_runs_a_bounded_number_of_queries(registry, django_assert_max_num_queries):
    query = (
        f"q=brest&metropolis={BREST_METROPOLE}&theme=tourism&theme=mobility&instrument=informal"
        "&instrument=reciprocity_contract&status=active&partner_kind=grouping"
        "&partner_category=PAYS&relation=same_department&region=53&start_year_min=2000"
        "&start_year_max=2030&ordering=-partners"
    )
    # Form validation checks each model choice (métropole, themes, région), then one query.
    with django_assert_max_num_queries(4):
        fs = filterset(query)
        assert [record.title for record in fs.qs] == [registry[BQ].title]
