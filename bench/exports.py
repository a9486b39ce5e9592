"""Benchmark of the large exports, as jobs, through gunicorn with its default settings.

    .venv/bin/python bench/run.py exports [--database-url URL] [--records 333334]
                                          [--sample 20000] [--keep] [--reuse]

1. Creates a throw-away PostgreSQL database (`cooperations_bench_exports`, dropped at the
   end unless --keep), migrates it, imports the shipped geography and the seed themes, then
   writes a synthetic registry with COPY FROM (a few seconds): --records published
   cooperations (333,334) led by the real métropoles with two other real partners each —
   1,000,002 partnership rows —, 1 to 3 themes and a source each; the first --sample
   (20,000) records also carry the theme `bench-sample`, to select them exactly.
2. Starts `gunicorn config.wsgi` with its defaults (one sync worker, 30 s timeout) and one
   `manage.py db_worker`, DEBUG off, the database cache.
3. The partnerships CSV (1,000,002 rows) as an anonymous API client:
   `GET /api/v1/cooperations/?format=csv&table=partnerships` → 202, poll the Location
   until it redirects (303), download the file. Timed from the first request to the last
   byte, with the progress seen while polling, and the peak resident memory of the gunicorn
   worker and of the task worker against their level before. In the same run, the floor:
   the export's own SELECT through a bare `COPY … TO STDOUT` into nothing, and the same
   rows unformatted (a plain join).
4. The same CSV asked for at once (EXPORT_JOB_MIN_ROWS raised): does gunicorn's 30 s
   timeout let it through, and how long does it take.
5. XLSX of the --sample records from the list page's export link (a job): time to ready,
   with the progress the job's page showed.

Writes `bench/results/exports-<UTC timestamp>.json` (and `exports-latest.json`).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
from pathlib import Path

from common import (
    bench_environment,
    load_reference_data,
    machine,
    memory_status,
    reset_peak_rss,
    throwaway_database,
    write_results,
)
from servers import children, client, download, fetch, free_port, started, wait_for

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_exports"
SAMPLE_THEME = "bench-sample"
CSV_URL = "/api/v1/cooperations/?format=csv&table=partnerships"


# Synthetic registry, written with COPY FROM ---------------------------------------------


def build_registry(records: int, sample: int, seed: int = 2018) -> dict:
    from common import vacuum_analyze
    from django.utils import timezone
    from synthetic import Material, RegistryRows

    from cooperation.models import Theme

    started = time.perf_counter()
    material = Material(seed)
    sample_theme = Theme.objects.create(
        code=SAMPLE_THEME, label_fr="Échantillon", label_en="Sample", position=99
    ).pk
    now = timezone.now().isoformat()
    rows = RegistryRows(material.containers)
    for index in range(records):
        pk = material.add_record(
            rows, index, now=now, search_text=lambda title, *_: title.lower()[:200]
        )
        if index < sample:
            rows.add_theme(pk, sample_theme)
    rows.copy(last_id=records)
    vacuum_analyze()
    return {
        "records": records,
        "partnerships": len(rows.partnerships),
        "sample": sample,
        "build_s": round(time.perf_counter() - started, 1),
    }


# Measurements ---------------------------------------------------------------------------


def rss(before: float, pid: int) -> dict:
    """The resident memory of process `pid` before a measure and its peak since."""
    return {"before": before, "peak": memory_status("VmHWM", pid)}


def bench_csv_job(base: str, gunicorn_pid: int, worker_pid: int) -> dict:
    opener = client()
    fetch(opener, f"{base}/api/v1/territories/epci/242900314/")  # warm-up: imports, connection
    web = (children(gunicorn_pid) or [gunicorn_pid])[0]
    for pid in (web, worker_pid):
        reset_peak_rss(pid)
    baseline = {
        "gunicorn": memory_status("VmRSS", web),
        "worker": memory_status("VmRSS", worker_pid),
    }
    begin = time.perf_counter()
    status, headers, body = fetch(opener, base + CSV_URL)
    assert status == 202, (status, body[:300])
    location = headers["Location"]
    progress = []
    while True:
        status, headers, body = fetch(opener, location)
        elapsed = round(time.perf_counter() - begin, 2)
        if status not in (200, 303):
            raise SystemExit(f"Polling {location} answered {status}: {body[:500]!r}")
        job = json.loads(body)
        progress.append((elapsed, job["status"], job["rows_written"], job["rows_total"]))
        if status == 303 or job["status"] in ("failed", "expired"):
            break
        time.sleep(0.25)
    ready = time.perf_counter() - begin
    assert status == 303, job
    code, length, size = download(opener, headers["Location"])
    total = time.perf_counter() - begin
    return {
        "rows": job["rows_total"],
        "ready_s": round(ready, 2),
        "total_s": round(total, 2),
        "download_s": round(total - ready, 2),
        "status": code,
        "content_length": length,
        "bytes": size,
        "mib": round(size / 1024 / 1024, 1),
        "progress": progress,
        "gunicorn_rss_mib": rss(baseline["gunicorn"], web),
        "worker_rss_mib": rss(baseline["worker"], worker_pid),
    }


def bench_csv_direct(base: str) -> dict:
    opener = client()
    begin = time.perf_counter()
    try:
        code, length, size = download(opener, base + CSV_URL)
    except (OSError, urllib.error.URLError) as error:
        return {"error": f"{type(error).__name__}: {error}", "after_s": time.perf_counter() - begin}
    return {
        "status": code,
        "total_s": round(time.perf_counter() - begin, 2),
        "content_length": length,
        "bytes": size,
        "complete": length == size,
    }


def bench_copy_floor() -> dict:
    """The export's own SELECT through a bare COPY into nothing, and a plain join."""
    from django.db import connection
    from django.http import QueryDict

    from cooperation import export_copy
    from cooperation.export_records import RowContext
    from cooperation.filters import CooperationFilterSet
    from cooperation.models import Cooperation

    class Nothing:
        size = 0

        def write(self, data):
            self.size += len(data)

    selection = CooperationFilterSet(
        QueryDict(""), queryset=Cooperation.objects.visible_to(None)
    ).qs
    export_sql = export_copy.partnerships_csv_sql(selection, RowContext("http://127.0.0.1/"))
    plain_sql = (
        "SELECT c.slug, c.title, t.kind, t.code, t.siren, t.name, t.category, p.role, "
        "p.relation, m.siren, c.start_date, c.status, c.instrument "
        "FROM cooperation_partnership p JOIN cooperation_cooperation c ON c.id = p.cooperation_id "
        "JOIN territories_territory t ON t.id = p.territory_id "
        "LEFT JOIN territories_territory m ON m.id = c.metropolis_id WHERE c.is_published"
    )
    results = {}
    for label, sql in (("export_select", export_sql), ("plain_join", plain_sql)):
        timings = []
        for _ in range(3):
            sink = Nothing()
            begin = time.perf_counter()
            statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
            with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
                for block in copy:
                    sink.write(block)
            timings.append(time.perf_counter() - begin)
        results[label] = {"best_s": round(min(timings), 2), "mib": round(sink.size / 2**20, 1)}
    return results


def bench_xlsx_job(base: str, worker_pid: int) -> dict:
    opener = client()
    reset_peak_rss(worker_pid)
    before = memory_status("VmRSS", worker_pid)
    begin = time.perf_counter()
    status, headers, _body = fetch(opener, f"{base}/cooperations/export/xlsx/?theme={SAMPLE_THEME}")
    assert status == 302, status
    page = base + headers["Location"]
    progress = []
    while True:
        _status, _headers, body = fetch(opener, page)
        html = body.decode()
        elapsed = round(time.perf_counter() - begin, 2)
        bar = re.search(r'<progress[^>]*max="(\d+)" value="(\d+)"', html)
        if bar:
            progress.append((elapsed, int(bar.group(2)), int(bar.group(1))))
        link = re.search(r'href="(/telechargements/[^"]+/fichier/)"', html)
        if link or "a échoué" in html:
            break
        time.sleep(0.5)
    ready = time.perf_counter() - begin
    assert link, html[:2000]
    code, length, size = download(opener, base + link.group(1))
    return {
        "ready_s": round(ready, 2),
        "total_s": round(time.perf_counter() - begin, 2),
        "status": code,
        "complete": length == size,
        "mib": round(size / 2**20, 1),
        "progress": progress,
        "worker_rss_mib": rss(before, worker_pid),
    }


# Main -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--records", type=int, default=333_334)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a database kept by --keep")
    return parser.parse_args(argv)


def prepare(args: argparse.Namespace, results: dict) -> None:
    """The registry (unless reused), an empty task queue, the static files, the floor."""
    from django.core.management import call_command
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    from jobs.models import ExportJob

    if not args.reuse:
        load_reference_data(keep_seed_records=False)
        print(f"Writing {args.records} cooperations…", flush=True)
        results["registry"] = build_registry(args.records, args.sample)
        print(" ", results["registry"])
    # No job or task left from an earlier run: the worker starts with an empty queue.
    DBTaskResult.objects.all().delete()
    ExportJob.objects.all().delete()
    # DEBUG off serves static files from the manifest: the job's page needs it.
    call_command("collectstatic", "--noinput", verbosity=0)
    print("Floor: the export's SELECT through a bare COPY…", flush=True)
    results["copy_floor"] = bench_copy_floor()
    connections.close_all()


def measure_through_gunicorn(env: dict, results: dict) -> None:
    """The CSV and the XLSX as jobs (gunicorn and a task worker), then the CSV at once."""
    python = sys.executable
    gunicorn = [python, "-m", "gunicorn", "config.wsgi"]
    worker = [python, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]
    port = free_port()
    with (
        started([*gunicorn, "--bind", f"127.0.0.1:{port}"], env) as web,
        started(worker, env) as task_worker,
    ):
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/api/v1/territories/epci/242900314/", web)
        print("CSV of 1,000,000 partnerships as a job, through gunicorn…", flush=True)
        results["csv_job"] = bench_csv_job(base, web.pid, task_worker.pid)
        print("XLSX of the sample as a job…", flush=True)
        results["xlsx_job"] = bench_xlsx_job(base, task_worker.pid)
    direct_env = env | {"EXPORT_JOB_MIN_ROWS": "100000000"}
    port = free_port()
    with started([*gunicorn, "--bind", f"127.0.0.1:{port}"], direct_env) as direct:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/api/v1/territories/epci/242900314/", direct)
        print("The same CSV at once (no job), through gunicorn's defaults…", flush=True)
        results["csv_direct"] = bench_csv_direct(base)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    files = Path("/tmp") / "cooperations-bench-exports"
    # Plain HTTP on loopback: the session cookie (which ties an anonymous job to its client)
    # must not be HTTPS-only.
    env = bench_environment(args.database_url) | {
        "EXPORT_FILES_DIR": str(files),
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    with throwaway_database(args.database_url, keep=args.keep, reuse=args.reuse):
        results = {"machine": machine(args.database_url)}
        prepare(args, results)
        measure_through_gunicorn(env, results)
    floor = results["copy_floor"]["export_select"]["best_s"]
    results["csv_job"]["ratio_to_copy"] = round(results["csv_job"]["total_s"] / floor, 2)
    summary = {
        name: {key: value for key, value in section.items() if key != "progress"}
        for name, section in results.items()
        if isinstance(section, dict) and name != "machine"
    }
    print(json.dumps(summary, indent=1))
    write_results(results, "exports")


if __name__ == "__main__":
    main()
