"""The registry's derived geography, recomputed from the partners: each record's reference
métropole and search text, each partner's relation, contiguity and distance to it. A write
of `cooperation.services` (which every record write calls, and which names both entry
points); the computations themselves are in `cooperation.geography`."""

from __future__ import annotations

from django.db import transaction

from territories.text import normalize_search_text

from .geography import (
    MetropolisSurroundings,
    containers_by_territory,
    metropolis_surroundings,
    partner_contiguity,
    partner_distance_km,
    partner_places,
    partner_relation,
    reference_metropolis,
)
from .models import Cooperation, Partnership


@transaction.atomic
def cooperation_geography_refresh(
    *,
    cooperation: Cooperation,
    surroundings_by_metropolis: dict[int, MetropolisSurroundings | None] | None = None,
) -> None:
    """Recompute the reference métropole, each partner's relation, contiguity and distance
    to it, and the search text (partner names included). `surroundings_by_metropolis`, a
    cache filled as it goes, lets a refresh of many records read each métropole once."""
    partnerships = list(cooperation.partnerships.select_related("territory"))
    metropolis = reference_metropolis(partnerships)
    containers = containers_by_territory(
        [p.territory_id for p in partnerships] + ([metropolis.pk] if metropolis else [])
    )
    surroundings = places = None
    if metropolis is not None:
        cache = {} if surroundings_by_metropolis is None else surroundings_by_metropolis
        if metropolis.pk not in cache:
            cache[metropolis.pk] = metropolis_surroundings(metropolis)
        surroundings = cache[metropolis.pk]
    if surroundings is not None:
        places = partner_places([p.territory for p in partnerships], surroundings)
    changed = []
    for partnership in partnerships:
        territory = partnership.territory
        contiguous = distance = None
        if metropolis is not None:
            contiguous = partner_contiguity(territory, metropolis, surroundings, places)
            distance = partner_distance_km(territory, metropolis, surroundings, places)
        relation = partner_relation(territory, metropolis, containers, contiguous=contiguous)
        computed = (relation, contiguous, distance)
        if (partnership.relation, partnership.is_contiguous, partnership.distance_km) != computed:
            partnership.relation, partnership.is_contiguous, partnership.distance_km = computed
            changed.append(partnership)
    Partnership.objects.bulk_update(changed, ["relation", "is_contiguous", "distance_km"])
    search_text = normalize_search_text(
        " ".join(
            [cooperation.title, cooperation.summary, cooperation.description]
            + [p.territory.name for p in partnerships]
        )
    )
    Cooperation.objects.filter(pk=cooperation.pk).update(
        metropolis=metropolis, search_text=search_text
    )
    cooperation.metropolis, cooperation.search_text = metropolis, search_text


def registry_geography_refresh() -> int:
    """Recompute every record's geography, e.g. after a new release of the reference data
    or of the contours. Returns the number of records processed."""
    count = 0
    surroundings: dict[int, MetropolisSurroundings | None] = {}
    for cooperation in Cooperation.objects.order_by("pk").iterator(chunk_size=500):
        cooperation_geography_refresh(
            cooperation=cooperation, surroundings_by_metropolis=surroundings
        )
        count += 1
    return count
