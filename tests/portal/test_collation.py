"""French alphabetical order on PostgreSQL and SQLite (portal.collation)."""

import pytest

from cooperation.models import Cooperation
from portal.collation import compare, french, sort_key

TITLES = ["Protocole", "pôle", "Pôle", "Pole", "pole", "Zone", "école", "Ecole", "Œuvre", "Oeil"]
# As PostgreSQL's "fr-x-icu" orders them.
FRENCH_ORDER = [
    "Ecole",
    "école",
    "Oeil",
    "Œuvre",
    "pole",
    "Pole",
    "pôle",
    "Pôle",
    "Protocole",
    "Zone",
]


def test_sort_key_orders_letters_then_accents_then_case():
    assert sorted(TITLES, key=sort_key) == FRENCH_ORDER
    assert compare("Pôle", "Protocole") < 0
    assert compare("a", "a") == 0


@pytest.mark.django_db
def test_french_collation_orders_titles_in_sql_on_every_backend():
    for number, title in enumerate(TITLES):
        Cooperation.objects.create(title=title, slug=f"c{number}", instrument="charter")

    ascending = list(Cooperation.objects.order_by(french("title")).values_list("title", flat=True))
    descending = Cooperation.objects.order_by(french("title").desc()).values_list(
        "title", flat=True
    )

    assert ascending == FRENCH_ORDER
    assert list(descending) == FRENCH_ORDER[::-1]


@pytest.mark.django_db
def test_territories_with_the_same_normalised_name_sort_by_french_collation():
    from territories.models import Territory, TerritoryKind
    from tests.factories import TerritoryFactory

    for code, name in (("01001", "École"), ("01002", "Ecole"), ("01003", "ecole")):
        TerritoryFactory(kind=TerritoryKind.COMMUNE, code=code, name=name)

    names = Territory.objects.order_by("search_name").with_stable_order()

    assert [territory.name for territory in names] == ["ecole", "Ecole", "École"]
