"""Set-based writes (COPY on PostgreSQL, executemany elsewhere): same rows as the ORM."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.bulk_writes import insert_rows, update_rows
from territories.models import Containment, Territory, TerritoryKind

FIELDS = [
    "kind",
    "code",
    "name",
    "search_name",
    "category",
    "siren",
    "source",
    "vintage",
    "is_obsolete",
    "postal_codes",
    "created_at",
    "updated_at",
]
WHEN = datetime.datetime(2026, 1, 1, 12, 30, tzinfo=datetime.UTC)


def commune(code: str, name: str, postal_codes: list[str]) -> tuple:
    return (
        TerritoryKind.COMMUNE,
        code,
        name,
        name.lower(),
        "",
        "",
        "tests",
        "",
        False,
        postal_codes,
        WHEN,
        WHEN,
    )


@pytest.mark.django_db
def test_inserted_rows_read_back_as_the_orm_wrote_them():
    count = insert_rows(
        Territory,
        FIELDS,
        [commune("29019", "Brest", ["29200"]), commune("29232", "Quimper", ["29000", "29330"])],
    )
    assert count == 2
    brest, quimper = Territory.objects.order_by("code")
    assert (brest.name, brest.postal_codes, brest.created_at) == ("Brest", ["29200"], WHEN)
    assert quimper.postal_codes == ["29000", "29330"]


@pytest.mark.django_db
def test_foreign_keys_are_written_by_their_primary_key():
    insert_rows(Territory, FIELDS, [commune("29019", "Brest", []), commune("29", "Finistère", [])])
    brest, finistere = Territory.objects.get(code="29019"), Territory.objects.get(code="29")
    insert_rows(Containment, ["content", "container"], [(brest.pk, finistere.pk)])
    assert list(brest.containers.all()) == [finistere]


@pytest.mark.django_db
def test_update_sets_the_given_fields_of_the_given_rows_only():
    insert_rows(
        Territory, FIELDS, [commune("29019", "Brest", ["29200"]), commune("29232", "Quimper", [])]
    )
    brest = Territory.objects.get(code="29019")
    later = timezone.now()
    assert (
        update_rows(
            Territory,
            ["name", "postal_codes", "updated_at"],
            [(brest.pk, "Brest (nouveau nom)", ["29200", "29490"], later)],
        )
        == 1
    )
    brest.refresh_from_db()
    quimper = Territory.objects.get(code="29232")
    assert (brest.name, brest.postal_codes, brest.updated_at) == (
        "Brest (nouveau nom)",
        ["29200", "29490"],
        later,
    )
    assert brest.search_name == "brest"  # not among the fields: unchanged
    assert (quimper.name, quimper.updated_at) == ("Quimper", WHEN)


@pytest.mark.django_db
def test_nothing_to_write_sends_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert insert_rows(Territory, FIELDS, []) == 0
        assert update_rows(Territory, ["name"], []) == 0
    assert len(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_writes_belong_to_the_callers_transaction():
    insert_rows(Territory, FIELDS, [commune("29019", "Brest", [])])
    brest = Territory.objects.get()
    with pytest.raises(RuntimeError), transaction.atomic():
        insert_rows(Territory, FIELDS, [commune("29232", "Quimper", [])])
        update_rows(Territory, ["name"], [(brest.pk, "Renommée")])
        raise RuntimeError("the import failed further on")
    assert list(Territory.objects.values_list("name", flat=True)) == ["Brest"]
