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
import contextlib
import json
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

from run import (
    RESULTS,
    ROOT,
    bench_environment,
    drop_database,
    machine,
    percentile,
    recreate_database,
    setup_django,
)

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
PLAIN_STATIC_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TRACED_EXPORTS = ["csv", "zip (both tables)"]
WARM_UP_QUERY = "q=zzzz-no-such-record"
SUMMARY = (
    "Contrat de coopération entre la métropole et les territoires voisins : mobilités "
    "du quotidien, alimentation locale, accès aux soins et tourisme. Suivi annuel par un "
    "comité de pilotage commun."
)
DESCRIPTION = (
    "La métropole et ses partenaires ont signé une convention qui organise leur "
    "coopération autour de plusieurs axes : organisation des mobilités entre les pôles "
    "urbains et les bourgs-centres, structuration d’une filière alimentaire de proximité "
    "(projet alimentaire territorial), mutualisation de l’ingénierie (agence d’urbanisme, "
    "services communs), promotion touristique partagée et transition énergétique. "
    "Un comité de pilotage réunit les élus deux fois par an ; un comité technique suit "
    "les actions. Les résultats sont présentés chaque année en conseil communautaire."
)


# Synthetic registry ------------------------------------------------------------------------


def candidate_partners():
    """For each métropole: EPCI of its départements, EPCI of its régions, member communes."""
    from territories.models import Containment, Territory, TerritoryKind

    metropolises = list(Territory.objects.metropolises().current().order_by("code"))
    containers = {}
    for content_id, kind, container_id in Containment.objects.filter(
        content__in=metropolises
    ).values_list("content_id", "container__kind", "container_id"):
        containers.setdefault(content_id, {}).setdefault(kind, set()).add(container_id)
    result = {}
    for metropolis in metropolises:
        own = containers.get(metropolis.pk, {})

        def epci_in(container_ids, metropolis=metropolis):
            return list(
                Territory.objects.current()
                .of_kind(TerritoryKind.EPCI)
                .filter(containments_as_content__container_id__in=container_ids)
                .exclude(pk=metropolis.pk)
                .distinct()
                .order_by("code")
            )

        result[metropolis] = [
            epci_in(own.get(TerritoryKind.DEPARTMENT, set())),
            epci_in(own.get(TerritoryKind.REGION, set())),
            list(
                Territory.objects.current()
                .of_kind(TerritoryKind.COMMUNE)
                .contained_in(metropolis)
                .order_by("code")
            ),
        ]
    return result


def build_registry(records: int, seed: int = 2018) -> dict:
    """`records` cooperations with 3 partners each, written with bulk_create."""
    from django.db import transaction

    from cooperation.dates import DatePrecision
    from cooperation.geography import containers_by_territory, partner_relation
    from cooperation.models import (
        Cooperation,
        CooperationStatus,
        Instrument,
        PartnerRole,
        Partnership,
        Source,
        Theme,
    )
    from territories.text import normalize_search_text

    started = time.perf_counter()
    rng = random.Random(seed)
    candidates = candidate_partners()
    metropolises = list(candidates)
    themes = list(Theme.objects.all())
    all_ids = {m.pk for m in metropolises} | {
        t.pk for groups in candidates.values() for group in groups for t in group
    }
    containers = containers_by_territory(all_ids)
    Link = Cooperation.themes.through
    batch = 2000
    with transaction.atomic():
        for offset in range(0, records, batch):
            plans, cooperations = [], []
            for index in range(offset, min(records, offset + batch)):
                metropolis = metropolises[index % len(metropolises)]
                groups = [group for group in candidates[metropolis] if group]
                partners = []
                while len(partners) < 2 and groups:
                    choice = rng.choice(rng.choice(groups))
                    if choice not in partners:
                        partners.append(choice)
                pool = [metropolis, *partners]
                year = rng.randint(2005, 2024)
                precision = rng.choice(DatePrecision.values)
                title = (
                    f"{rng.choice(Instrument.labels)} n° {index} — {metropolis.name} et "
                    + " / ".join(p.name for p in partners)
                )
                cooperations.append(
                    Cooperation(
                        title=str(title)[:300],
                        slug=f"bench-{index}",
                        summary=SUMMARY,
                        description=DESCRIPTION,
                        instrument=rng.choice(Instrument.values),
                        status=rng.choice(CooperationStatus.values),
                        start_date=date(year, rng.randint(1, 12), 1),
                        start_precision=precision,
                        governance="Comité de pilotage semestriel ; comité technique mensuel.",
                        funding="Cofinancement à parts égales.",
                        is_published=rng.random() < 0.9,
                        metropolis=metropolis,
                        search_text=normalize_search_text(
                            " ".join([str(title), SUMMARY, DESCRIPTION] + [p.name for p in pool])
                        ),
                    )
                )
                plans.append((pool, rng.sample(themes, rng.randint(1, 3))))
            Cooperation.objects.bulk_create(cooperations)
            partnerships, links, sources = [], [], []
            for cooperation, (pool, chosen_themes) in zip(cooperations, plans, strict=True):
                for position, territory in enumerate(pool):
                    partnerships.append(
                        Partnership(
                            cooperation=cooperation,
                            territory=territory,
                            role=PartnerRole.LEAD if position == 0 else PartnerRole.PARTNER,
                            relation=partner_relation(territory, pool[0], containers),
                            position=position,
                        )
                    )
                links.extend(Link(cooperation=cooperation, theme=t) for t in chosen_themes)
                sources.append(
                    Source(
                        cooperation=cooperation,
                        title=f"Délibération du conseil communautaire ({cooperation.slug})",
                        url=f"https://example.org/deliberations/{cooperation.slug}",
                    )
                )
            Partnership.objects.bulk_create(partnerships)
            Link.objects.bulk_create(links)
            Source.objects.bulk_create(sources)
    return {
        "records": Cooperation.objects.count(),
        "published": Cooperation.objects.published().count(),
        "partnerships": Partnership.objects.count(),
        "metropolises": len(metropolises),
        "build_s": round(time.perf_counter() - started, 1),
    }


# Lists -------------------------------------------------------------------------------------


def bench_list(base_url: str, requests: int, accept: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve

    try:
        resolve(base_url)
    except Resolver404:
        return {"status": "not routed", "message": f"{base_url} is not routed yet."}
    client = Client(HTTP_ACCEPT=accept)
    rows = []
    for label, query in LIST_QUERIES:
        url = f"{base_url}?{query}" if query else base_url
        try:
            for _ in range(3):
                response = client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            query_count = len(queries.captured_queries)
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        except Exception as error:  # a broken view is a result, not a crash
            rows.append({"label": label, "url": url, "error": f"{type(error).__name__}: {error}"})
            continue
        if response.status_code != 200:
            rows.append(
                {
                    "label": label,
                    "url": url,
                    "status": response.status_code,
                    "error": response.content[:200].decode("utf-8", "replace"),
                }
            )
            continue
        count = None
        if "json" in response["Content-Type"]:
            body = response.json()
            count = body.get("count") if isinstance(body, dict) else None
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
                "count": count,
                "bytes": len(response.content),
                "queries": query_count,
                "sql_ms_one_request": round(sql_ms, 1),
                "requests": requests,
                "median_ms": round(statistics.median(timings), 1),
                "p90_ms": round(percentile(timings, 0.9), 1),
            }
        )
    return {"status": "ok", "rows": rows}


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


def memory_status(field: str) -> float:
    """VmRSS (resident memory now) or VmHWM (its peak) of this process, in MiB.

    Not `getrusage().ru_maxrss`: Linux carries it over `exec`, so a child started by a
    parent that holds the imported geography would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def reset_peak_rss() -> None:
    """Make VmHWM start again from the current resident memory (Linux ≥ 4.0)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def run_child(database_url: str, url: str, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--database-url", database_url, "--child-export", url]
    if trace:
        command.append("--trace")
    completed = subprocess.run(
        command, cwd=ROOT, env=bench_environment(database_url), capture_output=True, text=True
    )
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


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
    info = results["machine"]
    print(f"\n{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM")
    print(f"{info['database']}, Python {info['python']}, Django {info['django']}, {info['date']}")
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
    print("\nExports of the whole registry as seen by the public (one child process each)")
    print(
        f"  {'format':<20}{'wall s':>8}{'1st byte s':>11}{'MiB':>7}{'queries':>9}"
        f"{'peak RSS':>10}{'baseline':>10}{'Python peak':>13}"
    )
    for label, row in results["exports"].items():
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


def main(argv: list[str] | None = None) -> None:
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
    args = parser.parse_args(argv)

    if args.child_export:
        setup_django(args.database_url)
        child_export(args.child_export, trace=args.trace)
        return

    if not args.reuse:
        print(f"Bench database: {args.database_url} (created now, dropped at the end)")
        recreate_database(args.database_url)
    try:
        setup_django(args.database_url)
        from django.core.management import call_command
        from django.test.utils import override_settings, setup_test_environment

        from cooperation.models import Cooperation
        from cooperation.seed import seed_cooperations_load
        from territories.services import reference_data_import

        results = {"machine": machine(args.database_url)}
        if not args.reuse:
            call_command("migrate", verbosity=0)
            # The API's throttle counts live in the database cache (CACHE_URL).
            call_command("createcachetable", verbosity=0)
            print("Importing the reference geography…", flush=True)
            print(" ", reference_data_import().summary())
            print(" ", seed_cooperations_load().summary())
            print(f"Building {args.records} cooperations…", flush=True)
            results["registry"] = build_registry(args.records)
            if args.database_url.startswith("postgres"):
                from django.db import connection

                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        else:
            from cooperation.models import Partnership

            results["registry"] = {
                "records": Cooperation.objects.count(),
                "published": Cooperation.objects.published().count(),
                "partnerships": Partnership.objects.count(),
                "metropolises": Cooperation.objects.values("metropolis").distinct().count(),
                "build_s": None,
            }
        setup_test_environment()
        print("Timing the list page and the API…", flush=True)
        # DEBUG off selects the manifest storage, which needs `collectstatic`; the plain
        # storage gives the same pages (a static URL is a dictionary lookup either way).
        override_settings(STORAGES=PLAIN_STATIC_STORAGES).enable()
        results["page"] = bench_list(PAGE_URL, args.requests, "text/html")
        results["api"] = bench_list(API_URL, args.requests, "application/json")
        from django.db import connections

        connections.close_all()
        print("Timing the exports…", flush=True)
        results["exports"] = bench_exports(args.database_url)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)

    print_report(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for name in (f"registry-{stamp}.json", "registry-latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}/registry-{stamp}.json")


if __name__ == "__main__":
    main()
