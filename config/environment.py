"""Reading the environment for config/settings.py: yes/no values that refuse a typo,
comma-separated lists and networks, the secret key, the database and the task queue's
backend. Every variable is still named in the settings, beside its comment; this module
only parses and checks. Imports nothing of the portal (settings import it first)."""

import ipaddress
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# The key of a development checkout (DEBUG on, SECRET_KEY unset): never of a deployment.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; a value that is neither (a typo such as `ture`) stops the start."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value: use one of "
            f"{', '.join(sorted(TRUE_WORDS))} or {', '.join(sorted(FALSE_WORDS))}."
        )
    return word in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str, default: str = "") -> list[str]:
    """A comma-separated list of IP addresses or networks ("127.0.0.1,10.0.0.0/24"); an
    item that is neither stops the start."""
    items = env_list(name, default)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network."
            ) from None
    return items


def env_gone(name: str, instead: str) -> None:
    """Stop the start if a variable the portal no longer reads is still set, saying what
    to do `instead`, so that a deployment does not silently lose its effect."""
    if name in os.environ:
        raise ImproperlyConfigured(f"{name} is gone: {instead} (see docs/deployment.md).")


def env_secret_key(name: str, *, debug: bool) -> str:
    """The secret key: required when DEBUG is off, `DEVELOPMENT_SECRET_KEY` otherwise."""
    value = os.environ.get(name, "")
    if value:
        return value
    if not debug:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (for example: "
            f"{name}=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'))."
        )
    return DEVELOPMENT_SECRET_KEY


SQLITE_BUSY_TIMEOUT = 20  # seconds a SQLite writer waits for another's transaction


def env_database(*, default: str, conn_max_age: int) -> dict:
    """The database of DATABASE_URL (`default` when unset). A kept connection is checked
    before each request reuses it, so that a database restart costs no request an error.
    On SQLite, write-ahead logging: the task worker reads for as long as an export lasts
    while the web server writes (sessions, answers), and then readers and a writer do not
    block each other. Writers take turns: each transaction takes the write lock when it
    begins (`IMMEDIATE`), waiting up to SQLITE_BUSY_TIMEOUT seconds for it; a transaction
    that read first and then wrote could otherwise fail at once ("database is locked")
    when another process had written in between."""
    database = dj_database_url.config(
        default=default, conn_max_age=conn_max_age, conn_health_checks=conn_max_age != 0
    )
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {}).update(
            init_command="PRAGMA journal_mode=WAL;",
            transaction_mode="IMMEDIATE",
            timeout=SQLITE_BUSY_TIMEOUT,
        )
    return database


def is_redis_url(url: str) -> bool:
    return url.startswith(("redis://", "rediss://"))


def task_backend(url: str) -> str:
    """The task backend of TASKS_URL: the database queue (`database://`) or RQ on Redis."""
    if is_redis_url(url):
        return "django_tasks_rq.RQBackend"
    if url == "database://":
        return "django_tasks_db.DatabaseBackend"
    raise ImproperlyConfigured(
        f"TASKS_URL must be database:// or redis://host:port/db, not {url!r}."
    )
