"""Backups of the database that restore: PostgreSQL's own custom-format dump
(`pg_dump -Fc` / `pg_restore`), or SQLite's online backup.

A backup holds every table — records, their history, territories, survey responses,
accounts, sessions and the queue's jobs. Export files of running or finished jobs are
not in it and are not needed: a restored portal prepares them again on request.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path

from django.db import connections
from django.utils import timezone


class BackupError(Exception):
    """A backup or a restore that could not be made; the message says why."""


def backup_database(*, directory: Path, alias: str = "default") -> Path:
    """Write a backup of the database `alias` into `directory`; return its path:
    `<name>-<UTC time>.dump` (PostgreSQL) or `.sqlite3` (SQLite)."""
    connection = connections[alias]
    database = connection.settings_dict
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    name = Path(str(database["NAME"])).stem.split("?")[0] or "database"
    if _is_sqlite(database):
        target = directory / f"{name}-{stamp}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    target = directory / f"{name}-{stamp}.dump"
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], database)
    return target


def restore_database(database: Mapping, *, path: Path) -> None:
    """Replace the contents of `database` (a `DATABASES` entry; close its connections
    first) with the backup at `path`, in one transaction on PostgreSQL (a failed restore
    leaves the database as it was)."""
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if _is_sqlite(database):
        if path.suffix != ".sqlite3":
            raise BackupError(f"{path} is not a SQLite backup (.sqlite3).")
        with sqlite3.connect(path) as origin, sqlite3.connect(database["NAME"]) as target:
            origin.backup(target)
        origin.close()
        target.close()
        return
    if path.suffix != ".dump":
        raise BackupError(f"{path} is not a PostgreSQL backup (.dump).")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        ],
        database,
    )


def _is_sqlite(database: Mapping) -> bool:
    return database["ENGINE"].endswith("sqlite3")


def _run(command: list[str], database: Mapping) -> None:
    """Run a PostgreSQL client tool against `database` (its password, if any, through the
    environment rather than the command line)."""
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    environment = {**os.environ, "PGDATABASE": str(database["NAME"])}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            environment[variable] = str(database[key])
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    if command[0] == "pg_restore":
        command = [*command[:-1], f"--dbname={database['NAME']}", command[-1]]
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")
