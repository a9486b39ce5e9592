"""The relation of each partner to a cooperation's reference métropole, computed from the
reference geography (containment), never typed by hand."""

from collections import defaultdict
from collections.abc import Iterable

from territories.models import Containment, Territory, TerritoryKind

from .models import PartnerRelation, PartnerRole


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
) -> str:
    """reference, member, same_department, same_region, other_region, foreign, or unknown."""
    if metropolis is None:
        return PartnerRelation.UNKNOWN
    if territory.pk == metropolis.pk:
        return PartnerRelation.REFERENCE
    if territory.kind == TerritoryKind.FOREIGN:
        return PartnerRelation.FOREIGN
    own = containers.get(territory.pk, set())
    if (TerritoryKind.EPCI, metropolis.pk) in own:
        return PartnerRelation.MEMBER
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
