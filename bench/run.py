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
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
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


# Environment -------------------------------------------------------------------------------


def bench_environment(database_url: str) -> dict[str, str]:
    """Production-like settings for this process and its children."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "ERROR",
    }


def setup_django(database_url: str) -> None:
    os.environ.update(bench_environment(database_url))
    # With DEBUG off, WhiteNoise warns that `collectstatic` has not run: irrelevant here.
    warnings.filterwarnings("ignore", message="No directory at")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def is_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}


def recreate_database(database_url: str) -> None:
    """Drop and create the (throw-away) bench database."""
    if is_postgres(database_url):
        import psycopg
        from psycopg import sql

        parts = urlsplit(database_url)
        name = parts.path.lstrip("/")
        if not name or name in {"postgres", "template0", "template1"}:
            raise SystemExit(f"Refusing to drop the database {name!r}: give a throw-away name.")
        maintenance = urlunsplit(parts._replace(path="/postgres"))
        connection = psycopg.connect(maintenance)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        connection.close()
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        raise SystemExit(f"Unsupported database URL for the bench: {database_url}")


def drop_database(database_url: str) -> None:
    if is_postgres(database_url):
        import psycopg
        from psycopg import sql

        parts = urlsplit(database_url)
        connection = psycopg.connect(urlunsplit(parts._replace(path="/postgres")))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(parts.path.lstrip("/"))
                )
            )
        connection.close()
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def machine(database_url: str) -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    memory_kib = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "database": database,
        "database_url": database_url,
        "python": platform.python_version(),
        "django": get_version(),
        "os": platform.platform(),
        "git_commit": commit,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
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
    return json.loads(completed.stdout.strip().splitlines()[-1])


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


def api_is_routed() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(API_URL)
    except Resolver404:
        return False
    return True


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_api(requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if not api_is_routed():
        return {
            "status": "not routed",
            "message": f"{API_URL} is not routed yet (territories/api/views.py and "
            "config/api/urls.py): rerun `make bench` once the API is in place.",
        }
    client = Client(HTTP_ACCEPT="application/json")
    rows = []
    for label, query in API_QUERIES:
        url = f"{API_URL}?{query}"
        try:
            for _ in range(3):  # warm-up: connection, caches, first-query planning
                response = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            # Read now: each later request clears the connection's query log.
            query_count = len(queries.captured_queries)
            sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        except Exception as error:  # a broken view is a result, not a crash
            rows.append({"label": label, "url": url, "error": f"{type(error).__name__}: {error}"})
            continue
        if response.status_code != 200:
            rows.append(
                {
                    "label": label,
                    "url": url,
                    "status": response.status_code,
                    "error": response.content[:300].decode("utf-8", "replace"),
                }
            )
            continue
        body = response.json()
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "label": label,
                "url": url,
                "status": 200,
                "count": body.get("count") if isinstance(body, dict) else None,
                "results": len(body.get("results", [])) if isinstance(body, dict) else None,
                "bytes": len(response.content),
                "queries": query_count,
                "sql_ms_one_request": round(sql_ms, 1),
                "requests": requests,
                "median_ms": round(statistics.median(timings), 1),
                "p90_ms": round(percentile(timings, 0.9), 1),
                "min_ms": round(min(timings), 1),
                "max_ms": round(max(timings), 1),
            }
        )
    return {"status": "ok", "rows": rows}


# Report ------------------------------------------------------------------------------------


def print_report(results: dict) -> None:
    info = results["machine"]
    print(f"\n{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM")
    print(f"{info['database']}, Python {info['python']}, Django {info['django']}, {info['date']}")
    print("\nImport of the shipped snapshot")
    print(f"  {'run':<34}{'wall (s)':>10}{'peak RSS (MiB)':>16}{'Python peak (MiB)':>19}")
    imports = results["import"]
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

    api = results["api"]
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


def main() -> None:
    if sys.argv[1:2] == ["exports"]:
        from exports import main as exports_main  # bench/exports.py, next to this file

        exports_main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["registry"]:
        from registry import main as registry_main  # bench/registry.py, next to this file

        registry_main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["history"]:
        from survey_history import main as history_main  # bench/survey_history.py

        history_main(sys.argv[2:])
    if sys.argv[1:2] == ["load"]:
        from load import main as load_main  # bench/load.py, next to this file

        load_main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["sizes"]:
        from sizes import main as sizes_main  # bench/sizes.py, next to this file

        sizes_main(sys.argv[2:])
        return
    if sys.argv[1:2] == ["geometry"]:
        from geometry import main as geometry_main  # bench/geometry.py, next to this file

        geometry_main(sys.argv[2:])
        return
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
    args = parser.parse_args()

    if args.child_import and args.copy_floor:
        setup_django(args.database_url)
        child_copy_floor()
        return
    if args.child_import:
        setup_django(args.database_url)
        child_import(truncate=args.truncate, trace=args.trace)
        return

    print(f"Bench database: {args.database_url} (created now, dropped at the end)")
    recreate_database(args.database_url)
    try:
        setup_django(args.database_url)
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)  # the API's throttle counts
        results = {"machine": machine(args.database_url)}
        print("Importing (4 child processes, about a minute)…", flush=True)
        results["import"] = bench_import(args.database_url, trace=not args.no_tracemalloc)
        setup_test_environment()
        results["api"] = bench_api(args.requests)
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(args.database_url)

    print_report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for name in (f"bench-{stamp}.json", "latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}/bench-{stamp}.json")


if __name__ == "__main__":
    main()
