"""The registry at three sizes, each page against its hand-written SQL floor (issue 12).

    .venv/bin/python bench/run.py sizes [--sizes 2000,20000,200000] [--requests 15]
                                        [--large-requests 5] [--only KEYS] [--keep] [--reuse]

1. Creates a throw-away PostgreSQL database (`cooperations_bench_sizes`, dropped at the end
   unless --keep), migrates it, imports the shipped geography once and the seed's themes
   (the seed's records are removed: the sizes are exact).
2. For each size, smallest first: adds registry rows up to that size with COPY FROM — each
   record published, led by a real métropole with two other real partners (3 partnerships),
   1 to 3 themes and a source, as `bench/exports.py` writes them —, then `VACUUM ANALYZE`
   and a new registry version (so that no cached facet count of the smaller size is read).
3. Measures through Django's test client, DEBUG off, as an anonymous visitor, each request
   interleaved with its floor (`bench/floors.py`: raw SQL through the same connection, the
   least the page must do): 2 warm-up requests, then --requests timed ones (--large-requests
   from 100,000 records up), median and p90:
   - `/cooperations/` unfiltered (as served: its facet counts come from the cache after the
     first request), unfiltered with the counts computed (the shared cache bypassed; the
     facet index already built, as it is after the first request of a registry version),
     `q=rennes`,
     `theme=mobility&region=53` (two facets);
   - `/api/v1/cooperations/` page 1 and page 50 (the last page if there are fewer);
   - `/api/v1/territories/?page_size=100` page 1 and page 50.
4. Reports each time as a ratio to its floor, and the growth from one size to the next
   (time at the larger size / time at the smaller), against the growth of the registry.

With --reuse (a database kept by --keep), rows are only added: a size smaller than the
registry already there is skipped. Writes `bench/results/sizes-<UTC timestamp>.json` (and
`sizes-latest.json`).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import math
import os
import statistics
import time
from unittest import mock

from common import (
    PLAIN_STATIC_STORAGES,
    latency,
    load_reference_data,
    machine,
    percentile,
    throwaway_database,
    vacuum_analyze,
    write_results,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_sizes"
DEFAULT_SIZES = "2000,20000,200000"
LARGE = 100_000
WARM_UP = 2
TWO_FACETS = {"theme": ["mobility"], "region": ["53"]}
SEARCH = "rennes"


# Registry rows, added with COPY FROM ------------------------------------------------------


class Grower:
    """Adds synthetic records (as `exports.build_registry` writes them) from the current
    highest primary key up to a given number of records."""

    def __init__(self, seed: int = 2018):
        from synthetic import DESCRIPTION, SUMMARY, Material

        from territories.text import normalize_search_text

        self.material = Material(seed)
        self.relations = {}  # (territory, métropole) -> relation, kept from one growth to the next
        # The record's own texts, normalised once (the partner names follow per record).
        self.texts = normalize_search_text(f"{SUMMARY} {DESCRIPTION}")

    def search_text(self, title: str, metropolis, partners) -> str:
        from territories.text import normalize_search_text

        names = " ".join([title, *(p.name for p in [metropolis, *partners])])
        return f"{normalize_search_text(names)} {self.texts}"

    def grow(self, start: int, end: int) -> dict:
        from django.utils import timezone
        from synthetic import RegistryRows

        from cooperation.cache_version import registry_changed

        began = time.perf_counter()
        now = timezone.now().isoformat()
        rows = RegistryRows(self.material.containers, self.relations)
        for index in range(start, end):
            self.material.add_record(rows, index, now=now, search_text=self.search_text)
        prepared = time.perf_counter() - began
        rows.copy(last_id=end)
        copied = time.perf_counter() - began - prepared
        vacuum_analyze()
        registry_changed()  # COPY sends no signal: no cached count of the smaller registry
        return {
            "added": end - start,
            "partnerships_added": len(rows.partnerships),
            "prepare_s": round(prepared, 1),
            "copy_s": round(copied, 1),
            "total_s": round(time.perf_counter() - began, 1),
        }


# Timing -----------------------------------------------------------------------------------


def _page_case(key: str, label: str, query: str, filters: dict, **options) -> dict:
    """A request of the list page with `query`, against `floors.page_floor(filters)`; with
    `check_facets`, its facet counts are compared with the floor's."""
    import floors

    case = {
        "key": key,
        "label": label,
        "url": f"/cooperations/?{query}" if query else "/cooperations/",
        "floor": lambda: floors.page_floor(filters),
    }
    if options.pop("check_facets", False):
        case |= {"query": query, "filters": filters}
    return case | options


def _api_case(key: str, label: str, url: str, floor, **options) -> dict:
    return {"key": key, "label": label, "url": url, "floor": floor, "api": True, **options}


def cases(api_last_page: int) -> list[dict]:
    """(label, URL, floor) of every measured request; the floors are called with no
    argument. A case with `query` and `filters` also has its facet counts checked."""
    import floors

    api_page = min(50, api_last_page)
    facets = "theme=mobility&region=53"
    return [
        _page_case("page", "/cooperations/ unfiltered (counts cached)", "", {}),
        _page_case(
            "page_uncached",
            "/cooperations/ unfiltered (counts computed, index built)",
            "",
            {},
            no_cache=True,
            check_facets=True,
        ),
        _page_case(
            "page_q", f"/cooperations/?q={SEARCH}", f"q={SEARCH}", {"q": SEARCH}, check_facets=True
        ),
        _page_case(
            "page_two_facets", f"/cooperations/?{facets}", facets, TWO_FACETS, check_facets=True
        ),
        _api_case(
            "api",
            "/api/v1/cooperations/ page 1",
            "/api/v1/cooperations/",
            lambda: floors.cooperation_api_floor(1),
        ),
        _api_case(
            "api_page_50",
            f"/api/v1/cooperations/ page {api_page}",
            f"/api/v1/cooperations/?page={api_page}",
            lambda: floors.cooperation_api_floor(api_page),
            page=api_page,
        ),
        _api_case(
            "territories",
            "/api/v1/territories/?page_size=100 page 1",
            "/api/v1/territories/?page_size=100",
            lambda: floors.territory_api_floor(1),
        ),
        _api_case(
            "territories_page_50",
            "/api/v1/territories/?page_size=100 page 50",
            "/api/v1/territories/?page_size=100&page=50",
            lambda: floors.territory_api_floor(50),
        ),
    ]


def timed(call) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def measure(case: dict, requests: int) -> dict:
    import floors as floors_module
    from django.test import Client

    client = Client(HTTP_ACCEPT="application/json" if case.get("api") else "text/html")
    patch = (
        mock.patch("cooperation.facets.cache", floors_module.dummy_cache())
        if case.get("no_cache")
        else contextlib.nullcontext()
    )
    with patch:
        for _ in range(WARM_UP):
            response = client.get(case["url"])
            floor = case["floor"]()
        if response.status_code != 200:
            return {
                "label": case["label"],
                "url": case["url"],
                "status": response.status_code,
                "error": response.content[:300].decode("utf-8", "replace"),
            }
        count = response.json().get("count") if case.get("api") else None
        pages, floors = [], []
        for _ in range(requests):  # interleaved, so that both see the same load
            pages.append(timed(lambda: client.get(case["url"])))
            floors.append(timed(case["floor"]))
    median, floor_median = statistics.median(pages), statistics.median(floors)
    row = {
        "label": case["label"],
        "url": case["url"],
        "status": 200,
        "requests": requests,
        **latency(pages),
        "floor_median_ms": round(floor_median, 1),
        "floor_p90_ms": round(percentile(floors, 0.9), 1),
        "ratio": round(median / floor_median, 2),
        "floor_count": floor["count"],
    }
    if "filters" in case:
        row["facets_match_floor"] = floors_module.facets_match_floor(case["query"], case["filters"])
    if count is not None:
        row["count"] = count
        row["count_matches_floor"] = count == floor["count"]
    return row


def facet_index_build_ms(times: int = 3) -> dict:
    """The facet index's build (once per registry version and process), timed apart."""
    from cooperation.cache_version import registry_version
    from cooperation.facet_index import facet_index_build

    builds = [timed(lambda: facet_index_build(registry_version())) for _ in range(times)]
    return {"median_ms": round(statistics.median(builds), 1), "max_ms": round(max(builds), 1)}


def measure_size(requests: int, only: set[str] | None = None) -> dict:
    from django.db import connections

    from cooperation.models import Cooperation, Partnership

    published = Cooperation.objects.published().count()
    result = {
        "records": Cooperation.objects.count(),
        "published": published,
        "partnerships": Partnership.objects.count(),
        "requests": requests,
        "load_before": [round(value, 2) for value in os.getloadavg()],
        "rows": {},
        "facet_index_build": facet_index_build_ms(),
    }
    for case in cases(max(1, math.ceil(published / 50))):
        if only and case["key"] not in only:
            continue
        print(f"    {case['label']}", flush=True)
        result["rows"][case["key"]] = measure(case, requests)
        connections.close_all()
    result["load_after"] = [round(value, 2) for value in os.getloadavg()]
    return result


def growth(results: list[dict]) -> list[dict]:
    """Time at each size over time at the size before, for the page and its floor."""
    steps = []
    for smaller, larger in itertools.pairwise(results):
        step = {
            "from": smaller["records"],
            "to": larger["records"],
            "records_factor": round(larger["records"] / smaller["records"], 1),
            "rows": {},
        }
        for key, row in larger["rows"].items():
            before = smaller["rows"].get(key, {})
            if "median_ms" in row and "median_ms" in before:
                step["rows"][key] = {
                    "page": round(row["median_ms"] / before["median_ms"], 2),
                    "floor": round(row["floor_median_ms"] / before["floor_median_ms"], 2),
                }
        steps.append(step)
    return steps


# Report -----------------------------------------------------------------------------------


def _same(row: dict) -> str:
    checks = [row[key] for key in ("facets_match_floor", "count_matches_floor") if key in row]
    return ("yes" if all(checks) else "NO") if checks else ""


def print_report(results: dict) -> None:
    info = results["machine"]
    print(f"\n{info['cpu']}, {info['cores']} cores, {info['database']}, {info['date']}")
    print(f"git {info['git_commit']}")
    sizes = results["sizes"]
    for size in sizes:
        print(
            f"\n{size['records']:,} records ({size['published']:,} published, "
            f"{size['partnerships']:,} partnerships); {size['requests']} timed requests each; "
            f"load average {size['load_before'][0]} → {size['load_after'][0]}"
        )
        if "facet_index_build" in size:
            build = size["facet_index_build"]
            print(f"  facet index build: {build['median_ms']} ms median, {build['max_ms']} max")
        print(f"  {'request':<46}{'median':>9}{'p90':>9}{'floor':>9}{'ratio':>7}{'same':>7}")
        for row in size["rows"].values():
            if "error" in row:
                print(f"  {row['label']:<46}  ERROR {row['status']}: {row['error'][:60]}")
                continue
            print(
                f"  {row['label']:<46}{row['median_ms']:>9.1f}{row['p90_ms']:>9.1f}"
                f"{row['floor_median_ms']:>9.1f}{row['ratio']:>6.2f}x{_same(row):>7}"
            )
    for step in results["growth"]:
        print(
            f"\nGrowth {step['from']:,} → {step['to']:,} records "
            f"(x{step['records_factor']}): page median and floor median"
        )
        for key, values in step["rows"].items():
            label = sizes[-1]["rows"][key]["label"]
            print(f"  {label:<46}{values['page']:>8.2f}x{values['floor']:>8.2f}x")
    print(
        "\n(ms; ratio = page median / floor median, measured interleaved in the same run; "
        "same: the page's count and facet counts equal the floor's)"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated record counts")
    parser.add_argument("--requests", type=int, default=15, help="timed requests per URL")
    parser.add_argument(
        "--large-requests",
        type=int,
        default=5,
        help=f"timed requests per URL from {LARGE:,} records up",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated keys of the requests to time (e.g. api,api_page_50); all if empty",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a database kept by --keep")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgres"):
        raise SystemExit("The sizes bench needs PostgreSQL (it writes with COPY).")
    return args


def grow_and_measure(args: argparse.Namespace, results: dict) -> None:
    """Each size, smallest first: the registry grown to it, then every request timed."""
    from cooperation.models import Cooperation

    grower = Grower()
    only = {key for key in args.only.split(",") if key}
    for size in sorted(int(size) for size in args.sizes.split(",")):
        current = Cooperation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if current > size:
            print(f"Skipping {size:,} records: the registry already has {current:,}.")
            continue
        if current < size:
            print(f"Adding records {current + 1:,} to {size:,} with COPY…", flush=True)
            built = grower.grow(current, size)
            print(f"  {built}", flush=True)
            results["build"].append({"size": size, **built})
        requests = args.large_requests if size >= LARGE else args.requests
        print(f"Timing at {size:,} records ({requests} requests each)…", flush=True)
        results["sizes"].append(measure_size(requests, only))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # The anonymous API quota would answer 429 long before the end of the run.
    os.environ["API_ANON_RATE"] = "1000000/hour"
    with throwaway_database(args.database_url, keep=args.keep, reuse=args.reuse):
        from django.test.utils import override_settings, setup_test_environment

        results = {"machine": machine(args.database_url), "sizes": [], "build": []}
        results["machine"]["load_average"] = [round(value, 2) for value in os.getloadavg()]
        if not args.reuse:
            began = time.perf_counter()
            load_reference_data(keep_seed_records=False)
            results["geography_s"] = round(time.perf_counter() - began, 1)
        setup_test_environment()
        override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()
        grow_and_measure(args, results)
        results["growth"] = growth(results["sizes"])
    print_report(results)
    write_results(results, "sizes")


if __name__ == "__main__":
    main()
