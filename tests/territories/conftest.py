"""Fixtures for the territory pages: lists and containers of any size, to check that the
number of SQL queries does not grow with the number of rows."""

import pytest

from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place


@pytest.fixture
def epci_with_communes(db):
    """Build an EPCI of `count` communes in Finistère (Bretagne); returns the EPCI."""

    def build(count: int, *, code: str = "200000001", name: str = "CC du Test"):
        region = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
        department = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="29", name="Finistère")
        place(department, region)
        epci = TerritoryFactory(
            kind=TerritoryKind.EPCI,
            code=code,
            siren=code,
            name=name,
            category=TerritoryCategory.CC,
            population=count * 1000,
        )
        place(epci, department, region)
        for number in range(count):
            commune = TerritoryFactory(
                kind=TerritoryKind.COMMUNE,
                code=f"29{500 + number:03d}",
                name=f"Commune {number:03d}",
                population=1000 + number,
            )
            place(commune, epci, department, region)
        return epci

    return build


@pytest.fixture
def metropolises(db):
    """Build `count` métropoles, each with two communes, in as many départements."""

    def build(count: int):
        region = TerritoryFactory(kind=TerritoryKind.REGION, code="84", name="Région test")
        created = []
        for number in range(count):
            department = TerritoryFactory(
                kind=TerritoryKind.DEPARTMENT, code=f"{10 + number}", name=f"Dépt {number}"
            )
            place(department, region)
            metropolis = TerritoryFactory(
                kind=TerritoryKind.EPCI,
                code=f"2000000{10 + number}",
                name=f"Métropole {number:02d}",
                category=TerritoryCategory.METRO,
                population=100_000 + number,
            )
            place(metropolis, department, region)
            for commune_number in range(2):
                commune = TerritoryFactory(
                    kind=TerritoryKind.COMMUNE, code=f"{10 + number}{100 + commune_number}"
                )
                place(commune, metropolis, department, region)
            created.append(metropolis)
        return created

    return build
