"""One cache for every process (CACHE_URL): the API throttle counts the same for all
gunicorn workers and machines; sessions stay in the database."""

import json
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from tests.processes import ROOT, get, gunicorn, process_environment, shared_database_url

REDIS_URL = "redis://127.0.0.1:6379/15"


def settings_in_a_process(**env: str) -> dict:
    """CACHES and SESSION_ENGINE as a fresh process reads them from the environment."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'caches': settings.CACHES, 'sessions': settings.SESSION_ENGINE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=process_environment("sqlite:///unused.sqlite3", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_default_cache_is_the_database_cache_and_sessions_stay_in_the_database():
    read = settings_in_a_process()

    assert read["caches"]["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
    assert read["sessions"] == "django.contrib.sessions.backends.db"


def test_cache_url_selects_django_redis_cache():
    read = settings_in_a_process(CACHE_URL=REDIS_URL)

    assert read["caches"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
    assert read["sessions"] == "django.contrib.sessions.backends.db"


def test_the_test_database_has_the_cache_table(db, settings):
    from django.core.cache import cache

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    cache.set("probe", 41)
    assert cache.incr("probe") == 42


# Counters across processes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cache_url", "shared"),
    [
        ("", True),  # the default: the database cache
        (f"{REDIS_URL}?key_prefix=throttle-test-{uuid.uuid4().hex}", True),
        ("locmem://", False),  # per-process memory: what the portal must never use
    ],
    ids=["database", "redis", "locmem"],
)
@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_processes_share_one_anonymous_throttle_count(tmp_path, cache_url, shared):
    database_url = shared_database_url(tmp_path)
    if not cache_url:
        # The cache table is no model's: other tests' servers may have left counts in it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_cache")
    env = {"API_ANON_RATE": "3/minute", "DEBUG": "true"}
    if cache_url:
        env["CACHE_URL"] = cache_url

    with gunicorn(database_url, **env) as first, gunicorn(database_url, **env) as second:
        statuses = [get(f"{server}/api/v1/themes/")[0] for server in (first, second) * 2]

    if shared:
        # Three requests in all are allowed, whichever process answers them.
        assert statuses == [200, 200, 200, 429]
    else:
        # Each process counts its own three: twice the documented limit gets through.
        assert statuses == [200, 200, 200, 200]
