"""Load on loopback: officers autosaving while researchers browse, through gunicorn.

    .venv/bin/python bench/run.py load [--database-url URL] [--officers 50] [--researchers 20]
                                       [--duration 120] [--workers 5] [--threads 1]
                                       [--conn-max-age 60] [--cache-url URL] [--records 2000]
                                       [--keep] [--reuse]

1. Creates a throw-away PostgreSQL database (`cooperations_bench_load`, dropped at the end
   unless --keep), migrates it, imports the shipped geography, writes --records published
   cooperations (3 partners each, as `run.py exports` does), loads the census questionnaire
   and opens a campaign to --officers communautés, each with its officer, a signed-in
   session and its response (pre-filled from the registry).
2. Starts gunicorn as `docs/deployment.md` describes (--workers processes; with --threads
   above 1 the `gthread` worker, otherwise `sync`), `DEBUG` off, the database cache (or
   --cache-url, e.g. Redis as in production).
3. For --duration seconds, at the same time:
   - each officer saves its response every 2 s (`PATCH /api/v1/responses/<id>/` with the
     version its last save returned and a new text each time), as the answer page does;
   - each researcher requests a page, reads it for a second, and requests the next one:
     `/cooperations/` (unfiltered, a facet, two facets, a text search, a later page) or the
     API (`/api/v1/cooperations/`, `/api/v1/territories/`), chosen at random.
4. Reports, per kind of request, the count, p50, p95 and maximum latency, the errors (any
   status other than 200, or no answer), and the lost saves: after the run, each
   response's stored text must be the last one the server accepted for it; and the
   machine's load average when the load began and its CPU time during the run, by state
   (`common.cpu_shares`): whether the cores were saturated, or shared with other guests.

Writes `bench/results/load-<UTC timestamp>.json` (and `load-latest.json`). The latencies
are those of this machine with the load generator on the same cores: read them beside the
worker settings they were measured with.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

from common import (
    ROOT,
    bench_environment,
    cpu_shares,
    cpu_ticks,
    load_reference_data,
    machine,
    throwaway_database,
    write_results,
)
from exports import build_registry
from servers import free_port, started, wait_for

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_load"
SAVE_INTERVAL_S = 2.0
THINK_TIME_S = 1.0
CSRF_TOKEN = "b" * 32  # the cookie's secret; the header repeats it (unmasked form)
RESEARCHER_PAGES = [
    ("list", "/cooperations/"),
    ("list", "/cooperations/?theme=mobility"),
    ("list", "/cooperations/?theme=mobility&instrument=reciprocity_contract"),
    ("list", "/cooperations/?q=metropole"),
    ("list", "/cooperations/?page=5"),
    ("api", "/api/v1/cooperations/"),
    ("api", "/api/v1/cooperations/?page=30"),
    ("api", "/api/v1/territories/?page_size=100"),
    ("api", "/api/v1/territories/?q=saint"),
]


# Set-up ----------------------------------------------------------------------------------


def open_campaign(officers: int, run: str) -> list[dict]:
    """A census campaign to `officers` communautés, each with an officer, a signed-in
    session and its response. Returns what each simulated officer needs."""
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from surveys.models import Campaign
    from surveys.services.responses import officer_add, questionnaire_load, response_open
    from territories.models import Territory, TerritoryCategory, TerritoryKind

    questionnaire, _ = questionnaire_load(path=ROOT / "surveys/questionnaires/census-v1.json")
    communautes = Territory.objects.filter(
        kind=TerritoryKind.EPCI, category=TerritoryCategory.CA, is_obsolete=False
    )
    territories = list(communautes.order_by("code")[:officers])
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title=f"Recensement (charge {run})",
        questionnaire=questionnaire,
        organisers="France urbaine",
        opening_date=today - dt.timedelta(days=1),
        closing_date=today + dt.timedelta(days=30),
    )
    campaign.targets.set(territories)
    people = []
    for index, territory in enumerate(territories):
        user = get_user_model().objects.create_user(
            username=f"agent{index}-{run}", email=f"agent{index}-{run}@example.org"
        )
        officer_add(user=user, territory=territory)
        response = response_open(campaign=campaign, territory=territory, user=user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "response": response.pk,
                "version": response.version,
                "answers": response.answers,
                "cookie": f"sessionid={session.session_key}; csrftoken={CSRF_TOKEN}",
            }
        )
    return people


# Load --------------------------------------------------------------------------------------


class Log:
    """Latencies and errors of every request, by kind, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, list[str]] = {}

    def record(self, kind: str, started: float, error: str | None = None) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            if error:
                self.errors.setdefault(kind, []).append(error)


def request(url: str, *, method: str = "GET", body: bytes | None = None, headers=None):
    """(status, body) whatever the status; (0, error text) when nothing answered."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError as error:
        return 0, str(error).encode()


def officer(base: str, person: dict, index: int, stop: float, log: Log) -> None:
    """Save every SAVE_INTERVAL_S, each time a new text, with the version of the last save."""
    url = f"{base}/api/v1/responses/{person['response']}/"
    headers = {
        "Content-Type": "application/json",
        "Cookie": person["cookie"],
        "X-CSRFToken": CSRF_TOKEN,
        "Referer": base + "/",
    }
    answers = person["answers"]
    number = 0
    time.sleep(random.random() * SAVE_INTERVAL_S)  # not all at the same instant
    while time.monotonic() < stop:
        number += 1
        text = f"Chargée de mission, enregistrement {number} de l’agent {index}"
        answers = {**answers, "respondent": {**answers.get("respondent", {})}}
        answers["respondent"]["respondent_role"] = text
        body = json.dumps({"version": person["version"], "answers": answers}).encode()
        began = time.perf_counter()
        status, content = request(url, method="PATCH", body=body, headers=headers)
        if status == 200:
            person["version"] = json.loads(content)["version"]
            person["accepted"] = text
            log.record("autosave", began)
        else:
            log.record("autosave", began, f"{status}: {content[:200]!r}")
        time.sleep(max(0.0, SAVE_INTERVAL_S - (time.perf_counter() - began)))


def researcher(base: str, seed: int, stop: float, log: Log) -> None:
    rng = random.Random(seed)
    while time.monotonic() < stop:
        kind, path = rng.choice(RESEARCHER_PAGES)
        began = time.perf_counter()
        status, _body = request(base + path, headers={"Accept-Language": "fr"})
        log.record(kind, began, None if status == 200 else f"{status} {path}")
        time.sleep(THINK_TIME_S)


def lost_saves(people: list[dict]) -> list[int]:
    """The responses whose stored text is not the last one the server accepted."""
    from surveys.models import Response

    stored = dict(Response.objects.values_list("pk", "answers"))
    return [
        person["response"]
        for person in people
        if "accepted" in person
        and stored[person["response"]].get("respondent", {}).get("respondent_role")
        != person["accepted"]
    ]


def summary(log: Log) -> dict:
    rows = {}
    for kind, values in sorted(log.latencies.items()):
        ordered = sorted(values)
        rows[kind] = {
            "requests": len(values),
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1),
            "max_ms": round(ordered[-1], 1),
            "errors": len(log.errors.get(kind, [])),
            "first_errors": log.errors.get(kind, [])[:5],
        }
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--researchers", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of load")
    # The defaults are the settings docs/deployment.md recommends for 2 cores.
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--conn-max-age", type=int, default=60, help="CONN_MAX_AGE, seconds")
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument(
        "--cache-url",
        default="",
        help="CACHE_URL of the server (e.g. redis://127.0.0.1:6379/1); default: the database cache",
    )
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="reuse a database kept by --keep")
    args = parser.parse_args(argv)

    env = bench_environment(args.database_url) | {
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CONN_MAX_AGE": str(args.conn_max_age),
        # The load comes from one address: the anonymous throttle would refuse it.
        "API_ANON_RATE": "1000000/minute",
    }
    if args.cache_url:
        env["CACHE_URL"] = args.cache_url
    with throwaway_database(args.database_url, keep=args.keep, reuse=args.reuse):
        from django.core.management import call_command
        from django.db import connections

        results = {"machine": machine(args.database_url), "settings": vars(args)}
        if not args.reuse:
            load_reference_data(keep_seed_records=False, quiet=True)
            print(f"Writing {args.records} cooperations…", flush=True)
            results["registry"] = build_registry(args.records, min(args.records, 1000))
        print(f"Opening a campaign to {args.officers} communautés…", flush=True)
        # A new campaign and new officers each run (a reused database keeps the earlier ones).
        people = open_campaign(args.officers, run=datetime.now(UTC).strftime("%H%M%S"))
        call_command("collectstatic", "--noinput", verbosity=0)
        connections.close_all()
        results["load_average_at_start"] = [round(value, 2) for value in os.getloadavg()]
        log, results["cpu_during_load"] = run_load(args, env, people)
        results["requests"] = summary(log)
        results["lost_saves"] = lost_saves(people)
    print(
        json.dumps(
            {
                key: results[key]
                for key in ("load_average_at_start", "cpu_during_load", "requests", "lost_saves")
            },
            indent=1,
        )
    )
    write_results(results, "load")


def run_load(args: argparse.Namespace, env: dict, people: list[dict]) -> tuple[Log, dict]:
    """gunicorn, then the officers and researchers for `args.duration` seconds. Returns
    the log and how the machine's CPU was spent meanwhile (`cpu_shares`)."""
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers)]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = Log()
    with started([*command, "--bind", f"127.0.0.1:{port}"], env) as web:
        wait_for(base + "/api/v1/territories/epci/242900314/", web)
        for _, path in RESEARCHER_PAGES:  # warm-up: each worker's first queries
            request(base + path)
        print(
            f"{args.officers} officers and {args.researchers} researchers for "
            f"{args.duration:.0f} s…",
            flush=True,
        )
        stop = time.monotonic() + args.duration
        before = cpu_ticks()
        threads = [
            threading.Thread(target=officer, args=(base, person, index, stop, log))
            for index, person in enumerate(people)
        ] + [
            threading.Thread(target=researcher, args=(base, seed, stop, log))
            for seed in range(args.researchers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = cpu_shares(before, cpu_ticks())
    return log, cpu


if __name__ == "__main__":
    main()
