"""`manage.py import_territories`: thin wrapper around `reference_data_import`."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from territories.models import Territory, TerritoryKind

from .release import Release, database_state

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def release(tmp_path) -> Release:
    return Release.copy_to(tmp_path / "release")


def run_command(*args: str) -> str:
    out = StringIO()
    call_command("import_territories", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_command_prints_a_one_line_summary_then_already_up_to_date(release):
    first = run_command("--source", str(release.path))
    second = run_command("--source", str(release.path))

    assert first.count("\n") == 1
    assert first.strip() == (
        "decoupage-administratif-fixture@1: territories 16 created, 0 updated, 0 obsoleted, "
        "0 restored; containments 33 added, 0 removed."
    )
    assert (
        second.strip() == "decoupage-administratif-fixture@1: already up to date, nothing changed."
    )


@pytest.mark.django_db
def test_command_departments_option_limits_the_import(release):
    output = run_command("--source", str(release.path), "--departments", " 22 , ")

    assert "created" in output
    assert set(Territory.objects.of_kind(TerritoryKind.COMMUNE).values_list("code", flat=True)) == {
        "22202"
    }


@pytest.mark.django_db
def test_command_refuses_unknown_department_with_a_clear_message(release):
    run_command("--source", str(release.path))
    before = database_state()

    with pytest.raises(CommandError) as caught:
        run_command("--source", str(release.path), "--departments", "29,2a")

    assert str(caught.value) == (
        "Import aborted, database unchanged: Unknown département code(s): 2A"
    )
    assert database_state() == before


@pytest.mark.django_db
def test_command_refuses_an_empty_department_list_instead_of_importing_everything(release):
    with pytest.raises(CommandError, match="at least one département code"):
        run_command("--source", str(release.path), "--departments", " , ")
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_command_on_bad_input_raises_command_error_and_leaves_database_unchanged(release):
    run_command("--source", str(release.path))
    release.edit("epci", lambda rows: rows[0]["membres"].append({"code": "29999", "nom": "X"}))
    before = database_state()

    with pytest.raises(CommandError) as caught:
        run_command("--source", str(release.path))

    message = str(caught.value)
    assert message.startswith("Import aborted, database unchanged: epci.json, record #1")
    assert "Brest Métropole" in message
    assert "'29999'" in message
    assert database_state() == before


def manage(*args: str, database: Path) -> subprocess.CompletedProcess:
    """Run manage.py in a child process, on a throw-away SQLite file."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_exits_non_zero_with_the_reason_on_stderr(release, tmp_path):
    (release.path / "communes.json").write_text("[{", encoding="utf-8")

    result = manage("import_territories", "--source", str(release.path), database=tmp_path / "db")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "CommandError: Import aborted, database unchanged: communes.json: not valid JSON" in (
        result.stderr
    )


def test_interrupted_import_is_a_clean_abort_with_exit_code_130(release, monkeypatch):
    from territories.management.commands import import_territories

    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(import_territories, "reference_data_import", interrupted)

    with pytest.raises(CommandError, match="Import interrupted, database unchanged") as caught:
        run_command("--source", str(release.path))

    assert caught.value.returncode == 130


INTERRUPTED_RUN = """
import os, signal, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import execute_from_command_line
from territories.management.commands import import_territories

def interrupted(**kwargs):
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, as the terminal sends it
    signal.pause()

import_territories.reference_data_import = interrupted
execute_from_command_line(["manage.py", "import_territories"])
"""


def test_ctrl_c_exits_130_with_the_clean_message_and_no_traceback(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_RUN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == "CommandError: Import interrupted, database unchanged."
    assert "Traceback" not in result.stderr
