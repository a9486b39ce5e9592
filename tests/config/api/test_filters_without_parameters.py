"""A list asked for with no filter (only its page, page size or format) skips building the
FilterSet's form and takes `FilterSet.without_parameters()`: it must be exactly what the
FilterSet gives for no parameter."""

import pytest
from django.http import QueryDict

from config.api.filters import DjangoFilterBackend
from cooperation.filters import CooperationFilterSet
from cooperation.models import Cooperation
from territories.filters import TerritoryFilterSet
from territories.models import Territory


@pytest.mark.parametrize(
    ("filterset_class", "queryset"),
    [
        (CooperationFilterSet, lambda: Cooperation.objects.visible_to(None)),
        (CooperationFilterSet, lambda: Cooperation.objects.all()),
        (TerritoryFilterSet, lambda: Territory.objects.all()),
    ],
)
def test_without_parameters_is_what_the_filterset_gives(db, filterset_class, queryset):
    expected = filterset_class(QueryDict(""), queryset=queryset()).qs

    assert str(filterset_class.without_parameters(queryset()).query) == str(expected.query)


@pytest.mark.parametrize(
    ("url", "skipped"),
    [
        ("/api/v1/cooperations/", True),
        ("/api/v1/cooperations/?page=2&page_size=5&format=json", True),
        ("/api/v1/cooperations/?ordering=title", False),
        ("/api/v1/cooperations/?unknown=1", False),
        ("/api/v1/territories/?page_size=100", True),
        ("/api/v1/territories/?include_obsolete=true", False),
    ],
)
def test_the_form_is_built_only_when_a_parameter_may_filter(client, db, monkeypatch, url, skipped):
    built = []
    original = DjangoFilterBackend.get_filterset

    def get_filterset(self, *args, **kwargs):
        built.append(True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(DjangoFilterBackend, "get_filterset", get_filterset)

    response = client.get(url, HTTP_ACCEPT="application/json")

    assert response.status_code in (200, 404)
    assert built == ([] if skipped else [True])
