"""Backups that restore: a backup of the database, restored into a fresh one, gives back
every row of every table."""

import datetime
import sqlite3
import uuid
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from cooperation.services import PartnerInput, SourceInput, cooperation_create
from portal.backups import BackupError, backup_database, restore_database
from surveys.models import Campaign
from surveys.services.responses import officer_add, questionnaire_load, response_open

CENSUS = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires" / "census-v1.json"


@pytest.fixture
def data(transactional_db, brittany, django_user_model):
    """A record with partners, a source and history; a campaign with a response; accounts:
    committed, so that the backup tools see them."""
    brest = brittany["brest_metropole"]
    cooperation_create(
        title="Contrat de réciprocité Brest - Quimper",
        instrument="reciprocity_contract",
        partners=[PartnerInput(brest, "lead"), PartnerInput(brittany["quimper_agglo"])],
        sources=[SourceInput(title="Délibération", date="2016-11")],
        is_published=True,
    )
    questionnaire, _created = questionnaire_load(path=CENSUS)
    campaign = Campaign.objects.create(
        title="Recensement",
        questionnaire=questionnaire,
        opening_date=timezone.localdate() - datetime.timedelta(days=1),
        closing_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    campaign.targets.set([brest])
    officer = django_user_model.objects.create_user("brest", password="x")
    officer_add(user=officer, territory=brest)
    response_open(campaign=campaign, territory=brest, user=officer)


def table_counts_postgres(name: str) -> dict[str, int]:
    settings = connection.settings_dict
    with (
        psycopg.connect(
            dbname=name, user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
        ) as link,
        link.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    link.close()
    return counts


def table_counts_sqlite(path) -> dict[str, int]:
    with sqlite3.connect(path) as link:
        tables = [
            row[0]
            for row in link.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        counts = {t: link.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    link.close()
    return counts


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def test_a_backup_restored_into_a_fresh_database_has_every_row(data, tmp_path):
    before = live_counts()
    assert before["cooperation_cooperation"] and before["surveys_response"]

    path = backup_database(directory=tmp_path)

    if connection.vendor == "postgresql":
        fresh = f"restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{fresh}"')
        try:
            restore_database({**connection.settings_dict, "NAME": fresh}, path=path)
            after = table_counts_postgres(fresh)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    else:
        fresh = tmp_path / "restored.sqlite3"
        restore_database({**connection.settings_dict, "NAME": str(fresh)}, path=path)
        after = table_counts_sqlite(fresh)
    assert {table: after.get(table) for table in before} == before


def test_a_backup_of_the_wrong_kind_is_refused(data, tmp_path):
    wrong = tmp_path / ("x.sqlite3" if connection.vendor == "postgresql" else "x.dump")
    wrong.write_bytes(b"not a backup")

    with pytest.raises(BackupError, match="is not a"):
        restore_database(connection.settings_dict, path=wrong)
    with pytest.raises(BackupError, match="No backup at"):
        restore_database(connection.settings_dict, path=tmp_path / "missing.dump")


def test_backup_command_says_where_it_wrote(data, tmp_path):
    out = StringIO()
    call_command("backup", "--directory", str(tmp_path), stdout=out)

    written = list(tmp_path.iterdir())
    assert len(written) == 1
    assert f"Backup written: {written[0]}" in out.getvalue()


def test_restore_command_asks_before_replacing_anything(data, tmp_path, monkeypatch):
    path = backup_database(directory=tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: "non")

    with pytest.raises(CommandError, match="cancelled, database unchanged"):
        call_command("restore", str(path))
