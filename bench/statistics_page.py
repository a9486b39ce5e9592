"""Benchmark of the statistics (/statistiques/, /api/v1/statistics/) at 20,000 records.

    .venv/bin/python bench/statistics_page.py [--database-url URL] [--records 20000]
                                              [--requests 10] [--keep] [--reuse]

Builds the same synthetic registry as `bench/registry.py` (reference geography, seed, then
--records cooperations; 90 % published), then times through Django's test client, as an
anonymous visitor, each URL below: cold (the cache emptied before every request: every
table computed) and warm (from the cache), median and p90 of --requests requests, and the
SQL queries of a cold request. Prints a table and writes
`bench/results/statistics-latest.json`.
"""

from __future__ import annotations

import argparse
import json
import time

from common import (
    PLAIN_STATIC_STORAGES,
    RESULTS,
    latency,
    load_reference_data,
    machine,
    throwaway_database,
    vacuum_analyze,
)
from orm_registry import build_registry

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/coop_stats_bench"
URLS = [
    ("page, no filter", "/statistiques/"),
    ("page, region=53", "/statistiques/?region=53"),
    ("page, theme + period", "/statistiques/?theme=mobility&start_year_min=2015"),
    ("API, no filter", "/api/v1/statistics/"),
    ("API, metropolis", "/api/v1/statistics/?metropolis=242900314"),
]


def timed(client, url: str, requests: int, cold: bool) -> dict:
    from django.core.cache import cache

    durations = []
    for _ in range(requests):
        if cold:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        durations.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return latency(durations)


def measure(label: str, url: str, requests: int) -> dict:
    """A URL with its cache cleared before each request, then warm; queries of a cold one."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    client.get(url)  # warm-up (templates, connections)
    row = {"label": label, "url": url}
    row["cold"] = timed(client, url, requests, cold=True)
    row["warm"] = timed(client, url, requests, cold=False)
    with override_settings(DEBUG=True):
        cache.clear()
        reset_queries()
        client.get(url)
        row["queries_cold"] = len(connection.queries)
    print(
        f"{label:28} cold {row['cold']['median_ms']:8.1f} ms (p90 "
        f"{row['cold']['p90_ms']:.1f})  warm {row['warm']['median_ms']:6.1f} ms  "
        f"{row['queries_cold']} queries",
        flush=True,
    )
    return row


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    with throwaway_database(args.database_url, keep=args.keep, reuse=args.reuse):
        from django.test.utils import override_settings, setup_test_environment

        results = {"machine": machine(args.database_url), "urls": []}
        if not args.reuse:
            load_reference_data(quiet=True)
            print(f"Building {args.records} cooperations…", flush=True)
            results["registry"] = build_registry(args.records)
            vacuum_analyze()
        setup_test_environment()
        override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()
        results["urls"] = [measure(label, url, args.requests) for label, url in URLS]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "statistics-latest.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    )


if __name__ == "__main__":
    main()
