"""POST data for the admin's add and change forms, shared by the apps' admin tests."""

from territories.models import TerritoryCategory, TerritoryKind


def management(prefix: str, total: int, initial: int) -> dict:
    """The management form of an inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def territory_data(**fields) -> dict:
    """A grouping (PETR) as typed in the territory admin, without containers."""
    data = {
        "kind": TerritoryKind.GROUPING,
        "category": TerritoryCategory.PETR,
        "code": "PETR-TEST",
        "siren": "",
        "name": "PETR du Test",
        "population": "",
        "source": "saisie",
        **management("containments_as_content", 0, 0),
    }
    data.update(fields)
    return data
