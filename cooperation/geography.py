"""The relation of each partner to a cooperation's reference métropole — containment,
contiguity and distance — computed from the reference geography, never typed by hand."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from territories.geometry.sphere import haversine_km
from territories.models import (
    Containment,
    Territory,
    TerritoryAdjacency,
    TerritoryGeometry,
    TerritoryKind,
)

from .models import PartnerRelation, PartnerRole

# Territories whose contiguity to a métropole (an EPCI) is stored as a pair: EPCI with
# EPCI, EPCI with a grouping (or a foreign authority) made of known members.
PAIRED_KINDS = (TerritoryKind.EPCI, TerritoryKind.GROUPING, TerritoryKind.FOREIGN)


def reference_metropolis(partnerships: Iterable) -> Territory | None:
    """The lead partner if it is a métropole, otherwise the first métropole partner."""
    ordered = sorted(partnerships, key=lambda p: (p.position, p.pk or 0))
    metropolises = [p for p in ordered if p.territory.is_metropolis]
    leads = [p for p in metropolises if p.role == PartnerRole.LEAD]
    chosen = leads[0] if leads else (metropolises[0] if metropolises else None)
    return chosen.territory if chosen else None


def containers_by_territory(territory_ids: Iterable[int]) -> dict[int, set[tuple[str, int]]]:
    """For each territory, its containers as (kind, id) pairs — one query."""
    result: dict[int, set[tuple[str, int]]] = defaultdict(set)
    rows = Containment.objects.filter(content_id__in=set(territory_ids)).values_list(
        "content_id", "container__kind", "container_id"
    )
    for content_id, kind, container_id in rows:
        result[content_id].add((kind, container_id))
    return result


def partner_relation(
    territory: Territory,
    metropolis: Territory | None,
    containers: dict[int, set[tuple[str, int]]],
    *,
    contiguous: bool | None = None,
) -> str:
    """The first that holds, in this order: reference, member, contiguous (`contiguous`,
    see `partner_contiguity`), same_department, same_region, other_region, foreign,
    unknown. A foreign authority is never placed in a département or région, even if
    staff gave it containers."""
    if metropolis is None:
        return PartnerRelation.UNKNOWN
    if territory.pk == metropolis.pk:
        return PartnerRelation.REFERENCE
    own = containers.get(territory.pk, set())
    if (TerritoryKind.EPCI, metropolis.pk) in own:
        return PartnerRelation.MEMBER
    if contiguous:
        return PartnerRelation.CONTIGUOUS
    if territory.kind == TerritoryKind.FOREIGN:
        return PartnerRelation.FOREIGN
    if _shares(territory, own, metropolis, containers, TerritoryKind.DEPARTMENT):
        return PartnerRelation.SAME_DEPARTMENT
    if _shares(territory, own, metropolis, containers, TerritoryKind.REGION):
        return PartnerRelation.SAME_REGION
    # "Other région" only when both régions are known: a métropole not yet placed in the
    # geography (or a partner without containers) gives no ground for a guess.
    metropolis_regions = _places(
        metropolis, containers.get(metropolis.pk, set()), TerritoryKind.REGION
    )
    if metropolis_regions and _places(territory, own, TerritoryKind.REGION):
        return PartnerRelation.OTHER_REGION
    return PartnerRelation.UNKNOWN


@dataclass(frozen=True)
class MetropolisSurroundings:
    """What contiguity needs about a métropole, read once and shared by its records: its
    representative point, its communes, the communes touching it from outside, and the
    EPCI and groupings stored as its neighbours."""

    point: tuple[float, float]
    communes: frozenset[int]
    ring: frozenset[int]
    neighbours: frozenset[int]


def metropolis_surroundings(metropolis: Territory) -> MetropolisSurroundings | None:
    """None when the métropole has no contour (no geometry import yet): contiguity and
    distances are then unknown, never guessed. Four queries."""
    point = (
        TerritoryGeometry.objects.filter(territory=metropolis)
        .values_list("point_lon", "point_lat")
        .first()
    )
    if point is None:
        return None
    communes = frozenset(
        Containment.objects.filter(
            container=metropolis, content__kind=TerritoryKind.COMMUNE
        ).values_list("content_id", flat=True)
    )
    touching = TerritoryAdjacency.objects.filter(
        Q(first_id__in=communes) | Q(second_id__in=communes)
    ).values_list("first_id", "second_id")
    ring = frozenset(pk for pair in touching for pk in pair) - communes
    neighbours = frozenset(
        Territory.objects.neighbours_of(metropolis)
        .filter(kind__in=PAIRED_KINDS)
        .values_list("pk", flat=True)
    )
    return MetropolisSurroundings(point, communes, ring, neighbours)


@dataclass(frozen=True)
class PartnerPlaces:
    """Representative points of partners, and, for partners made of communes that are
    not paired with the métropole (EPT, départements, régions), which of their communes
    lie in the métropole or along it."""

    points: dict[int, tuple[float, float]]
    communes_near: dict[int, set[int]]


def partner_places(
    territories: Iterable[Territory], surroundings: MetropolisSurroundings
) -> PartnerPlaces:
    """Two queries, whatever the number of partners."""
    territories = list(territories)
    points = {
        pk: (lon, lat)
        for pk, lon, lat in TerritoryGeometry.objects.filter(
            territory__in=[t.pk for t in territories]
        ).values_list("territory_id", "point_lon", "point_lat")
    }
    containers = [
        t.pk
        for t in territories
        if t.kind in (TerritoryKind.EPT, TerritoryKind.DEPARTMENT, TerritoryKind.REGION)
    ]
    communes_near: dict[int, set[int]] = defaultdict(set)
    if containers:
        for container_id, commune_id in Containment.objects.filter(
            container_id__in=containers,
            content_id__in=surroundings.communes | surroundings.ring,
        ).values_list("container_id", "content_id"):
            communes_near[container_id].add(commune_id)
    return PartnerPlaces(points, communes_near)


def partner_contiguity(
    territory: Territory,
    metropolis: Territory,
    surroundings: MetropolisSurroundings | None,
    places: PartnerPlaces | None,
) -> bool | None:
    """Whether the partner shares a border with the métropole without overlapping it
    (touching at a single point counts); None for the métropole itself, or when either
    has no contour."""
    if (
        surroundings is None
        or places is None
        or territory.pk == metropolis.pk
        or territory.pk not in places.points
    ):
        return None
    if territory.kind == TerritoryKind.COMMUNE:
        return territory.pk in surroundings.ring
    if territory.kind in PAIRED_KINDS:
        return territory.pk in surroundings.neighbours
    near = places.communes_near.get(territory.pk, set())
    return not (near & surroundings.communes) and bool(near & surroundings.ring)


def partner_distance_km(
    territory: Territory,
    metropolis: Territory,
    surroundings: MetropolisSurroundings | None,
    places: PartnerPlaces | None,
) -> Decimal | None:
    """Great-circle distance between the representative points of the partner and the
    métropole, in km to one decimal; None for the métropole itself or without contours."""
    if surroundings is None or places is None or territory.pk == metropolis.pk:
        return None
    point = places.points.get(territory.pk)
    if point is None:
        return None
    return Decimal(f"{haversine_km(*point, *surroundings.point):.1f}")


def _places(territory: Territory, own: set, kind: str) -> set[int]:
    """The départements (or régions) a territory lies in, itself included if it is one."""
    places = {container_id for container_kind, container_id in own if container_kind == kind}
    if territory.kind == kind:
        places.add(territory.pk)
    return places


def _shares(territory, own, metropolis, containers, kind) -> bool:
    mine = _places(territory, own, kind)
    theirs = _places(metropolis, containers.get(metropolis.pk, set()), kind)
    return bool(mine & theirs)
