"""The facet index (cooperation.facet_index): its counts equal the SQL aggregates it
replaced, and no count, filtered or not, is stale after a write through the services."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from cooperation.difficulties import DifficultyType, difficulty_types
from cooperation.facet_index import bitset, facet_index
from cooperation.facets import FACETS, facet_counts
from cooperation.filters import CooperationFilterSet
from cooperation.models import Cooperation, PartnerRole, Partnership, Theme
from cooperation.services import (
    PartnerInput,
    cooperation_update,
    partnership_add,
    partnership_remove,
)
from tests.cooperation.facet_aggregates import aggregate_counts

SELECTIONS = [
    "",
    "status=active",
    "theme=tourism&region=84",
    "q=brest",
    "relation=same_department",
    "metropolis=242900314&theme=mobility",
    "distance=under-25",
    "distance=25-50&distance=over-200&partner_kind=epci",
    "region=53&partner_kind=commune",
    "instrument=charter&status=active&theme=mobility",
    "start_year_min=2016&partner_category=CA",
    "has_funding=false&metropolis=244200770",
    "metropolis=000000000&region=53",  # an invalid filter, left out
    "difficulty=funding",
    "difficulty=legal&difficulty=other&status=active",
    "difficulty=governance&q=brest&region=84",
    "difficulty=skills&partner_kind=commune",
]


def counts(data: str, queryset) -> dict[str, dict[str, int]]:
    facets = facet_counts(QueryDict(data), queryset)
    return {name: {o.value: o.count for o in facet.options} for name, facet in facets.items()}


# Declared difficulties and, by hand, their types: capitals, accents (precomposed and
# decomposed), a text of two types, one of none ("other"), and records declaring none.
DIFFICULTIES = {
    "brest_quimper": ("Cadre JURIDIQUE incertain, budget voté tard.", {"legal", "funding"}),
    "saint_etienne_pole": ("Désaccord entre les élus.", {"governance"}),
    "ocean_network": ("Calendrier difficile ; l’information circule mal.", {"other"}),
    "guipavas_draft": ("Manque d’ingénierie.", {"skills"}),  # staff only
    0: ("RÉGLEMENTATION trop rigide.", {"legal"}),
    1: ("Absence de financement dédié.", {"funding"}),
    2: ("Re\u0301glementation ; peu de savoir-faire.", {"legal", "skills"}),
}


@pytest.fixture
def varied_registry(registry, many_cooperations):
    """The four records of `registry`, five more with four partners each, distances on
    every partner but the leads (none, then each band in turn), and the difficulties of
    `DIFFICULTIES` declared through the services (the last two records declare none)."""
    many = many_cooperations(5, partners=4)
    distances = [None, Decimal(10), Decimal(30), Decimal(70), Decimal(150), Decimal(400)]
    others = Partnership.objects.exclude(role=PartnerRole.LEAD).order_by("pk")
    for number, partnership in enumerate(others):
        partnership.distance_km = distances[number % len(distances)]
        partnership.save(update_fields=["distance_km"])
    records = {**registry, **dict(enumerate(many))}
    for key, (text, _kinds) in DIFFICULTIES.items():
        cooperation_update(cooperation=records[key], difficulties=text)
    return registry


@pytest.mark.parametrize("staff", [False, True], ids=["public", "staff"])
@pytest.mark.parametrize("data", SELECTIONS)
def test_the_index_counts_what_the_sql_aggregates_counted(varied_registry, data, staff):
    scope = Cooperation.objects.all() if staff else Cooperation.objects.published()

    assert counts(data, scope) == aggregate_counts(data, scope)


def test_the_fixture_gives_every_facet_something_to_count(varied_registry):
    scope = Cooperation.objects.all()
    for name, values in counts("", scope).items():
        assert sum(values.values()) > 0, name


def test_the_difficulty_facet_counts_the_hand_computed_types(varied_registry):
    expected = {"legal": 3, "funding": 2, "skills": 2, "governance": 1, "other": 1}

    assert counts("", Cooperation.objects.all())["difficulty"] == expected
    # The draft (skills) is counted for staff only.
    assert counts("", Cooperation.objects.published())["difficulty"] == {**expected, "skills": 1}


def test_each_difficulty_value_holds_the_records_of_that_type_by_the_rule(varied_registry):
    """Every type is in the index (a ticked type never sends the counts back to SQL as a
    value newer than it), with the records the rule in Python gives that type."""
    index = facet_index()
    texts = dict(Cooperation.objects.values_list("pk", "difficulties"))
    for kind in DifficultyType.values:
        of_kind = [pk for pk, text in texts.items() if kind in difficulty_types(text)]
        assert of_kind, kind
        assert index.having("difficulty", [kind]) == bitset(of_kind), kind
    assert index.having("difficulty", DifficultyType.values) == bitset(
        pk for pk, text in texts.items() if text
    )


def test_ticked_difficulties_are_counted_from_the_index_alone(
    varied_registry, django_assert_num_queries
):
    scope = Cooperation.objects.all()
    counts("", scope)  # the index and the scope's records are read

    with django_assert_num_queries(0):
        ticked = counts("difficulty=legal&difficulty=skills&status=active", scope)

    assert ticked == aggregate_counts("difficulty=legal&difficulty=skills&status=active", scope)


def test_bitsets_are_built_from_ids_in_any_order_with_repeats():
    assert bitset([]) == 0
    assert bitset([0]) == 1
    assert bitset([9, 3, 9, 64, 3]) == (1 << 3) | (1 << 9) | (1 << 64)
    assert bitset(range(1000)).bit_count() == 1000


def test_a_false_boolean_filter_is_a_filter_not_the_unfiltered_counts(registry):
    scope = Cooperation.objects.visible_to(None)
    cooperation_update(cooperation=registry["ocean_network"], funding="Fonds européens.")
    unfiltered = counts("", scope)  # now in the cache

    without_funding = counts("has_funding=false", scope)

    assert without_funding == aggregate_counts("has_funding=false", scope)
    assert sum(without_funding["status"].values()) == sum(unfiltered["status"].values()) - 1


# Never stale after a write --------------------------------------------------------------

WATCHED = [
    "",
    "region=53",
    "theme=tourism&status=active",
    "partner_kind=commune",
    "difficulty=funding&difficulty=other",
]


def assert_counts_are_the_lists(scope) -> None:
    """Every count of every watched selection equals the number of records the list
    shows once that value alone is ticked for its facet."""
    for data in WATCHED:
        facets = facet_counts(QueryDict(data), scope)
        for name in FACETS:
            for option in facets[name].options:
                alone = QueryDict(data, mutable=True)
                alone.setlist(name, [option.value])
                expected = CooperationFilterSet(alone, queryset=scope).qs.count()
                assert option.count == expected, (data, name, option.value)


@pytest.mark.parametrize(
    "write",
    [
        "publish",
        "add_theme",
        "remove_partner",
        "change_partner_territory",
        "add_partner",
        "declare_difficulties",
        "change_difficulties",
    ],
)
def test_no_filtered_count_is_stale_after_a_write(registry, brittany, themes, write):
    scope = Cooperation.objects.visible_to(None)
    before = {data: counts(data, scope) for data in WATCHED}
    built = facet_index()
    brest_quimper = registry["brest_quimper"]

    if write == "publish":
        cooperation_update(cooperation=registry["guipavas_draft"], is_published=True)
    elif write == "add_theme":
        cooperation_update(
            cooperation=registry["ocean_network"],
            themes=[themes["tourism"], themes["economic-development"]],
        )
    elif write == "remove_partner":
        partnership_remove(partnership=brest_quimper.partnerships.get(territory__code="PAYS-COB"))
    elif write == "add_partner":
        partnership_add(cooperation=registry["ocean_network"], territory=brittany["29075"])
    elif write == "declare_difficulties":
        cooperation_update(
            cooperation=registry["ocean_network"], difficulties="Pas de fonds ; peu d’élus."
        )
    elif write == "change_difficulties":  # declared (funding), then of no type (other)
        cooperation_update(cooperation=brest_quimper, difficulties="Financement fragile.")
        before = {data: counts(data, scope) for data in WATCHED}
        built = facet_index()
        cooperation_update(cooperation=brest_quimper, difficulties="Calendrier serré.")
    else:  # the CA of Quimper replaced by the commune of Guipavas
        cooperation_update(
            cooperation=brest_quimper,
            partners=[
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(brittany["29075"]),
                PartnerInput(brest_quimper.partnerships.get(position=2).territory),
            ],
        )

    after = {data: counts(data, scope) for data in WATCHED}
    assert facet_index() is not built  # rebuilt for the new version
    assert after != before
    assert_counts_are_the_lists(scope)


def test_a_value_newer_than_the_index_is_counted_by_sql(registry):
    scope = Cooperation.objects.visible_to(None)
    counts("", scope)  # the index is built
    # Written without a signal: the registry version, and so the index, stay as they were.
    (culture,) = Theme.objects.bulk_create([Theme(code="culture", label_fr="Culture")])
    Cooperation.themes.through.objects.bulk_create(
        [Cooperation.themes.through(cooperation=registry["brest_quimper"], theme=culture)]
    )

    counted = counts("theme=culture&status=active", scope)

    expected = aggregate_counts("theme=culture&status=active", scope)
    for name in FACETS:
        if name != "theme":  # the new theme itself is shown once the index is rebuilt
            assert counted[name] == expected[name], name
    assert sum(counted["status"].values()) == 1
