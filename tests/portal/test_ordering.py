"""The shared sort of the browsable lists (portal.ordering): null values last whatever the
direction, text in French order, ties broken so that pages never repeat or skip a row."""

import django_filters
import pytest

from portal.ordering import NullsLastOrderingFilter, sort_keys
from territories.models import Territory, TerritoryKind
from tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


class TerritoryOrderingFilter(NullsLastOrderingFilter):
    collated_fields = ("name",)


class TerritorySort(django_filters.FilterSet):
    ordering = TerritoryOrderingFilter(fields=(("population", "population"), ("name", "name")))

    class Meta:
        model = Territory
        fields = []


def sorted_names(ordering: str) -> list[str]:
    filterset = TerritorySort({"ordering": ordering}, queryset=Territory.objects.all())
    assert filterset.is_valid(), filterset.errors
    return [territory.name for territory in filterset.qs]


@pytest.fixture
def communes():
    for name, population in [
        ("Pôle", 500),
        ("Protocole", None),
        ("Brest", 140_000),
        ("Plouzané", 500),
    ]:
        TerritoryFactory(kind=TerritoryKind.COMMUNE, name=name, population=population)


def test_empty_values_are_last_in_both_directions(communes):
    assert sorted_names("population")[-1] == "Protocole"
    assert sorted_names("-population")[-1] == "Protocole"


def test_ties_are_broken_by_the_primary_key(communes):
    # "Pôle" was created before "Plouzané": the same population, then by id.
    assert sorted_names("population")[:2] == ["Pôle", "Plouzané"]
    assert sorted_names("-population")[1:3] == ["Pôle", "Plouzané"]


def test_collated_text_is_in_french_order(communes):
    assert sorted_names("name") == ["Brest", "Plouzané", "Pôle", "Protocole"]
    assert sorted_names("-name") == ["Protocole", "Pôle", "Plouzané", "Brest"]


def test_empty_sort_keys_are_dropped():
    assert sort_keys(["", "name", ""]) == ["name"]
    assert sort_keys(None) == []
