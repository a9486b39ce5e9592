import uuid

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

# The registry's and the survey's fixtures, shared by every folder (tests/fixtures/).
pytest_plugins = ["tests.fixtures.registry", "tests.fixtures.surveys"]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The default PBKDF2 hash takes about half a second on this kind of machine, and the
    tests create hundreds of accounts; no test is about the hash's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def test_cache(settings):
    """A fresh in-process cache for each test, so that no count (API throttle, export
    progress) leaks from one test into the next and no test counts the cache's own SQL.
    The shared caches themselves are tested across processes (tests/config/)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language (French), whatever the one before it ended
    in: a request leaves its language active in the thread (LocaleMiddleware activates it
    and nothing deactivates it), so a test reading a label outside a request would
    otherwise read it in the language of the previous test's last request."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Tasks run as soon as they are queued, in the test's thread, through the same
    `enqueue()` as in production: what a worker would do, without a worker. Tests of the
    worker itself (tests/jobs/test_worker.py) use the database backend."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture
def brittany(db):
    """A small real-world slice: Bretagne, Finistère, Brest Métropole and three of its
    communes, Saint-Étienne Métropole in the Loire, and Quimper outside any métropole."""
    bretagne = TerritoryFactory(
        kind=TerritoryKind.REGION, code="53", name="Bretagne", population=3453023
    )
    aura = TerritoryFactory(
        kind=TerritoryKind.REGION, code="84", name="Auvergne-Rhône-Alpes", population=8235923
    )
    finistere = TerritoryFactory(
        kind=TerritoryKind.DEPARTMENT, code="29", name="Finistère", population=929286
    )
    loire = TerritoryFactory(
        kind=TerritoryKind.DEPARTMENT, code="42", name="Loire", population=772572
    )
    place(finistere, bretagne)
    place(loire, aura)
    brest_metropole = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="242900314",
        siren="242900314",
        name="Brest Métropole",
        category=TerritoryCategory.METRO,
        population=213403,
    )
    place(brest_metropole, finistere, bretagne)
    saint_etienne_metropole = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="244200770",
        siren="244200770",
        name="Saint-Étienne Métropole",
        category=TerritoryCategory.METRO,
        population=407700,
    )
    place(saint_etienne_metropole, loire, aura)
    quimper_agglo = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="242900694",
        siren="242900694",
        name="CA Quimper Bretagne Occidentale",
        category=TerritoryCategory.CA,
        population=100900,
    )
    place(quimper_agglo, finistere, bretagne)
    communes = {}
    for code, name, population, epci in [
        ("29019", "Brest", 142346, brest_metropole),
        ("29075", "Guipavas", 15538, brest_metropole),
        ("29212", "Plouzané", 13567, brest_metropole),
        ("29232", "Quimper", 63283, quimper_agglo),
    ]:
        commune = TerritoryFactory(
            kind=TerritoryKind.COMMUNE,
            code=code,
            name=name,
            population=population,
            postal_codes=["29200"],
        )
        communes[code] = place(commune, epci, finistere, bretagne)
    saint_etienne = TerritoryFactory(
        kind=TerritoryKind.COMMUNE, code="42218", name="Saint-Étienne", population=170761
    )
    communes["42218"] = place(saint_etienne, saint_etienne_metropole, loire, aura)
    return {
        "bretagne": bretagne,
        "aura": aura,
        "finistere": finistere,
        "loire": loire,
        "brest_metropole": brest_metropole,
        "saint_etienne_metropole": saint_etienne_metropole,
        "quimper_agglo": quimper_agglo,
        **communes,
    }


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: once Playwright has started, the test thread has an event
    loop, and Django would refuse ORM calls from the ordinary tests that follow."""
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid.replace("\\", "/"))
