"""Other processes against the test database: gunicorn servers and task workers.

The test database must be one they can open: PostgreSQL's test database as it is (the test
must then commit, `django_db(transaction=True)`); SQLite's in-memory test database is
first copied to a file with SQLite's backup API.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def shared_database_url(tmp_path: Path) -> str:
    """A DATABASE_URL that another process can use to reach the test database's data."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        host = settings["HOST"] or "127.0.0.1"
        port = settings["PORT"] or 5432
        return f"postgres://{user}@{host}:{port}/{settings['NAME']}"
    connection.ensure_connection()
    path = tmp_path / "shared.sqlite3"
    target = sqlite3.connect(path)
    with target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def process_environment(database_url: str, **extra: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CACHE_URL", "TASKS_URL"}
    }
    environment.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="config.settings")
    environment.update(extra)
    return environment


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, *args: str, **env: str) -> Iterator[str]:
    """A gunicorn server with its default settings (one sync worker, 30 s timeout) on a
    free loopback port; yields its base URL, and stops it on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", *args],
        cwd=ROOT,
        env=process_environment(database_url, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read()
            raise RuntimeError(f"gunicorn exited with {process.returncode}: {error}")
        try:
            urllib.request.urlopen(f"{url}/robots-probe-404", timeout=2)
        except urllib.error.HTTPError:
            return  # any HTTP answer: the worker is up
        except OSError:
            time.sleep(0.2)
        else:
            return
    raise RuntimeError(f"gunicorn did not answer on {url} within {timeout} s")


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
