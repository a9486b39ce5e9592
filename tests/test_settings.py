"""Production settings: secrets are required and `check --deploy` passes."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cooperations.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_with_debug_off_is_a_clear_error():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="cooperations.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_content_security_policy_forbids_inline_scripts(client, db):
    response = client.get("/api/docs/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'self'" in script_src


KILL_AND_REQUEST = """
import django, psycopg
django.setup()
from django.db import close_old_connections, connection
from django.test import Client

connection.ensure_connection()
pid = connection.connection.info.backend_pid
settings = connection.settings_dict
killer = psycopg.connect(
    dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
)
killer.autocommit = True
killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
killer.close()
close_old_connections()  # what every request starts with
print(Client().get("/api/v1/themes/", HTTP_HOST="localhost").status_code)
"""


def test_persistent_connections_survive_a_database_restart(db):
    """With CONN_MAX_AGE set, a connection the database dropped (a restart, an idle
    timeout) is checked and replaced before a request uses it, instead of answering 500."""
    from django.db import connection

    if connection.vendor != "postgresql":
        # No server to restart: the setting that guards against it is still on.
        result = run_manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.db import connection as c; print(c.settings_dict['CONN_HEALTH_CHECKS'])",
            CONN_MAX_AGE="60",
        )
        assert result.stdout.strip() == "True", result.stderr
        return
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    result = run_manage(
        "shell", "--no-imports", "-c", KILL_AND_REQUEST, CONN_MAX_AGE="60", DATABASE_URL=url
    )
    assert result.stdout.strip().splitlines()[-1] == "200", result.stdout + result.stderr


def test_a_yes_no_setting_with_a_typo_stops_the_start():
    """`SECURE_SSL_REDIRECT=ture` must not quietly mean False (no HTTPS redirect)."""
    result = run_manage(
        "check",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cooperations.example.org",
        SECURE_SSL_REDIRECT="ture",
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture' is not a yes/no value" in result.stderr


def test_yes_no_settings_accept_the_usual_words():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DEBUG="Off",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="cooperations.example.org",
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
