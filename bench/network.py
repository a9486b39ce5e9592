"""Benchmark of the network of territories (cooperation/network/) at 2,000 and 20,000 records.

    .venv/bin/python bench/network.py [--database-url URL] [--keep] [--geometry] [--sizes N …]

1. Creates a throw-away database (PostgreSQL by default, `cooperations_bench_network`;
   dropped at the end unless --keep), migrates it, imports the shipped reference geography,
   loads the seed, then builds a synthetic registry with bench/orm_registry.py's
   `build_registry` (3 partners per record drawn from the real geography, 90 % published)
   up to about 2,000 records, measures, grows it to about 20,000 and measures again.
2. For each size, on the published records (what the public sees), the median of 3 runs:
   - `fetch`: the one SQL query of partnerships (`partnership_rows`), rows into Python;
   - `graph`: the graph and its measures from those rows (`network_from_rows`), with the
     betweenness alone beside it (exact up to 1,000 territories, sampled beyond);
   - the ratio of the whole build to the raw fetch;
   - /reseau/ through Django's test client (first request, measures computed), then
     /api/v1/network/ and /reseau/ again (measures from the cache);
   - the two views of the page (`?vue=graphe`, `?vue=carte`, measures from the cache) and
     the drawing and the map alone (`network_drawing`, `network_map`, median of 3). With
     `--geometry` the contours are imported first (`geometry_import`, a minute or two),
     so that the map has something to place; without, the map view falls back to the
     graph.

Writes `bench/results/network-<timestamp>.json` (and `network-latest.json`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from common import (
    PLAIN_STATIC_STORAGES,
    machine,
    throwaway_database,
    vacuum_analyze,
    write_results,
)
from orm_registry import build_registry

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_network"
SIZES = (2_000, 20_000)
RUNS = 3


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def measure() -> dict:
    import networkx as nx
    from django.test import Client

    from cooperation.models import Cooperation
    from cooperation.network.graph import (
        betweenness_measure,
        network_from_rows,
        partnership_rows,
    )

    published = Cooperation.objects.published()
    fetches, graphs, betweenness = [], [], []
    for _ in range(RUNS):
        fetch_s, rows = timed(partnership_rows, published)
        graph_s, network = timed(network_from_rows, rows)
        exact = network.betweenness_is_exact
        between_s, _ = timed(betweenness_measure, network.graph)
        fetches.append(fetch_s)
        graphs.append(graph_s)
        betweenness.append(between_s)
    client = Client()
    page_s, page = timed(client.get, "/reseau/")
    api_s, api = timed(client.get, "/api/v1/network/")  # the measures are cached by now
    page_again_s, _ = timed(client.get, "/reseau/")
    views = view_timings(client, network)
    fetch, graph = statistics.median(fetches), statistics.median(graphs)
    return {
        "records": Cooperation.objects.count(),
        "published": published.count(),
        "partnership_rows": len(rows),
        "territories": network.graph.number_of_nodes(),
        "edges": network.graph.number_of_edges(),
        "components": nx.number_connected_components(network.graph),
        "betweenness_exact": exact,
        "fetch_s": round(fetch, 3),
        "graph_and_measures_s": round(graph, 3),
        "betweenness_s": round(statistics.median(betweenness), 3),
        "build_to_fetch_ratio": round((fetch + graph) / fetch, 1),
        "page_s": round(page_s, 3),
        "page_cached_s": round(page_again_s, 3),
        "page_status": page.status_code,
        "api_s": round(api_s, 3),
        "api_status": api.status_code,
        "api_bytes": len(api.content),
        **views,
    }


def view_timings(client, network) -> dict:
    """The graph and the map of `network` alone, and the page in each view (the measures
    already cached): medians of RUNS."""
    from cooperation.network.drawing import network_drawing
    from cooperation.network.geomap import network_map

    drawing_s = statistics.median(timed(network_drawing, network)[0] for _ in range(RUNS))
    map_runs = [timed(network_map, network) for _ in range(RUNS)]
    geomap = map_runs[-1][1]
    pages = {}
    for view in ("graphe", "carte"):
        runs = [timed(client.get, f"/reseau/?vue={view}") for _ in range(RUNS)]
        pages[view] = (statistics.median(t for t, _ in runs), len(runs[-1][1].content))
    return {
        "drawing_s": round(drawing_s, 3),
        "map_s": round(statistics.median(t for t, _ in map_runs), 3),
        "map_placed": len(geomap["nodes"]) if geomap else 0,
        "map_unplaced": len(geomap["unplaced"]) if geomap else 0,
        "page_graph_view_s": round(pages["graphe"][0], 3),
        "page_graph_view_bytes": pages["graphe"][1],
        "page_map_view_s": round(pages["carte"][0], 3),
        "page_map_view_bytes": pages["carte"][1],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--geometry", action="store_true", help="import the contours (for the map view)"
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="records")
    args = parser.parse_args(argv)
    results = {"sizes": []}
    with throwaway_database(args.database_url, keep=args.keep):
        results["machine"] = machine(args.database_url)
        load(geometry=args.geometry)
        results["geometry"] = args.geometry
        for seed, size in enumerate(args.sizes, start=2018):
            figures = grow_and_measure(size, seed)
            print(json.dumps(figures), flush=True)
            results["sizes"].append(figures)
    write_results(results, "network")


def load(*, geometry: bool) -> None:
    """The reference geography (and its contours, for the map view), and the seed."""
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    from cooperation.seed import seed_cooperations_load
    from territories.services import reference_data_import

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print(" ", reference_data_import().summary(), flush=True)
    if geometry:
        from territories.geometry.services import geometry_import

        print(" ", geometry_import().summary(), flush=True)
    print(" ", seed_cooperations_load().summary(), flush=True)
    setup_test_environment()
    override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()


def grow_and_measure(size: int, seed: int) -> dict:
    """The registry grown to `size` records, then measured."""
    from django.db.models import Value
    from django.db.models.functions import Concat

    from cooperation.models import Cooperation

    # build_registry numbers its slugs from 0: keep the earlier ones apart.
    Cooperation.objects.filter(slug__startswith="bench-").update(
        slug=Concat(Value("earlier-"), "slug")
    )
    missing = size - Cooperation.objects.count()
    print(f"Building {missing} more cooperations…", flush=True)
    build_registry(missing, seed=seed)
    vacuum_analyze()
    return measure()


if __name__ == "__main__":
    main()
