"""The registry's maps: a métropole's partners on its page, a record's partners on its
page (synthetic grid of `tests/territories/geometry_fixtures.py`, EPCI X the métropole)."""

import re

import pytest
import shapely
from pytest_django.asserts import assertContains

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from territories.geometry.services import geometry_import
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place
from tests.territories.geometry_fixtures import (
    build_grid_territories,
    give_contour,
    grid_geometries,
    write_communes_file,
)


@pytest.fixture
def contours(db, tmp_path):
    grid = build_grid_territories()
    geometry_import(path=write_communes_file(tmp_path / "communes.csv", grid_geometries()))
    return grid


@pytest.fixture
def far_away(contours):
    """An EPCI near Marseille, some 900 km from the grid, in another région."""
    region = TerritoryFactory(kind=TerritoryKind.REGION, code="93", name="Provence")
    epci = TerritoryFactory(
        kind=TerritoryKind.EPCI, code="200099999", name="CA du Sud", category=TerritoryCategory.CA
    )
    place(epci, region)
    give_contour(epci, shapely.box(5.3, 43.2, 5.5, 43.4))
    give_contour(region, shapely.box(4.0, 43.0, 7.5, 45.0))
    return epci


def record(contours, *partners, title="Coopération", published=True):
    return cooperation_create(
        title=title,
        instrument=Instrument.COOPERATION_AGREEMENT,
        partners=[PartnerInput(contours["X"], PartnerRole.LEAD), *map(PartnerInput, partners)],
        is_published=published,
    )


def svgs(response) -> list[str]:
    return re.findall(r"<svg.*?</svg>", response.content.decode(), flags=re.S)


def links(svg: str) -> dict[str, str]:
    """aria-label → class of every link of a map."""
    return {
        label: css
        for css, label in re.findall(
            r'<a class="portal-map__link portal-map__shape--(\w+)" href="[^"]+" '
            r'aria-label="([^"]+)"',
            svg,
        )
    }


def test_metropolis_page_maps_members_neighbours_and_partners_by_relation(client, contours):
    record(contours, contours["Y"], contours["G"])

    response = client.get(contours["X"].get_absolute_url())

    (local,) = svgs(response)
    assert "EPCI X et ses partenaires proches" in local
    labels = list(links(local))
    assert [links(local)[label] for label in labels] == ["contiguous", "same_department"]
    assert re.fullmatch(r"EPCI Y — Contigu à la métropole, à \d+\xa0km", labels[0])
    assert re.fullmatch(r"Commune G — Même département, à \d+\xa0km", labels[1])
    # The métropole itself (this page) is drawn, not linked; its communes are background.
    assert '<g class="portal-map__shape--reference"><title>EPCI X</title>' in local
    assert local.count('<g class="portal-map__shape--member">') == 4
    assertContains(response, "Partenaires des coopérations de EPCI X (2), du plus proche")


def test_epci_touching_the_metropolis_are_drawn_as_neighbours_unless_partners(client, contours):
    record(contours, contours["G"])

    (local,) = svgs(client.get(contours["X"].get_absolute_url()))

    assert links(local)["EPCI Y (EPCI voisin)"] == "neighbour"


def test_far_partners_get_a_map_of_france(client, contours, far_away):
    record(contours, contours["Y"], far_away)

    local, france = svgs(client.get(contours["X"].get_absolute_url()))

    assert "CA du Sud" not in local
    assert "Les partenaires plus lointains de EPCI X" in france
    assert any(label.startswith("CA du Sud — Autre région, à ") for label in links(france))


def test_unpublished_records_stay_off_the_public_map(client, admin_client, contours):
    record(contours, contours["Y"], published=False)

    public = client.get(contours["X"].get_absolute_url())
    staff = admin_client.get(contours["X"].get_absolute_url())

    assert not any(label.startswith("EPCI Y —") for label in links(svgs(public)[0]))
    assert any(label.startswith("EPCI Y —") for label in links(svgs(staff)[0]))


def test_record_page_maps_its_partners_with_their_distance_in_the_table(client, contours):
    cooperation = record(contours, contours["Y"], contours["C"])

    response = client.get(cooperation.get_absolute_url())

    (local,) = svgs(response)
    assert "Les partenaires de «\xa0Coopération\xa0»" in local
    drawn = links(local)
    assert drawn["EPCI X"] == "reference"
    assert {css for label, css in drawn.items() if label != "EPCI X"} == {"contiguous"}
    rows = re.findall(r"<tr>\s*<th scope=\"row\".*?</tr>", response.text, flags=re.S)
    assert re.search(
        r"Contigu à la métropole</td>\s*<td class=\"fr-cell--right\">\d+\xa0km", rows[1]
    )


@pytest.mark.parametrize("count", [2, 8])
def test_record_page_with_maps_takes_a_bounded_number_of_queries(
    client, contours, far_away, django_assert_max_num_queries, count
):
    partners = [contours[name] for name in "YZABCDEFGH"[:count]]
    cooperation = record(contours, far_away, *partners)

    # The page's 5 (the partners' reciprocity among them), then the boxes, the départements,
    # two maps of two queries each and the régions for the map of France.
    with django_assert_max_num_queries(12):
        response = client.get(cooperation.get_absolute_url())

    assert len(svgs(response)) == 2


@pytest.mark.parametrize("count", [1, 6])
def test_metropolis_page_with_maps_takes_a_bounded_number_of_queries(
    client, contours, far_away, django_assert_max_num_queries, count
):
    for number in range(count):
        record(contours, contours["Y"], far_away, contours["G"], title=f"Coopération {number}")

    with django_assert_max_num_queries(22):
        response = client.get(contours["X"].get_absolute_url())

    assert len(svgs(response)) == 2
