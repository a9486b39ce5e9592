"""The network of territories behind a selection of cooperation records.

Territories are nodes; two territories that take part in the same cooperation are joined
by an edge, weighted by the number of cooperations they share, which the edge lists by
slug. The selection is any Cooperation queryset — in the portal, the one the shared
`CooperationFilterSet` gives for /cooperations/ — read in ONE query of partnerships
(`values_list`), with no query per node or edge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx
from django.core.cache import cache

from territories.models import METROPOLIS_CATEGORIES, TerritoryKind

from ..models import Partnership
from ..reciprocity import Reciprocity, pair_reciprocity

# Betweenness is the costly measure: networkx runs one breadth-first search per source
# node, about 3 µs per edge each in pure Python. It is exact while sources times edges
# stays within this budget (about a second); beyond, it is estimated from a fixed sample
# of sources (same seed, so the same selection gives the same figures), never fewer than
# BETWEENNESS_MIN_SAMPLE. The result is kept in the shared cache (see `caching.py`).
BETWEENNESS_WORK = 300_000
BETWEENNESS_MIN_SAMPLE = 10
BETWEENNESS_SEED = 2018
CACHE_SECONDS = 3600


def node_id(kind: str, code: str) -> str:
    """A territory's identifier in the graph and its exports: "epci:242900314"."""
    return f"{kind}:{code}"


@dataclass
class TerritoryMeasures:
    """One territory of the network and what the network says about it."""

    id: str
    kind: str
    code: str
    name: str
    category: str
    is_metropolis: bool
    cooperations: int = 0
    degree: int = 0
    weighted_degree: int = 0
    betweenness: float = 0.0
    component: int = 0
    # The other métropoles this territory shares at least one cooperation with.
    metropolises: list[str] = field(default_factory=list)

    @property
    def metropolis_count(self) -> int:
        return len(self.metropolises)

    @property
    def is_bridge(self) -> bool:
        """Cooperates with several métropoles: a link between their networks."""
        return self.metropolis_count >= 2


@dataclass
class Network:
    graph: nx.Graph
    territories: dict[str, TerritoryMeasures]
    cooperation_count: int
    betweenness_is_exact: bool = True
    # Database ids behind the graph, for the reciprocity: node id → territory id and
    # cooperation slug → cooperation id (empty when the rows did not carry them).
    territory_ids: dict[str, int] = field(default_factory=dict)
    cooperation_ids: dict[str, int] = field(default_factory=dict)

    @property
    def reciprocity_counts(self) -> dict[str, int]:
        """The links (one per shared cooperation of an edge), counted by reciprocity."""
        counts = dict.fromkeys(Reciprocity.values, 0)
        for _, _, data in self.graph.edges(data=True):
            for value, count in data.get("reciprocity_counts", {}).items():
                counts[value] += count
        return counts

    @property
    def components(self) -> list[dict]:
        """The connected components, largest first: number, size, métropoles in it."""
        groups: dict[int, list[TerritoryMeasures]] = defaultdict(list)
        for territory in self.territories.values():
            groups[territory.component].append(territory)
        return [
            {
                "number": number,
                "size": len(members),
                "metropolises": sorted(t.name for t in members if t.is_metropolis),
            }
            for number, members in sorted(groups.items())
        ]

    @property
    def bridges(self) -> list[TerritoryMeasures]:
        """Territories that cooperate with several métropoles, the most connected first."""
        return sorted(
            (t for t in self.territories.values() if t.is_bridge),
            key=lambda t: (-t.metropolis_count, -t.betweenness, t.name),
        )

    def edges(self) -> list[dict]:
        """Every edge once: its two ends (node ids), weight and cooperation slugs."""
        edges = [
            {
                "source": min(first, second),
                "target": max(first, second),
                "weight": data["weight"],
                "cooperations": data["cooperations"],
                "reciprocity": data.get("reciprocity", Reciprocity.REGISTRY_ONLY.value),
                "reciprocity_counts": data.get(
                    "reciprocity_counts",
                    {**dict.fromkeys(Reciprocity.values, 0), "registry_only": data["weight"]},
                ),
            }
            for first, second, data in self.graph.edges(data=True)
        ]
        edges.sort(key=lambda edge: (edge["source"], edge["target"]))
        return edges


def partnership_rows(cooperations) -> list[tuple]:
    """(cooperation slug, kind, code, name, category, cooperation id, territory id) of
    every partner of the selection, in one query; the selection's own ordering and
    annotations are dropped."""
    return list(
        Partnership.objects.filter(cooperation__in=cooperations.order_by().values("pk"))
        .order_by("cooperation_id", "position", "pk")
        .values_list(
            "cooperation__slug",
            "territory__kind",
            "territory__code",
            "territory__name",
            "territory__category",
            "cooperation_id",
            "territory_id",
        )
    )


def network_build(cooperations, *, cache_key: str = "", reciprocity: bool = True) -> Network:
    """The network of the territories taking part in `cooperations`, with its measures
    and (unless `reciprocity` is False) the reciprocity of its edges; with a `cache_key`,
    the betweenness is read from (or kept in) the shared cache."""
    network = network_from_rows(partnership_rows(cooperations), cache_key=cache_key)
    if reciprocity:
        edge_reciprocity(network)
    return network


def edge_reciprocity(network: Network) -> None:
    """Set on every edge `reciprocity_counts` — its shared cooperations counted by
    reciprocity (both sides, one side, registry only; see `cooperation.reciprocity`) — and
    `reciprocity`, the strongest of them. One call of the survey provider for the whole
    network: one query without validated responses among its territories, three with."""
    ids, cooperation_ids = network.territory_ids, network.cooperation_ids
    rows = {}
    for first, second, data in network.graph.edges(data=True):
        for slug in data["cooperations"]:
            if first in ids and second in ids and slug in cooperation_ids:
                rows[(first, second, slug)] = (cooperation_ids[slug], ids[first], ids[second])
    found = pair_reciprocity(rows.values())
    for first, second, data in network.graph.edges(data=True):
        counts = dict.fromkeys(Reciprocity.values, 0)
        for slug in data["cooperations"]:
            row = rows.get((first, second, slug))
            counts[found[row] if row else Reciprocity.REGISTRY_ONLY.value] += 1
        data["reciprocity_counts"] = counts
        data["reciprocity"] = next(value for value in Reciprocity.values if counts[value])


def network_from_rows(rows, *, cache_key: str = "") -> Network:
    graph = nx.Graph()
    territories: dict[str, TerritoryMeasures] = {}
    members: dict[str, list[str]] = defaultdict(list)
    territory_ids: dict[str, int] = {}
    cooperation_ids: dict[str, int] = {}
    for slug, kind, code, name, category, *row_ids in rows:
        key = node_id(kind, code)
        if row_ids:
            cooperation_ids[slug], territory_ids[key] = row_ids
        if key not in territories:
            territories[key] = TerritoryMeasures(
                id=key,
                kind=kind,
                code=code,
                name=name,
                category=category,
                is_metropolis=kind == TerritoryKind.EPCI and category in METROPOLIS_CATEGORIES,
            )
            graph.add_node(key)
        if key not in members[slug]:
            members[slug].append(key)
            territories[key].cooperations += 1
    # Pairs gathered in a dict first, then added at once: networkx's add_edge is the
    # slow part of building a large graph.
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for slug, keys in members.items():
        for pair in combinations(sorted(keys), 2):
            pairs[pair].append(slug)
    graph.add_edges_from(
        (first, second, {"weight": len(slugs), "cooperations": slugs})
        for (first, second), slugs in pairs.items()
    )
    for key, territory in territories.items():
        graph.nodes[key].update(
            kind=territory.kind,
            code=territory.code,
            label=territory.name,
            category=territory.category,
            is_metropolis=territory.is_metropolis,
        )
    network = Network(
        graph,
        territories,
        len(members),
        territory_ids=territory_ids,
        cooperation_ids=cooperation_ids,
    )
    _measure(network, cache_key)
    return network


def betweenness_measure(graph: nx.Graph) -> tuple[dict, bool]:
    """Normalised betweenness of every node, and whether it is exact (see the budget)."""
    edges = max(graph.number_of_edges(), 1)
    if len(graph) * edges <= BETWEENNESS_WORK:
        return nx.betweenness_centrality(graph, normalized=True), True
    sample = min(len(graph), max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_WORK // edges))
    return (
        nx.betweenness_centrality(graph, k=sample, seed=BETWEENNESS_SEED, normalized=True),
        sample == len(graph),
    )


def _measure(network: Network, cache_key: str = "") -> None:
    graph, territories = network.graph, network.territories
    cached = cache.get(cache_key) if cache_key else None
    if cached is None:
        cached = betweenness_measure(graph)
        if cache_key:
            cache.set(cache_key, cached, CACHE_SECONDS)
    betweenness, network.betweenness_is_exact = cached
    # Largest component first; ties by their first territory, so numbers are stable.
    components = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    for number, component in enumerate(components, start=1):
        for key in component:
            territories[key].component = number
    for key, territory in territories.items():
        territory.degree = graph.degree(key)
        territory.weighted_degree = graph.degree(key, weight="weight")
        territory.betweenness = betweenness[key]
        territory.metropolises = sorted(
            territories[other].name
            for other in graph.neighbors(key)
            if territories[other].is_metropolis
        )
