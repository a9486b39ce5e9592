"""Benchmark: the reference-data import and the territory API, on the full data set.

    .venv/bin/python bench/run.py [--database-url URL] [--requests 50] [--keep]
    .venv/bin/python bench/run.py registry [--help]    # the cooperation registry, see registry.py
    .venv/bin/python bench/run.py exports [--help]     # large exports as jobs, see exports.py
    .venv/bin/python bench/run.py geometry [--help]    # contours, maps, GeoJSON, see geometry.py
    .venv/bin/python bench/run.py load [--help]        # officers and researchers at once, load.py
    .venv/bin/python bench/run.py sizes [--help]       # the registry at three sizes vs SQL floors

1. Creates a throw-away database (PostgreSQL by default; it is dropped at the end unless
   --keep), migrates it.
2. Import: times the full import of the shipped snapshot on the empty database, then the
   second, idempotent run. Each run happens in a fresh child process, so that its peak
   resident memory (`getrusage`) is its own; a second pair of runs under `tracemalloc`
   gives the peak of Python allocations (slower, so its wall time is not reported).
3. API: median and p90 latency of `/api/v1/territories/` with a few filters, through
   Django's test client (no network, no server: the view, filters, serializer and SQL).

Prints a table and writes `bench/results/bench-<timestamp>.json` (and `latest.json`).
Settings are production-like: DEBUG off (no query logging), SQL against the given database.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from importlib import import_module

from common import (
    ROOT,
    bench_environment,
    bench_list,
    is_postgres,
    is_routed,
    last_json_line,
    machine,
    print_machine,
    throwaway_database,
    write_results,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench"
API_URL = "/api/v1/territories/"
API_QUERIES = [
    ("list, 100 per page", "page_size=100"),
    ("search q=saint etienne", "q=saint+etienne&page_size=100"),
    ("department=29", "department=29&page_size=100"),
    ("contained_in=epci:200054781", "contained_in=epci:200054781&page_size=100"),
    ("kind=epci, metropolises", "kind=epci&is_metropolis=true&page_size=100"),
    ("list, page 50", "page_size=100&page=50"),
]
# `run.py NAME …` runs the bench of module NAME (next to this file), e.g. `run.py registry`.
SUBCOMMANDS = {
    "exports": "exports",
    "registry": "registry",
    "history": "survey_history",
    "load": "load",
    "sizes": "sizes",
    "geometry": "geometry",
}


# Import ------------------------------------------------------------------------------------


def child_import(truncate: bool, trace: bool) -> None:
    """Run in a child process: one import, results as JSON on the last stdout line."""
    from django.db import connection

    from territories.models import Containment, Territory
    from territories.services import reference_data_import

    if truncate:
        with connection.cursor() as cursor:
            tables = ", ".join(
                connection.ops.quote_name(model._meta.db_table)
                for model in (Containment, Territory)
            )
            if connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            else:
                Containment.objects.all().delete()
                Territory.objects.all().delete()
    baseline_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = reference_data_import()
    wall = time.perf_counter() - started
    result = {
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "baseline_rss_mib": round(baseline_kib / 1024, 1),
        "summary": report.summary(),
        "territories": Territory.objects.count(),
        "containments": Containment.objects.count(),
    }
    if trace:
        result["python_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
        tracemalloc.stop()
    print(json.dumps(result))


def child_copy_floor() -> None:
    """Run in a child process after an import: the floor of any import, the same rows
    written by bare `COPY … FROM STDIN` into the emptied tables, in one transaction (the
    rows are first read out with COPY TO, outside the timing)."""
    from django.db import connection, transaction

    from territories.models import Containment, Territory

    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Territory, Containment)]
    with connection.cursor() as cursor:
        dumps = []
        for table in tables:
            with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                dumps.append(b"".join(bytes(block) for block in copy))
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, dump in zip(tables, dumps, strict=True):
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                copy.write(dump)
    print(json.dumps({"wall_s": round(time.perf_counter() - started, 3)}))


def run_child(database_url: str, *flags: str) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--database-url", database_url, "--child-import", *flags],
        cwd=ROOT,
        env=bench_environment(database_url),
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise SystemExit(f"Import child failed:\n{completed.stderr}")
    return last_json_line(completed)


def bench_import(database_url: str, trace: bool) -> dict:
    first = run_child(database_url)
    second = run_child(database_url)
    results = {"first_run": first, "second_run": second}
    if is_postgres(database_url):
        floors = [run_child(database_url, "--copy-floor")["wall_s"] for _ in range(3)]
        results["copy_floor_s"] = min(floors)
        results["first_run_ratio_to_floor"] = round(first["wall_s"] / min(floors), 1)
    if trace:
        results["first_run_tracemalloc"] = run_child(database_url, "--truncate", "--trace")
        results["second_run_tracemalloc"] = run_child(database_url, "--trace")
    return results


# API ---------------------------------------------------------------------------------------


def bench_api(requests: int) -> dict:
    if not is_routed(API_URL):
        return {
            "status": "not routed",
            "message": f"{API_URL} is not routed yet (territories/api/views.py and "
            "config/api/urls.py): rerun `make bench` once the API is in place.",
        }
    return {"status": "ok", "rows": bench_list(API_URL, API_QUERIES, requests, "application/json")}


# Report ------------------------------------------------------------------------------------


def print_report(results: dict) -> None:
    print_machine(results["machine"])
    print_import(results["import"])
    print_api(results["api"])


def print_import(imports: dict) -> None:
    print("\nImport of the shipped snapshot")
    print(f"  {'run':<34}{'wall (s)':>10}{'peak RSS (MiB)':>16}{'Python peak (MiB)':>19}")
    for key, label in (
        ("first_run", "first (empty database)"),
        ("second_run", "second (idempotent)"),
    ):
        run = imports[key]
        traced = imports.get(f"{key}_tracemalloc", {})
        print(
            f"  {label:<34}{run['wall_s']:>10.2f}{run['peak_rss_mib']:>16.1f}"
            f"{traced.get('python_peak_mib', float('nan')):>19.1f}"
        )
    first = imports["first_run"]
    if "copy_floor_s" in imports:
        print(
            f"  floor: the same rows by bare COPY FROM, {imports['copy_floor_s']:.2f} s; "
            f"first run = {imports['first_run_ratio_to_floor']} times the floor"
        )
    print(f"  first run: {first['summary']}")
    print(f"  second run: {imports['second_run']['summary']}")
    print(f"  rows: {first['territories']} territories, {first['containments']} containments")
    print(f"  (baseline RSS of a child process before importing: {first['baseline_rss_mib']} MiB)")


def print_api(api: dict) -> None:
    print(f"\nAPI {API_URL} (Django test client)")
    if api["status"] != "ok":
        print(f"  {api['message']}")
        return
    header = (
        f"  {'request':<30}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'SQL ms':>8}"
        f"{'count':>8}{'KiB':>6}"
    )
    print(header)
    for row in api["rows"]:
        if "error" in row:
            print(f"  {row['label']:<30}  ERROR {row.get('status', '')}: {row['error'][:80]}")
            continue
        print(
            f"  {row['label']:<30}{row['median_ms']:>10.1f}{row['p90_ms']:>9.1f}"
            f"{row['queries']:>9}{row['sql_ms_one_request']:>8.1f}{row['count'] or 0:>8}"
            f"{row['bytes'] / 1024:>6.0f}"
        )
    print(
        f"  ({api['rows'][0].get('requests', '?')} timed requests each, after 3 warm-up ones; "
        "queries and SQL ms: one request, with query logging)"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="`run.py registry [--help]`: the registry bench (list page, API, exports); "
        "`run.py geometry [--help]`: contours, map pages and the GeoJSON endpoint.",
    )
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per API URL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the tracemalloc runs (faster)"
    )
    parser.add_argument("--child-import", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--truncate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--copy-floor", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def run_as_child(args: argparse.Namespace) -> None:
    """One import (or the COPY floor) in this process, started by `run_child()`."""
    from common import setup_django

    setup_django(args.database_url)
    if args.copy_floor:
        child_copy_floor()
    else:
        child_import(truncate=args.truncate, trace=args.trace)


def main() -> None:
    if sys.argv[1:2] and sys.argv[1] in SUBCOMMANDS:
        import_module(SUBCOMMANDS[sys.argv[1]]).main(sys.argv[2:])
        return
    args = parse_args()
    if args.child_import:
        run_as_child(args)
        return
    with throwaway_database(args.database_url, keep=args.keep):
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the API's throttle counts
        results = {"machine": machine(args.database_url)}
        print("Importing (4 child processes, about a minute)…", flush=True)
        results["import"] = bench_import(args.database_url, trace=not args.no_tracemalloc)
        setup_test_environment()
        results["api"] = bench_api(args.requests)
    print_report(results)
    write_results(results, "bench", latest="latest.json")


if __name__ == "__main__":
    main()
