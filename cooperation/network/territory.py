"""What the network says about one territory, for the « Réseau » block of its page.

The measures that depend on the whole network (betweenness, component) come from the
network of every record the visitor may see. It is cached in the shared cache under a
key that changes with the registry — the number of visible records and their latest
`updated_at` (a change to a partner moves its record's) — so a write is seen at once and
the whole network is built once per change, not once per page."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count

from ..cache_version import registry_version as shared_registry_version
from ..models import Cooperation, Partnership
from ..reciprocity import Reciprocity
from .caching import is_staff, registry_version
from .graph import network_build, node_id

CACHE_SECONDS = 3600


def registry_measures(user) -> dict[str, dict]:
    """Per territory id, its measures in the network of every record `user` may see,
    with its betweenness rank (1: the strongest bridge) among the territories and its
    links with its partners (one per shared cooperation) counted by reciprocity. The key
    holds the shared registry version too, which a validated survey response moves on."""
    scope = "staff" if is_staff(user) else "public"
    key = f"network:registry:{scope}:{registry_version(user)}:{shared_registry_version()}"
    measures = cache.get(key)
    if measures is None:
        network = network_build(Cooperation.objects.visible_to(user))
        reciprocity = {key: dict.fromkeys(Reciprocity.values, 0) for key in network.territories}
        for first, second, data in network.graph.edges(data=True):
            for value, count in data["reciprocity_counts"].items():
                reciprocity[first][value] += count
                reciprocity[second][value] += count
        ranked = sorted(network.territories.values(), key=lambda t: (-t.betweenness, t.name))
        measures = {
            territory.id: {
                "cooperations": territory.cooperations,
                "degree": territory.degree,
                "weighted_degree": territory.weighted_degree,
                "betweenness": territory.betweenness,
                "rank": rank,
                "component": territory.component,
                "metropolises": territory.metropolises,
                "is_bridge": territory.is_bridge,
                "reciprocity": reciprocity[territory.id],
            }
            for rank, territory in enumerate(ranked, start=1)
        }
        measures = {"territories": measures, "total": len(ranked)}
        cache.set(key, measures, CACHE_SECONDS)
    return measures


def territory_network(territory, user) -> dict | None:
    """The block's facts for `territory`: its measures, the network's size, and its
    partners with the number of cooperations shared with each (one query); None when
    it takes part in no visible cooperation."""
    measures = registry_measures(user)
    own = measures["territories"].get(node_id(territory.kind, territory.code))
    if own is None:
        return None
    shared = Cooperation.objects.visible_to(user).involving(territory).order_by().values("pk")
    partners = list(
        Partnership.objects.filter(cooperation__in=shared)
        .exclude(territory=territory)
        .values("territory__kind", "territory__code", "territory__name")
        .annotate(shared=Count("cooperation", distinct=True))
        .order_by("-shared", "territory__name")
    )
    return {**own, "total": measures["total"], "partners": partners}
