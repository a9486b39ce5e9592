"""Benchmark: how a response's history grows under autosave, one snapshot per save against
one per `SURVEY_HISTORY_INTERVAL_MINUTES`.

    .venv/bin/python bench/run.py history [--database-url URL] [--saves 2300] [--keep]

1. Creates a throw-away database (PostgreSQL by default, `cooperations_bench_history`;
   dropped at the end unless --keep) and migrates it; loads the census questionnaire and
   opens a campaign to one métropole, with one officer.
2. Runs the same sequence twice, on two responses: --saves autosaves through
   `response_save` (the service behind the answer page and `PATCH /api/v1/responses/`),
   one every 3 seconds of simulated time (a fake clock), each changing one answer of a
   response holding four cooperation entries — first with an interval of 0 (a snapshot
   per save, the behaviour before the interval existed), then with the default 10 minutes.
3. Reports, for each run: history rows, the size of the history table
   (`pg_total_relation_size`, PostgreSQL only), and the median time of a save.

Writes `bench/results/history-<timestamp>.json` (and `history-latest.json`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import time
from datetime import UTC
from pathlib import Path
from unittest import mock

from common import (
    RESULTS,
    ROOT,
    drop_database,
    is_postgres,
    machine,
    recreate_database,
    setup_django,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cooperations_bench_history"
SAVE_EVERY = datetime.timedelta(seconds=3)


def build_world():
    """A campaign of the census to one métropole, an officer, and two responses' owners."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from surveys.models import Campaign
    from surveys.services.responses import officer_add, questionnaire_load
    from territories.models import Territory

    questionnaire, _created = questionnaire_load(
        path=ROOT / "surveys" / "questionnaires" / "census-v1.json"
    )
    territories = [
        Territory.objects.create(kind="epci", code=code, name=name, category="METRO")
        for code, name in (("242900314", "Brest Métropole"), ("244200770", "Saint-Étienne"))
    ]
    # The partner every described cooperation names.
    Territory.objects.create(kind="epci", code="242900694", name="Quimper", category="CA")
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        title="Recensement",
        questionnaire=questionnaire,
        opening_date=today - datetime.timedelta(days=1),
        closing_date=today + datetime.timedelta(days=30),
    )
    campaign.targets.set(territories)
    officer = get_user_model().objects.create_user("officer", password="x")
    for territory in territories:
        officer_add(user=officer, territory=territory)
    return campaign, territories, officer


def answers_at(step: int) -> dict:
    """A response of realistic size (four described cooperations), one answer changing."""
    entry = {
        "coop_partners": ["epci:242900694"],
        "coop_instrument": "reciprocity_contract",
        "coop_themes": ["mobility", "tourism"],
        "coop_status": "active",
        "coop_start_year": 2016,
        "coop_summary": "Coopération ville-campagne sur les mobilités et le tourisme. " * 6,
        "coop_governance": "Comité de pilotage annuel, comité technique trimestriel. " * 4,
    }
    return {
        "respondent": {"respondent_name": "Anne Le Gall", "respondent_role": f"Saisie {step}"},
        "cooperations": [
            {"_entry": f"c{index}", "coop_title": f"Coopération {index}", **entry}
            for index in range(4)
        ],
    }


def run_saves(campaign, territory, officer, saves: int, interval: int) -> dict:
    from django.conf import settings

    from surveys.services.responses import response_open, response_save

    settings.SURVEY_HISTORY_INTERVAL_MINUTES = interval
    clock = [datetime.datetime.now(UTC)]

    def now():
        return clock[0]

    size_before = _history_table_size()
    timings = []
    with mock.patch("django.utils.timezone.now", now):
        response = response_open(campaign=campaign, territory=territory, user=officer)
        for step in range(saves):
            clock[0] += SAVE_EVERY
            started = time.perf_counter()
            response = response_save(
                response=response, answers=answers_at(step), version=response.version, user=officer
            )
            timings.append(time.perf_counter() - started)
    size_after = _history_table_size()
    return {
        "interval_minutes": interval,
        "saves": saves,
        "simulated_minutes": saves * SAVE_EVERY.total_seconds() / 60,
        "history_rows": response.history.count(),
        "history_bytes_added": None if size_after is None else size_after - size_before,
        "save_median_ms": statistics.median(timings) * 1000,
    }


def _history_table_size() -> int | None:
    """The history table's size on disk, indexes and TOAST included (PostgreSQL only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("VACUUM surveys_historicalresponse")
        cursor.execute("SELECT pg_total_relation_size('surveys_historicalresponse')")
        return cursor.fetchone()[0]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="run.py history", description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--saves", type=int, default=2300)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args(argv)

    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # a registry write moves the cache version on
    try:
        campaign, territories, officer = build_world()
        runs = [
            run_saves(campaign, territories[0], officer, args.saves, interval=0),
            run_saves(campaign, territories[1], officer, args.saves, interval=10),
        ]
        results = {"machine": machine(args.database_url), "runs": runs}
        if not is_postgres(args.database_url):
            print("(table sizes are measured on PostgreSQL only)")
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)

    print(f"{'interval':>10} {'saves':>6} {'history rows':>13} {'table growth':>13} {'save':>8}")
    for run in runs:
        size = run["history_bytes_added"]
        print(
            f"{run['interval_minutes']:>8} m {run['saves']:>6} {run['history_rows']:>13} "
            f"{(f'{size / 1024 / 1024:.2f} MiB') if size is not None else '—':>13} "
            f"{run['save_median_ms']:>6.1f} ms"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"history-{stamp}.json", "history-latest.json"):
        Path(RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
