"""Labels in the territory list come from a table per language, not from a
`get_FOO_display()` call per row (a third of a 100-row page)."""

import pytest
from django.utils import translation

from territories.models import Territory, TerritoryCategory, TerritoryKind

LIST_URL = "/api/v1/territories/"


def _refuse(self):
    raise AssertionError("get_FOO_display() called for a row")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_list_labels_without_display_methods(client, brittany, monkeypatch, language):
    monkeypatch.setattr(Territory, "get_kind_display", _refuse)
    monkeypatch.setattr(Territory, "get_category_display", _refuse)

    response = client.get(LIST_URL, {"page_size": 100}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    served = response.headers.get("Content-Language", "fr")[:2]
    with translation.override(served):
        kinds = {value: str(label) for value, label in TerritoryKind.choices}
        categories = {value: str(label) for value, label in TerritoryCategory.choices}
    items = response.json()["results"]
    assert len(items) == Territory.objects.count()
    for item in items:
        assert item["kind_label"] == kinds[item["kind"]]
        expected = categories[item["category"]] if item["category"] else None
        assert item["category_label"] == expected
