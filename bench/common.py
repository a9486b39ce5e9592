"""What every bench shares: the throw-away database, production-like settings, the machine
it ran on, timing a URL through Django's test client, the memory of a process, and where
the results go. The benches import it as `common` (bench/ is on their path)."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
# DEBUG off selects the manifest storage, which needs `collectstatic`; the plain storage
# gives the same pages (a static URL is a dictionary lookup either way).
PLAIN_STATIC_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PROTECTED_DATABASES = {"postgres", "template0", "template1"}


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


# The throw-away database -------------------------------------------------------------------


def is_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}


def _drop(database_url: str, *, create: bool) -> None:
    """Drop the bench database (and create it anew if `create`)."""
    if is_postgres(database_url):
        import psycopg
        from psycopg import sql

        parts = urlsplit(database_url)
        name = sql.Identifier(parts.path.lstrip("/"))
        connection = psycopg.connect(urlunsplit(parts._replace(path="/postgres")))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if create:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
        connection.close()
    elif database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif create:
        raise SystemExit(f"Unsupported database URL for the bench: {database_url}")


def recreate_database(database_url: str) -> None:
    """Drop and create the (throw-away) bench database."""
    name = urlsplit(database_url).path.lstrip("/")
    if is_postgres(database_url) and (not name or name in PROTECTED_DATABASES):
        raise SystemExit(f"Refusing to drop the database {name!r}: give a throw-away name.")
    _drop(database_url, create=True)


def drop_database(database_url: str) -> None:
    _drop(database_url, create=False)


@contextlib.contextmanager
def throwaway_database(database_url: str, *, keep: bool, reuse: bool = False):
    """Create the bench database (unless `reuse`: one kept by an earlier `keep`), set Django
    up on it, and drop it at the end unless `keep`."""
    if not reuse:
        print(f"Bench database: {database_url} (created now, dropped at the end)")
        recreate_database(database_url)
    try:
        setup_django(database_url)
        yield
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            drop_database(database_url)


def load_reference_data(*, keep_seed_records: bool = True, quiet: bool = False) -> None:
    """Migrate, create the cache table (the API's throttle counts), import the shipped
    geography and load the seed (themes and documented records; only its themes unless
    `keep_seed_records`)."""
    from django.core.management import call_command

    from cooperation.models import Cooperation
    from cooperation.seed import seed_cooperations_load
    from territories.services import reference_data_import

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    print("Importing the reference geography…", flush=True)
    for report in (reference_data_import(), seed_cooperations_load()):
        if not quiet:
            print(" ", report.summary())
    if not keep_seed_records:
        Cooperation.objects.all().delete()  # only synthetic records: the sizes are exact


def vacuum_analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would give them later."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# The machine and the results ---------------------------------------------------------------


def _proc_value(path: str, prefix: str, parse, default):
    for line in Path(path).read_text().splitlines():
        if line.startswith(prefix):
            return parse(line)
    return default


def _database_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


def machine(database_url: str) -> dict:
    from django import get_version

    cpu = _proc_value(
        "/proc/cpuinfo",
        "model name",
        lambda line: line.split(":", 1)[1].strip(),
        platform.processor() or "?",
    )
    memory_kib = _proc_value("/proc/meminfo", "MemTotal:", lambda line: int(line.split()[1]), 0)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(memory_kib / 1024 / 1024, 1),
        "database": _database_version(),
        "database_url": database_url,
        "python": platform.python_version(),
        "django": get_version(),
        "os": platform.platform(),
        "git_commit": commit,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


CPU_STATES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def cpu_ticks() -> list[int]:
    """The machine's CPU time so far, in ticks, by state (the `cpu` line of /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return [int(value) for value in fields[: len(CPU_STATES)]]


def cpu_shares(before: list[int], after: list[int]) -> dict[str, float]:
    """How the machine's CPU time was spent between two `cpu_ticks()`, in % by state:
    `idle` near 0 means the cores were saturated; `steal`, time taken by other guests of
    a shared host."""
    spent = [end - start for start, end in zip(before, after, strict=True)]
    total = sum(spent) or 1
    return {
        state: round(100 * ticks / total, 1) for state, ticks in zip(CPU_STATES, spent, strict=True)
    }


def print_machine(info: dict) -> None:
    print(f"\n{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB RAM")
    print(f"{info['database']}, Python {info['python']}, Django {info['django']}, {info['date']}")


def write_results(results: dict, prefix: str, latest: str | None = None) -> None:
    """`bench/results/<prefix>-<UTC timestamp>.json` and the latest copy
    (`<prefix>-latest.json` unless named)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    for name in (f"{prefix}-{stamp}.json", latest or f"{prefix}-latest.json"):
        (RESULTS / name).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}/{prefix}-{stamp}.json")


def last_json_line(completed: subprocess.CompletedProcess) -> dict:
    """What a child process printed as JSON on its last line of stdout."""
    return json.loads(completed.stdout.strip().splitlines()[-1])


# Timing ------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timings_ms(call, times: int) -> list[float]:
    """Wall time of `times` calls of `call`, in ms."""
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def latency(timings: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(percentile(timings, 0.9), 1),
    }


def warm_get(client, url: str, warm_up: int = 3):
    """`warm_up` GETs (connection, caches, first-query planning), then one with its SQL
    captured: (response, number of queries, their time in ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_up):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # Read now: each later request clears the connection's query log.
    sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return response, len(queries.captured_queries), sql_ms


def is_routed(url: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def bench_list(base_url: str, queries: list[tuple[str, str]], requests: int, accept: str) -> list:
    """Each (label, query) of a list URL: 3 warm-up requests, the SQL of one, then
    `requests` timed ones; a failing request is a row with its error, not a crash."""
    from django.test import Client

    client = Client(HTTP_ACCEPT=accept)
    rows = []
    for label, query in queries:
        url = f"{base_url}?{query}" if query else base_url
        try:
            response, query_count, sql_ms = warm_get(client, url)
        except Exception as error:  # a broken view is a result, not a crash
            rows.append({"label": label, "url": url, "error": f"{type(error).__name__}: {error}"})
            continue
        if response.status_code != 200:
            error = response.content[:300].decode("utf-8", "replace")
            rows.append(
                {"label": label, "url": url, "status": response.status_code, "error": error}
            )
            continue
        body = response.json() if "json" in response["Content-Type"] else None
        timings = timings_ms(lambda url=url: client.get(url), requests)
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
                **latency(timings),
                "min_ms": round(min(timings), 1),
                "max_ms": round(max(timings), 1),
            }
        )
    return rows


# Memory ------------------------------------------------------------------------------------


def memory_status(field: str, pid: int | str = "self") -> float:
    """VmRSS (resident memory now) or VmHWM (its peak) of a process, in MiB.

    Not `getrusage().ru_maxrss`: Linux carries it over `exec`, so a child started by a
    parent that holds the imported geography would report the parent's peak."""
    return _proc_value(
        f"/proc/{pid}/status",
        f"{field}:",
        lambda line: round(int(line.split()[1]) / 1024, 1),
        float("nan"),
    )


def reset_peak_rss(pid: int | str = "self") -> None:
    """Make VmHWM start again from the current resident memory (Linux ≥ 4.0)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")
