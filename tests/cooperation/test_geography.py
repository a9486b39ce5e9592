import pytest

from cooperation.geography import containers_by_territory, partner_relation, reference_metropolis
from cooperation.models import Instrument, PartnerRelation, PartnerRole, Partnership
from cooperation.services import PartnerInput, cooperation_create
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place


@pytest.fixture
def morbihan(brittany):
    """Morbihan (56), in Bretagne, with Lorient Agglomération."""
    department = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="56", name="Morbihan")
    place(department, brittany["bretagne"])
    lorient = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="200042174",
        name="Lorient Agglomération",
        category=TerritoryCategory.CA,
    )
    place(lorient, department, brittany["bretagne"])
    return {"morbihan": department, "lorient": lorient}


def relations_of(cooperation) -> dict[str, str]:
    return {p.territory.name: p.relation for p in cooperation.partnerships.all()}


def create(partners, title="Coopération de test"):
    return cooperation_create(
        title=title, instrument=Instrument.COOPERATION_AGREEMENT, partners=partners
    )


def test_reference_metropolis_is_reference(brittany):
    cooperation = create([PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD)])
    assert relations_of(cooperation) == {"Brest Métropole": PartnerRelation.REFERENCE}


def test_commune_of_the_metropolis_is_member(brittany):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["29019"])]
    )
    assert relations_of(cooperation)["Brest"] == PartnerRelation.MEMBER


def test_epci_in_the_same_department_is_same_department(brittany):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["quimper_agglo"])]
    )
    assert relations_of(cooperation)["CA Quimper Bretagne Occidentale"] == (
        PartnerRelation.SAME_DEPARTMENT
    )


def test_commune_outside_the_metropolis_in_its_department_is_same_department(brittany):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["29232"])]
    )
    assert relations_of(cooperation)["Quimper"] == PartnerRelation.SAME_DEPARTMENT


def test_partner_in_same_region_other_department_is_same_region(brittany, morbihan):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(morbihan["lorient"])]
    )
    assert relations_of(cooperation)["Lorient Agglomération"] == PartnerRelation.SAME_REGION


def test_partner_in_other_region_is_other_region(brittany):
    cooperation = create(
        [
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
            PartnerInput(brittany["saint_etienne_metropole"]),
            PartnerInput(brittany["42218"]),
            PartnerInput(brittany["loire"]),
            PartnerInput(brittany["aura"]),
        ]
    )
    relations = relations_of(cooperation)
    assert relations["Saint-Étienne Métropole"] == PartnerRelation.OTHER_REGION
    assert relations["Saint-Étienne"] == PartnerRelation.OTHER_REGION
    assert relations["Loire"] == PartnerRelation.OTHER_REGION
    assert relations["Auvergne-Rhône-Alpes"] == PartnerRelation.OTHER_REGION


def test_foreign_partner_is_foreign(brittany, cork):
    cooperation = create([PartnerInput(brittany["brest_metropole"]), PartnerInput(cork)])
    assert relations_of(cooperation)["Cork City Council"] == PartnerRelation.FOREIGN


def test_foreign_partner_is_foreign_even_when_placed_in_a_region(brittany, cork):
    place(cork, brittany["bretagne"])
    cooperation = create([PartnerInput(brittany["brest_metropole"]), PartnerInput(cork)])
    assert relations_of(cooperation)["Cork City Council"] == PartnerRelation.FOREIGN


def test_grouping_without_containers_is_unknown(brittany):
    state = TerritoryFactory(kind=TerritoryKind.GROUPING, code="ETAT", name="État")
    cooperation = create([PartnerInput(brittany["brest_metropole"]), PartnerInput(state)])
    assert relations_of(cooperation)["État"] == PartnerRelation.UNKNOWN


def test_grouping_placed_in_the_department_is_same_department(brittany, pays_cob):
    cooperation = create([PartnerInput(brittany["brest_metropole"]), PartnerInput(pays_cob)])
    assert relations_of(cooperation)["Pays du Centre Ouest Bretagne"] == (
        PartnerRelation.SAME_DEPARTMENT
    )


def test_grouping_placed_only_in_the_region_is_same_region(brittany):
    association = TerritoryFactory(
        kind=TerritoryKind.GROUPING, code="ASSO-BZH", name="Association bretonne"
    )
    place(association, brittany["bretagne"])
    cooperation = create([PartnerInput(brittany["brest_metropole"]), PartnerInput(association)])
    assert relations_of(cooperation)["Association bretonne"] == PartnerRelation.SAME_REGION


def test_department_containing_the_metropolis_is_same_department(brittany):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["finistere"])]
    )
    assert relations_of(cooperation)["Finistère"] == PartnerRelation.SAME_DEPARTMENT


def test_region_containing_the_metropolis_is_same_region(brittany):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["bretagne"])]
    )
    assert relations_of(cooperation)["Bretagne"] == PartnerRelation.SAME_REGION


def test_department_of_the_same_region_is_same_region(brittany, morbihan):
    cooperation = create(
        [PartnerInput(brittany["brest_metropole"]), PartnerInput(morbihan["morbihan"])]
    )
    assert relations_of(cooperation)["Morbihan"] == PartnerRelation.SAME_REGION


def test_partners_of_a_metropolis_missing_from_the_geography_are_unknown(brittany):
    """No région for the métropole: "other région" would be a guess."""
    unplaced = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="200099999",
        name="Métropole sans rattachement",
        category=TerritoryCategory.METRO,
    )
    cooperation = create([PartnerInput(unplaced), PartnerInput(brittany["quimper_agglo"])])
    assert relations_of(cooperation) == {
        "Métropole sans rattachement": PartnerRelation.REFERENCE,
        "CA Quimper Bretagne Occidentale": PartnerRelation.UNKNOWN,
    }


def test_lead_metropolis_is_the_reference_even_when_listed_last(brittany):
    cooperation = create(
        [
            PartnerInput(brittany["saint_etienne_metropole"]),
            PartnerInput(brittany["quimper_agglo"]),
            PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
        ]
    )
    assert cooperation.metropolis == brittany["brest_metropole"]
    relations = relations_of(cooperation)
    assert relations["Brest Métropole"] == PartnerRelation.REFERENCE
    assert relations["Saint-Étienne Métropole"] == PartnerRelation.OTHER_REGION


def test_first_metropolis_partner_is_the_reference_when_the_lead_is_not_a_metropolis(brittany):
    cooperation = create(
        [
            PartnerInput(brittany["quimper_agglo"], PartnerRole.LEAD),
            PartnerInput(brittany["saint_etienne_metropole"]),
            PartnerInput(brittany["brest_metropole"]),
        ]
    )
    assert cooperation.metropolis == brittany["saint_etienne_metropole"]
    assert relations_of(cooperation)["CA Quimper Bretagne Occidentale"] == (
        PartnerRelation.OTHER_REGION
    )


def test_reference_metropolis_follows_positions_not_creation_order(brittany):
    cooperation = create(
        [
            PartnerInput(brittany["brest_metropole"]),
            PartnerInput(brittany["saint_etienne_metropole"]),
        ]
    )
    partnerships = list(cooperation.partnerships.select_related("territory"))
    partnerships[0].position, partnerships[1].position = 1, 0
    assert reference_metropolis(partnerships) == brittany["saint_etienne_metropole"]


def test_reference_metropolis_is_none_without_metropolis(brittany):
    partnership = Partnership(territory=brittany["quimper_agglo"], role=PartnerRole.LEAD)
    assert reference_metropolis([partnership]) is None


def test_relation_without_metropolis_is_unknown(brittany):
    containers = containers_by_territory([brittany["quimper_agglo"].pk])
    assert partner_relation(brittany["quimper_agglo"], None, containers) == (
        PartnerRelation.UNKNOWN
    )


def test_containers_are_read_in_one_query(brittany, django_assert_num_queries):
    ids = [t.pk for t in brittany.values()]
    with django_assert_num_queries(1):
        containers = containers_by_territory(ids)
    assert containers[brittany["29019"].pk] == {
        (TerritoryKind.EPCI, brittany["brest_metropole"].pk),
        (TerritoryKind.DEPARTMENT, brittany["finistere"].pk),
        (TerritoryKind.REGION, brittany["bretagne"].pk),
    }
