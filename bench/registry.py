"""Benchmark of the cooperation registry: list page, API list and exports at 20,000 records.

    .venv/bin/python bench/run.py registry [--database-url URL] [--records 20000]
                                           [--requests 30] [--keep] [--reuse]

1. Creates a throw-away database (PostgreSQL by default, `cooperations_bench_registry`;
   dropped at the end unless --keep), migrates it, imports the shipped reference geography
   and loads the seed (themes and the 31 documented records).
2. Builds a synthetic registry with `bulk_create`: --records cooperations (20,000), each led
   by one of the real métropoles with 2 other partners drawn from the real geography (an
   EPCI of the same département, an EPCI of the same région or a member commune), 1 to 3
   themes and a source; 90 % published. Partner relations are computed with the same code
   as the services (`cooperation.geography`).
3. Measures, through Django's test client (view + FilterSet + templates or serializer +
   SQL; no network, no server), as an anonymous visitor:
   - the list page /cooperations/ and the API list /api/v1/cooperations/: first page and a
     few filters, 3 warm-up requests then --requests timed ones (median, p90), plus the
     number of SQL queries of one request. A URL that is not routed or fails is reported,
     not fatal.
   - every export format on the whole registry, each in a fresh child process: wall time,
     time to the first byte, size, SQL queries, and the peak resident memory of the process
     (`ru_maxrss`) against its baseline after a warm-up export; then the CSV and the zip
     again under `tracemalloc` (Python allocations' peak; slower, time not reported).

Writes `bench/results/registry-<timestamp>.json` (and `registry-latest.json`).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tracemalloc

from common import (
    PLAIN_STATIC_STORAGES,
    ROOT,
    bench_environment,
    bench_list,
    is_routed,
    last_json_line,
    load_reference_data,
    machine,
    memory_status,
    print_machine,
    reset_peak_rss,
    setup_django,
    throwaway_database,
    vacuum_analyze,
    write_results,
)
from orm_registry import build_registry

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_registry"
PAGE_URL = "/cooperations/"
API_URL = "/api/v1/cooperations/"
LIST_QUERIES = [
    ("first page", ""),
    ("theme=mobility", "theme=mobility"),
    ("status=active&instrument=…", "status=active&instrument=reciprocity_contract"),
    ("region=53 (Bretagne)", "region=53"),
    ("q=mobilite", "q=mobilite"),
    ("page 50", "page=50"),
]
EXPORTS = [
    ("csv", "/cooperations/export/csv/"),
    ("csv, partnerships", "/cooperations/export/csv/?table=partnerships"),
    ("zip (both tables)", "/cooperations/export/zip/"),
    ("json", "/cooperations/export/json/"),
    ("xlsx", "/cooperations/export/xlsx/"),
    ("ods", "/cooperations/export/ods/"),
    ("API ?format=csv", "/api/v1/cooperations/?format=csv"),
]
TRACED_EXPORTS = ["csv", "zip (both tables)"]
WARM_UP_QUERY = "q=zzzz-no-such-record"


# Lists -------------------------------------------------------------------------------------


def bench_url(base_url: str, requests: int, accept: str) -> dict:
    if not is_routed(base_url):
        return {"status": "not routed", "message": f"{base_url} is not routed yet."}
    return {"status": "ok", "rows": bench_list(base_url, LIST_QUERIES, requests, accept)}


# Exports (child processes) -----------------------------------------------------------------


def child_export(url: str, trace: bool) -> None:
    """Run in a child process: one export, results as JSON on the last stdout line."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    client = Client()
    separator = "&" if "?" in url else "?"
    # Warm-up on an empty selection: imports, URL resolver, translations, connection.
    warm_up = client.get(f"{url}{separator}{WARM_UP_QUERY}")
    assert warm_up.status_code == 200, warm_up.status_code
    b"".join(warm_up.streaming_content)
    reset_peak_rss()
    baseline_mib = memory_status("VmRSS")
    if trace:
        tracemalloc.start()
    size, first_byte = 0, None
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        for block in response.streaming_content:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            size += len(block)
        wall = time.perf_counter() - started
    result = {
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "wall_s": round(wall, 2),
        "first_byte_s": round(first_byte or 0.0, 2),
        "mib": round(size / 1024 / 1024, 1),
        "queries": len(queries.captured_queries),
        "peak_rss_mib": memory_status("VmHWM"),
        "baseline_rss_mib": baseline_mib,
    }
    if trace:
        result["python_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
        tracemalloc.stop()
    print(json.dumps(result))


def run_child(database_url: str, url: str, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--database-url", database_url, "--child-export", url]
    if trace:
        command.append("--trace")
    completed = subprocess.run(
        command, cwd=ROOT, env=bench_environment(database_url), capture_output=True, text=True
    )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1:] or ["?"]}
    return last_json_line(completed)


def bench_exports(database_url: str) -> dict:
    results = {}
    for label, url in EXPORTS:
        print(f"  export: {label}…", flush=True)
        results[label] = {"url": url, **run_child(database_url, url)}
    for label in TRACED_EXPORTS:
        url = dict(EXPORTS)[label]
        traced = run_child(database_url, url, trace=True)
        results[label]["python_peak_mib"] = traced.get("python_peak_mib")
    return results


# Report ------------------------------------------------------------------------------------


def print_report(results: dict) -> None:
    print_machine(results["machine"])
    registry = results["registry"]
    print(
        f"\nRegistry: {registry['records']} records ({registry['published']} published), "
        f"{registry['partnerships']} partnerships, {registry['metropolises']} métropoles; "
        f"built in {registry['build_s']} s"
    )
    for key, title in (("page", PAGE_URL), ("api", API_URL)):
        section = results[key]
        print(f"\n{title} (anonymous, Django test client)")
        if section["status"] != "ok":
            print(f"  {section['message']}")
            continue
        print(f"  {'request':<30}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'SQL ms':>8}")
        for row in section["rows"]:
            if "error" in row:
                print(f"  {row['label']:<30}  ERROR {row.get('status', '')}: {row['error'][:70]}")
                continue
            print(
                f"  {row['label']:<30}{row['median_ms']:>10.1f}{row['p90_ms']:>9.1f}"
                f"{row['queries']:>9}{row['sql_ms_one_request']:>8.1f}"
            )
    print_exports(results["exports"])


def print_exports(exports: dict) -> None:
    print("\nExports of the whole registry as seen by the public (one child process each)")
    print(
        f"  {'format':<20}{'wall s':>8}{'1st byte s':>11}{'MiB':>7}{'queries':>9}"
        f"{'peak RSS':>10}{'baseline':>10}{'Python peak':>13}"
    )
    for label, row in exports.items():
        if "error" in row:
            print(f"  {label:<20}  ERROR: {row['error']}")
            continue
        python_peak = row.get("python_peak_mib")
        print(
            f"  {label:<20}{row['wall_s']:>8.2f}{row['first_byte_s']:>11.2f}{row['mib']:>7.1f}"
            f"{row['queries']:>9}{row['peak_rss_mib']:>10.1f}{row['baseline_rss_mib']:>10.1f}"
            f"{python_peak if python_peak is not None else '':>13}"
        )
    print("  (RSS in MiB: peak of the process, and its level after a warm-up export)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep (no rebuild)"
    )
    parser.add_argument("--child-export", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def build(records: int) -> dict:
    """The reference data, the seed and `records` synthetic cooperations."""
    load_reference_data()
    print(f"Building {records} cooperations…", flush=True)
    built = build_registry(records)
    vacuum_analyze()
    return built


def registry_figures() -> dict:
    """The figures of a registry built by an earlier run (--reuse)."""
    from cooperation.models import Cooperation, Partnership

    return {
        "records": Cooperation.objects.count(),
        "published": Cooperation.objects.published().count(),
        "partnerships": Partnership.objects.count(),
        "metropolises": Cooperation.objects.values("metropolis").distinct().count(),
        "build_s": None,
    }


def measure(database_url: str, requests: int) -> dict:
    """The list page, the API list and the exports, on the registry in the database."""
    from django.db import connections
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    print("Timing the list page and the API…", flush=True)
    override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()
    results = {
        "page": bench_url(PAGE_URL, requests, "text/html"),
        "api": bench_url(API_URL, requests, "application/json"),
    }
    connections.close_all()
    print("Timing the exports…", flush=True)
    results["exports"] = bench_exports(database_url)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child_export:
        setup_django(args.database_url)
        child_export(args.child_export, trace=args.trace)
        return
    with throwaway_database(args.database_url, keep=args.keep, reuse=args.reuse):
        results = {"machine": machine(args.database_url)}
        results["registry"] = registry_figures() if args.reuse else build(args.records)
        results |= measure(args.database_url, args.requests)
    print_report(results)
    write_results(results, "registry")


if __name__ == "__main__":
    main()
