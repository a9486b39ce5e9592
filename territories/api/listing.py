"""The items of `/api/v1/territories/`, built in plain Python.

Byte for byte what `TerritorySerializer` returns for each territory (it stays the schema;
`tests/territories/test_api_listing.py` compares the two), from the page read as tuples:
the serializer's fields took about two thirds of a 100-territory page."""

from __future__ import annotations

from config.api.representation import ChoiceLabels, URLs, blank_as_null

from ..models import TerritoryCategory, TerritoryKind, is_metropolis

COLUMNS = ("kind", "code", "siren", "name", "category", "population", "is_obsolete")
KIND_LABELS = ChoiceLabels(TerritoryKind.choices)
CATEGORY_LABELS = ChoiceLabels(TerritoryCategory.choices)


def territory_items(rows: list[tuple], request, format=None) -> list[dict]:
    """`rows`: the page, as `values_list(*COLUMNS)` of the filtered queryset."""
    api_url = URLs("territory-detail", "code", request, api=True, format=format)
    web_url = URLs("territories:detail", "code", request, api=False)
    kinds, categories = KIND_LABELS.table(), CATEGORY_LABELS.table()
    return [
        {
            "kind": kind,
            "kind_label": kinds.get(kind, kind) if kind else None,
            "code": code,
            "siren": blank_as_null(siren),
            "name": name,
            "category": blank_as_null(category),
            "category_label": categories.get(category, category) if category else None,
            "population": population,
            "is_metropolis": is_metropolis(kind, category),
            "is_obsolete": is_obsolete,
            "url": api_url(code, kind=kind),
            "web_url": web_url(code, kind=kind),
        }
        for kind, code, siren, name, category, population, is_obsolete in rows
    ]
