"""The network as data: the JSON document shared by the API and the JSON export, and the
GraphML and GEXF files (Gephi, Cytoscape, networkx) of the same selection."""

from __future__ import annotations

import networkx as nx

from .graph import Network

# GraphML and GEXF hold no lists: an edge's cooperations are its slugs joined by spaces
# (a slug never holds one).
SLUG_SEPARATOR = " "
FORMATS = {
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "json": ("application/json", "json"),
}


def node_payload(territory) -> dict:
    return {
        "id": territory.id,
        "kind": territory.kind,
        "code": territory.code,
        "name": territory.name,
        "category": territory.category,
        "is_metropolis": territory.is_metropolis,
        "cooperations": territory.cooperations,
        "degree": territory.degree,
        "weighted_degree": territory.weighted_degree,
        "betweenness": round(territory.betweenness, 6),
        "component": territory.component,
        "metropolises": territory.metropolises,
        "is_bridge": territory.is_bridge,
    }


def network_payload(network: Network) -> dict:
    """Nodes (sorted by id), edges and components, as the API serves them."""
    return {
        "cooperation_count": network.cooperation_count,
        "betweenness_is_exact": network.betweenness_is_exact,
        "nodes": [node_payload(t) for _, t in sorted(network.territories.items())],
        "edges": network.edges(),
        "components": network.components,
    }


def export_graph(network: Network) -> nx.Graph:
    """A copy of the graph whose attributes are all scalars, as GraphML and GEXF need."""
    graph = nx.Graph()
    for key, territory in sorted(network.territories.items()):
        graph.add_node(
            key,
            label=territory.name,
            kind=territory.kind,
            code=territory.code,
            category=territory.category or "",
            is_metropolis=territory.is_metropolis,
            cooperations=territory.cooperations,
            degree=territory.degree,
            weighted_degree=territory.weighted_degree,
            betweenness=float(territory.betweenness),
            component=territory.component,
            metropolis_count=territory.metropolis_count,
        )
    for edge in network.edges():
        graph.add_edge(
            edge["source"],
            edge["target"],
            weight=edge["weight"],
            cooperations=SLUG_SEPARATOR.join(edge["cooperations"]),
            reciprocity=edge["reciprocity"],
            **{
                f"reciprocity_{value}": count for value, count in edge["reciprocity_counts"].items()
            },
        )
    return graph


def network_file(network: Network, fmt: str) -> bytes:
    """The network as a GraphML or GEXF document (UTF-8)."""
    graph = export_graph(network)
    if fmt == "graphml":
        lines = nx.generate_graphml(graph, encoding="utf-8")
    elif fmt == "gexf":
        lines = nx.generate_gexf(graph, encoding="utf-8", version="1.2draft")
    else:
        raise ValueError(fmt)
    return "\n".join(lines).encode("utf-8")
