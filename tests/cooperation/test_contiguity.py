"""Contiguity and distance of each partner to the reference métropole, on the synthetic
grid of `tests/territories/geometry_fixtures.py` (EPCI X is the métropole)."""

from decimal import Decimal

import pytest
from django.http import QueryDict

from cooperation.facets import facet_counts
from cooperation.filters import CooperationFilterSet
from cooperation.models import (
    Cooperation,
    Instrument,
    PartnerRelation,
    PartnerRole,
    Partnership,
)
from cooperation.services import (
    PartnerInput,
    cooperation_create,
    cooperation_geography_refresh,
    registry_geography_refresh,
)
from territories.geometry.services import geometry_import
from territories.geometry.sphere import haversine_km
from territories.models import Containment, TerritoryCategory, TerritoryGeometry, TerritoryKind
from tests.factories import TerritoryFactory
from tests.territories.geometry_fixtures import (
    build_grid_territories,
    grid_geometries,
    write_communes_file,
)


@pytest.fixture
def grid(db):
    return build_grid_territories()


@pytest.fixture
def contours(grid, tmp_path):
    """The grid's contours, imported."""
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    return grid


def with_partners(grid, *names, title="Coopération de test"):
    return cooperation_create(
        title=title,
        instrument=Instrument.COOPERATION_AGREEMENT,
        partners=[
            PartnerInput(grid["X"], PartnerRole.LEAD),
            *(PartnerInput(grid[name]) for name in names),
        ],
    )


def facts(cooperation) -> dict[str, tuple]:
    return {
        p.territory.name: (p.relation, p.is_contiguous, p.distance_km)
        for p in cooperation.partnerships.select_related("territory")
    }


def point(territory) -> tuple[float, float]:
    return TerritoryGeometry.objects.get(territory=territory).representative_point


def test_an_epci_touching_the_metropolis_is_contiguous_before_same_department(contours):
    cooperation = with_partners(contours, "Y")

    relation, contiguous, distance = facts(cooperation)["EPCI Y"]
    assert (relation, contiguous) == (PartnerRelation.CONTIGUOUS, True)
    expected = haversine_km(*point(contours["Y"]), *point(contours["X"]))
    assert distance == Decimal(f"{expected:.1f}")


def test_an_epci_touching_only_a_neighbour_is_not_contiguous(contours):
    cooperation = with_partners(contours, "Z")

    assert facts(cooperation)["EPCI Z"][:2] == (PartnerRelation.SAME_REGION, False)


def test_communes_along_the_border_are_contiguous_even_by_a_corner(contours):
    cooperation = with_partners(contours, "C", "F", "H", "G")

    result = facts(cooperation)
    assert result["Commune C"][:2] == (PartnerRelation.CONTIGUOUS, True)
    assert result["Commune F"][:2] == (PartnerRelation.CONTIGUOUS, True)  # a corner of B
    assert result["Commune H"][:2] == (PartnerRelation.SAME_REGION, False)
    assert result["Commune G"][:2] == (PartnerRelation.SAME_DEPARTMENT, False)  # the island


def test_a_member_commune_is_a_member_with_a_distance_never_contiguous(contours):
    cooperation = with_partners(contours, "A")

    relation, contiguous, distance = facts(cooperation)["Commune A"]
    assert (relation, contiguous) == (PartnerRelation.MEMBER, False)
    assert distance > 0


def test_the_reference_metropolis_has_neither_contiguity_nor_distance(contours):
    cooperation = with_partners(contours, "Y")

    assert facts(cooperation)["EPCI X"] == (PartnerRelation.REFERENCE, None, None)


def test_departments_and_regions_touch_when_they_hold_a_commune_along_the_border(contours):
    cooperation = with_partners(contours, "22", "29", "53")

    result = facts(cooperation)
    # 22 holds only H, which touches F (in Y), not X.
    assert result["Côtes-d’Armor"][:2] == (PartnerRelation.SAME_REGION, False)
    # A container of the métropole overlaps it: not contiguous.
    assert result["Finistère"][:2] == (PartnerRelation.SAME_DEPARTMENT, False)
    assert result["Bretagne"][:2] == (PartnerRelation.SAME_REGION, False)


def test_a_department_holding_a_commune_along_the_border_is_contiguous(contours):
    # Move C (along X) into the Côtes-d'Armor.
    Containment.objects.filter(content=contours["C"], container=contours["29"]).update(
        container=contours["22"]
    )

    cooperation = with_partners(contours, "22")

    assert facts(cooperation)["Côtes-d’Armor"][:2] == (PartnerRelation.CONTIGUOUS, True)


def test_a_grouping_touches_through_its_members_and_without_members_stays_unknown(grid, tmp_path):
    pays = TerritoryFactory(
        kind=TerritoryKind.GROUPING, code="PAYS-Y", name="Pays Y", category=TerritoryCategory.PAYS
    )
    Containment.objects.create(container=pays, content=grid["Y"])  # its member EPCI
    loose = TerritoryFactory(kind=TerritoryKind.GROUPING, code="LIBRE", name="Sans membres")
    grid.update(pays=pays, loose=loose)
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))

    cooperation = with_partners(grid, "pays", "loose")

    result = facts(cooperation)
    assert result["Pays Y"][:2] == (PartnerRelation.CONTIGUOUS, True)
    assert result["Sans membres"] == (PartnerRelation.UNKNOWN, None, None)


def test_without_contours_contiguity_and_distance_stay_empty(grid):
    cooperation = with_partners(grid, "Y", "A")

    result = facts(cooperation)
    assert result["EPCI Y"] == (PartnerRelation.SAME_DEPARTMENT, None, None)
    assert result["Commune A"] == (PartnerRelation.MEMBER, None, None)


def test_a_geometry_import_recomputes_the_registry(grid, tmp_path):
    cooperation = with_partners(grid, "Y")
    assert facts(cooperation)["EPCI Y"][0] == PartnerRelation.SAME_DEPARTMENT

    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))

    assert facts(cooperation)["EPCI Y"][:2] == (PartnerRelation.CONTIGUOUS, True)


def test_refreshing_many_records_reads_each_metropolis_once(
    contours, django_assert_max_num_queries
):
    for number in range(10):
        with_partners(contours, "Y", "C", "22", title=f"Coopération {number}")

    # Per record: its savepoint and release, partners, containers, partner points and
    # communes, the record's update (relations are up to date already); the métropole's 4
    # queries once; the records themselves.
    with django_assert_max_num_queries(1 + 4 + 10 * 7):
        assert registry_geography_refresh() == 10


def test_refreshing_a_record_takes_a_fixed_number_of_queries(
    contours, django_assert_max_num_queries
):
    small = with_partners(contours, "Y")
    large = with_partners(contours, "Y", "Z", "A", "C", "F", "H", "22", "53", title="Grande")

    with django_assert_max_num_queries(12) as small_queries:
        cooperation_geography_refresh(cooperation=small)
    with django_assert_max_num_queries(len(small_queries.captured_queries) + 1):
        cooperation_geography_refresh(cooperation=large)


def test_distances_are_stored_to_one_decimal(contours):
    cooperation = with_partners(contours, "G")

    distance = Partnership.objects.get(cooperation=cooperation, territory=contours["G"]).distance_km
    assert distance == distance.quantize(Decimal("0.1"))
    assert Decimal("38") < distance < Decimal("44")  # G lies 0.55° east of X's middle


@pytest.fixture
def spread(contours):
    """Three records of the métropole X: with a member (about 5 km), with the island G
    (about 41 km), and with no partner but itself."""
    return {
        "near": with_partners(contours, "A", title="Proche"),
        "far": with_partners(contours, "G", title="Lointaine"),
        "alone": with_partners(contours, title="Seule"),
    }


def titles(data: str) -> set[str]:
    queryset = Cooperation.objects.all()
    return set(
        CooperationFilterSet(QueryDict(data), queryset=queryset).qs.values_list("title", flat=True)
    )


def test_distance_filter_keeps_records_with_a_partner_in_one_of_the_bands(spread):
    assert titles("distance=under-25") == {"Proche"}
    assert titles("distance=25-50") == {"Lointaine"}
    assert titles("distance=under-25&distance=25-50") == {"Proche", "Lointaine"}
    assert titles("distance=over-200") == set()


def test_distance_bands_include_their_lower_bound_only(contours):
    record = with_partners(contours, "A", title="Bornes")
    partnership = record.partnerships.get(territory=contours["A"])
    for distance, band in (("24.9", "under-25"), ("25.0", "25-50"), ("200.0", "over-200")):
        Partnership.objects.filter(pk=partnership.pk).update(distance_km=Decimal(distance))
        assert titles(f"distance={band}") == {"Bornes"}, distance


def test_distance_filter_rejects_an_unknown_band():
    filterset = CooperationFilterSet(QueryDict("distance=far"), queryset=Cooperation.objects.all())

    assert not filterset.is_valid()
    assert "distance" in filterset.errors


def test_distance_facet_counts_records_per_band(spread):
    facets = facet_counts(QueryDict(""), Cooperation.objects.all())

    counts = {option.value: option.count for option in facets["distance"].options}
    assert counts == {"under-25": 1, "25-50": 1, "50-100": 0, "100-200": 0, "over-200": 0}
    assert facets["distance"].options[0].label == "Moins de 25\xa0km"


def test_contiguous_relation_is_a_facet_value(spread, contours):
    with_partners(contours, "Y", title="Voisine")

    facets = facet_counts(QueryDict(""), Cooperation.objects.all())

    assert {o.value: o.count for o in facets["relation"].visible_options}["contiguous"] == 1
    assert titles("relation=contiguous") == {"Voisine"}
