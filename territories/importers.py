"""Reading and checking the official reference files (`@etalab/decoupage-administratif`).

This module only parses and validates; `territories.services.reference_data_import`
writes. A problem in any file raises `ValidationError` naming the file and the record,
before anything touches the database.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from .models import TerritoryKind

DEFAULT_SNAPSHOT = Path(__file__).resolve().parent / "data" / "decoupage-administratif-6.0.0"
FILES = ("regions", "departements", "communes", "epci", "ept")
EPCI_CATEGORIES = {"CC", "CA", "CU", "METRO", "MET69"}
# Column limits of `Territory`: checked here because SQLite does not enforce varchar
# lengths and PostgreSQL would fail with a bare DataError instead of naming the record.
MAX_LENGTHS = {"code": 16, "nom": 200, "siren": 9}
MAX_POPULATION = 2**31 - 1  # PositiveIntegerField on PostgreSQL
MAX_SOURCE_LENGTH, MAX_VINTAGE_LENGTH = 100, 40


@dataclass(frozen=True)
class TerritoryRecord:
    kind: str
    code: str
    name: str
    category: str = ""
    siren: str = ""
    population: int | None = None
    postal_codes: tuple[str, ...] = ()
    vintage: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass
class ReferenceData:
    """Everything one release describes: territories and (transitive) containments.

    With a département scope, `records` holds only what touches those départements, but
    the containments of an EPCI or EPT kept in scope list *every* département and région
    its members lie in, so a partial import never drops the EPCI's links outside the scope
    (containers not in the database yet are skipped by the writer).
    """

    source: str
    records: dict[tuple[str, str], TerritoryRecord] = field(default_factory=dict)
    containments: set[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=set)


def _locate(source: Path) -> Path:
    """Accept the snapshot folder, an npm `package/` folder or its `data/` folder."""
    if (source / "data").is_dir() and not _has_file(source, "communes"):
        return source / "data"
    return source


def _has_file(folder: Path, stem: str) -> bool:
    return (folder / f"{stem}.json").exists() or (folder / f"{stem}.json.gz").exists()


def _read_json(folder: Path, stem: str) -> list[dict]:
    plain, packed = folder / f"{stem}.json", folder / f"{stem}.json.gz"
    if packed.exists():
        path, opener = packed, gzip.open
    elif plain.exists():
        path, opener = plain, open
    else:
        raise ValidationError(f"{stem}.json: file not found in {folder}")
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        # A truncated gzip raises EOFError, a corrupt one zlib.error: neither is an OSError.
        raise ValidationError(f"{path.name}: not valid JSON ({error})") from error
    if not isinstance(data, list):
        raise ValidationError(f"{path.name}: expected a list of records")
    return data


def _source_label(folder: Path) -> tuple[str, dict]:
    """`package@version` from the snapshot manifest or the npm package.json, if any."""
    for candidate in (folder / "manifest.json", folder.parent / "package.json"):
        if candidate.exists():
            try:
                meta = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ValidationError(f"{candidate.name}: not valid JSON ({error})") from error
            if not isinstance(meta, dict) or not isinstance(meta.get("vintages", {}), dict):
                raise ValidationError(f"{candidate.name}: expected an object")
            name = meta.get("package") or meta.get("name") or "decoupage-administratif"
            label, vintages = f"{name}@{meta.get('version', '?')}", meta.get("vintages", {})
            break
    else:
        label, vintages = folder.name, {}
    # Stored in `Territory.source` / `.vintage`: same reason as MAX_LENGTHS.
    if len(label) > MAX_SOURCE_LENGTH:
        raise ValidationError(
            f"source label '{label}' is longer than {MAX_SOURCE_LENGTH} characters"
        )
    for stem, vintage in vintages.items():
        if not isinstance(vintage, str) or len(vintage) > MAX_VINTAGE_LENGTH:
            raise ValidationError(
                f"{candidate.name}: vintages.{stem} must be text of at most "
                f"{MAX_VINTAGE_LENGTH} characters (a short label; describe it elsewhere)"
            )
    return label, vintages


class _Checker:
    """Field access that names the file and record when something is wrong."""

    def __init__(self, stem: str):
        self.stem = stem

    def text(self, record: dict, index: int, key: str, *, required: bool = True) -> str:
        if not isinstance(record, dict):
            raise ValidationError(f"{self.stem}.json, record #{index + 1}: not an object")
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise ValidationError(
                f"{self.stem}.json, record #{index + 1} ({self.label(record)}): "
                f"field '{key}' must be text"
            )
        # Strip before testing for emptiness: a blank code would otherwise reach the
        # database and break the "code not empty" constraint instead of being reported.
        value = (value or "").strip()
        if not value:
            if required:
                raise ValidationError(
                    f"{self.stem}.json, record #{index + 1} ({self.label(record)}): "
                    f"missing field '{key}'"
                )
            return ""
        limit = MAX_LENGTHS.get(key)
        if limit and len(value) > limit:
            raise ValidationError(
                f"{self.stem}.json, record #{index + 1} ({self.label(record)}): "
                f"field '{key}' is longer than {limit} characters"
            )
        return value

    def count(self, record: dict, index: int, key: str) -> int | None:
        value = record.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= MAX_POPULATION
        ):
            raise ValidationError(
                f"{self.stem}.json, record #{index + 1} ({self.label(record)}): "
                f"field '{key}' must be a non-negative integer"
            )
        return value

    def unique(self, seen, code: str, record: dict, index: int) -> None:
        """A code listed twice would silently overwrite the first record."""
        if code in seen:
            raise ValidationError(
                f"{self.stem}.json, record #{index + 1} ({self.label(record)}): "
                f"code '{code}' appears more than once"
            )

    @staticmethod
    def label(record: dict) -> str:
        return f"code {record.get('code', '?')}, {record.get('nom', '?')}"


def read_reference_data(
    source: Path | None = None, *, departments: set[str] | None = None
) -> ReferenceData:
    """Parse and check one release; keep only what touches `departments` when given."""
    folder = _locate(Path(source) if source else DEFAULT_SNAPSHOT)
    if not folder.is_dir():
        raise ValidationError(f"{folder}: not a folder")
    label, vintages = _source_label(folder)
    raw = {stem: _read_json(folder, stem) for stem in FILES}
    data = ReferenceData(source=label)

    regions = _read_regions(raw["regions"], vintages.get("regions", ""))
    departments_by_code = _read_departments(raw["departements"], regions, vintages)
    communes, commune_places = _read_communes(raw["communes"], departments_by_code, vintages)

    if departments:
        unknown = sorted(departments - departments_by_code.keys())
        if unknown:
            raise ValidationError(f"Unknown département code(s): {', '.join(unknown)}")
        in_scope = departments
    else:
        in_scope = set(departments_by_code)

    _keep_areas(data, regions, departments_by_code, communes, commune_places, in_scope)
    for code, record in communes.items():
        department_code, region_code = commune_places[code]
        if department_code in in_scope:
            data.records[record.key] = record
            data.containments.add((record.key, (TerritoryKind.DEPARTMENT, department_code)))
            data.containments.add((record.key, (TerritoryKind.REGION, region_code)))
    for stem, kind in (("epci", TerritoryKind.EPCI), ("ept", TerritoryKind.EPT)):
        groups = _read_groups(raw[stem], stem, kind, communes, vintages)
        _keep_groups(data, groups, commune_places, in_scope)
    return data


def _keep_areas(data, regions, departments_by_code, communes, commune_places, in_scope) -> None:
    """Adds to `data` the régions and départements in scope, with the population of their
    current communes, and the containment of each département in its région."""
    department_population: dict[str, int] = {}
    for code, (department_code, _region) in commune_places.items():
        population = communes[code].population or 0
        department_population[department_code] = (
            department_population.get(department_code, 0) + population
        )
    scoped_regions = {departments_by_code[d][1] for d in in_scope}
    for code, record in regions.items():
        if code in scoped_regions:
            region_departments = [d for d, (_n, r) in departments_by_code.items() if r == code]
            population = sum(department_population.get(d, 0) for d in region_departments)
            record = _with_population(record, population)
            data.records[record.key] = record
    for code, (record, region_code) in departments_by_code.items():
        if code in in_scope:
            record = _with_population(record, department_population.get(code, 0))
            data.records[record.key] = record
            data.containments.add((record.key, (TerritoryKind.REGION, region_code)))


def _keep_groups(data, groups, commune_places, in_scope) -> None:
    """Adds to `data` the groups (EPCI, EPT) with a member commune in scope, their
    départements and régions, and the membership of their communes in scope."""
    for group, members in groups:
        places = {commune_places[m] for m in members}
        if not any(department_code in in_scope for department_code, _r in places):
            continue
        data.records[group.key] = group
        # All of them, not only those in scope: see `ReferenceData`.
        for department_code, region_code in places:
            data.containments.add((group.key, (TerritoryKind.DEPARTMENT, department_code)))
            data.containments.add((group.key, (TerritoryKind.REGION, region_code)))
        for member in members:
            if commune_places[member][0] in in_scope:
                data.containments.add(((TerritoryKind.COMMUNE, member), group.key))


def _with_population(record: TerritoryRecord, population: int) -> TerritoryRecord:
    return TerritoryRecord(**{**record.__dict__, "population": population})


def _read_regions(rows: list, vintage: str) -> dict[str, TerritoryRecord]:
    check = _Checker("regions")
    regions = {}
    for index, row in enumerate(rows):
        code = check.text(row, index, "code")
        check.unique(regions, code, row, index)
        regions[code] = TerritoryRecord(
            kind=TerritoryKind.REGION,
            code=code,
            name=check.text(row, index, "nom"),
            vintage=vintage,
        )
    return regions


def _read_departments(
    rows: list, regions: dict[str, TerritoryRecord], vintages: dict
) -> dict[str, tuple[TerritoryRecord, str]]:
    check = _Checker("departements")
    departments = {}
    for index, row in enumerate(rows):
        code = check.text(row, index, "code")
        check.unique(departments, code, row, index)
        region_code = check.text(row, index, "region")
        if region_code not in regions:
            raise ValidationError(
                f"departements.json, record #{index + 1} ({check.label(row)}): "
                f"unknown région '{region_code}'"
            )
        record = TerritoryRecord(
            kind=TerritoryKind.DEPARTMENT,
            code=code,
            name=check.text(row, index, "nom"),
            vintage=vintages.get("departements", ""),
        )
        departments[code] = (record, region_code)
    return departments


def _read_communes(
    rows: list, departments: dict[str, tuple[TerritoryRecord, str]], vintages: dict
) -> tuple[dict[str, TerritoryRecord], dict[str, tuple[str, str]]]:
    """Current communes only: communes déléguées / associées and arrondissements
    municipaux are not territories of their own here (see docs/data-sources.md)."""
    check = _Checker("communes")
    communes, places = {}, {}
    for index, row in enumerate(rows):
        if check.text(row, index, "type") != "commune-actuelle":
            continue
        code = check.text(row, index, "code")
        check.unique(communes, code, row, index)
        department_code = check.text(row, index, "departement")
        if department_code not in departments:
            raise ValidationError(
                f"communes.json, record #{index + 1} ({check.label(row)}): "
                f"unknown département '{department_code}'"
            )
        postal_codes = row.get("codesPostaux") or []
        if not isinstance(postal_codes, list) or not all(isinstance(p, str) for p in postal_codes):
            raise ValidationError(
                f"communes.json, record #{index + 1} ({check.label(row)}): "
                "field 'codesPostaux' must be a list of strings"
            )
        communes[code] = TerritoryRecord(
            kind=TerritoryKind.COMMUNE,
            code=code,
            name=check.text(row, index, "nom"),
            siren=check.text(row, index, "siren", required=False),
            population=check.count(row, index, "population"),
            postal_codes=tuple(postal_codes),
            vintage=vintages.get("communes", ""),
        )
        places[code] = (department_code, departments[department_code][1])
    return communes, places


def _read_groups(rows: list, stem: str, kind: str, communes: dict, vintages: dict):
    """EPCI or EPT with their member communes; yields (record, member codes)."""
    check = _Checker(stem)
    seen = set()
    for index, row in enumerate(rows):
        code = check.text(row, index, "code")
        check.unique(seen, code, row, index)
        seen.add(code)
        if not (code.isdigit() and len(code) == 9):
            # The code is stored as the SIREN too (a 9-character column).
            raise ValidationError(
                f"{stem}.json, record #{index + 1} ({check.label(row)}): "
                "field 'code' must be a 9-digit SIREN"
            )
        category = check.text(row, index, "type")
        if kind == TerritoryKind.EPCI and category not in EPCI_CATEGORIES:
            raise ValidationError(
                f"{stem}.json, record #{index + 1} ({check.label(row)}): "
                f"unknown EPCI type '{category}'"
            )
        members = row.get("membres")
        if not isinstance(members, list) or not members:
            raise ValidationError(
                f"{stem}.json, record #{index + 1} ({check.label(row)}): no member communes"
            )
        member_codes = []
        for position, member in enumerate(members, start=1):
            if not isinstance(member, dict):
                # Reported, not an AttributeError on `member.get`.
                raise ValidationError(
                    f"{stem}.json, record #{index + 1} ({check.label(row)}): member "
                    f"#{position} ({member!r}) is not an object"
                )
            member_code = member.get("code")
            if not isinstance(member_code, str) or member_code not in communes:
                raise ValidationError(
                    f"{stem}.json, record #{index + 1} ({check.label(row)}): member "
                    f"'{member_code}' ({member.get('nom', '?')}) is not a known "
                    "current commune"
                )
            member_codes.append(member_code)
        yield (
            TerritoryRecord(
                kind=kind,
                code=code,
                name=check.text(row, index, "nom"),
                category=category if kind == TerritoryKind.EPCI else "",
                siren=code,
                population=check.count(row, index, "populationMunicipale"),
                vintage=vintages.get(stem, ""),
            ),
            member_codes,
        )
