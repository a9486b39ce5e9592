"""`kind:code`: one parser and one bulk resolver for every reader."""

import pytest

from territories.models import Territory
from territories.references import TerritoryReference


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("epci:242900314", ("epci", "242900314")),
        (" EPCI : 242900314 ", ("epci", "242900314")),
        ("commune:2a004", ("commune", "2A004")),
        ("grouping:PETR-TEST", ("grouping", "PETR-TEST")),
    ],
)
def test_a_reference_is_parsed_into_its_canonical_form(value, expected):
    reference = TerritoryReference.parse(value)
    assert (reference.kind, reference.code) == expected
    assert str(reference) == ":".join(expected)


@pytest.mark.parametrize(
    "value", ["", "epci", "epci:", ":242900314", "canton:123", "epci:24 29", None, 42, ["x"]]
)
def test_anything_else_is_not_a_reference(value):
    assert TerritoryReference.parse(value) is None


def test_territories_are_resolved_in_one_query_keyed_as_given(brittany, django_assert_num_queries):
    references = ["epci:242900314", "commune:29019", " EPCI:242900314", "epci:000000000", "x"]
    with django_assert_num_queries(1):
        found = Territory.objects.by_references(references)
    assert {key: territory.name for key, territory in found.items()} == {
        "epci:242900314": "Brest Métropole",
        " EPCI:242900314": "Brest Métropole",
        "commune:29019": "Brest",
    }


def test_nothing_to_resolve_sends_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Territory.objects.by_references(["nothing", ""]) == {}
