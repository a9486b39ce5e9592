"""The territories' admin: groupings staff create and move, official territories read-only."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from territories.models import Territory, TerritoryCategory, TerritoryKind
from tests.admin_forms import management, territory_data


@pytest.fixture
def staff_client(client, django_user_model):
    """A staff member who may curate territories (not a superuser)."""
    user = django_user_model.objects.create_user(username="geographer", is_staff=True)
    codenames = [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("territory", "containment")
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_staff_creates_a_grouping_placed_in_a_department_and_its_region(staff_client, brittany):
    data = territory_data(
        **management("containments_as_content", 1, 0),
        **{"containments_as_content-0-container": brittany["finistere"].pk},
    )
    response = staff_client.post(reverse("admin:territories_territory_add"), data)
    assert response.status_code == 302, response.context["errors"]
    grouping = Territory.objects.get(kind=TerritoryKind.GROUPING, code="PETR-TEST")
    assert set(grouping.containers.values_list("code", flat=True)) == {"29", "53"}


def test_staff_cannot_create_an_official_kind(staff_client, brittany):
    data = territory_data(kind=TerritoryKind.EPCI, category=TerritoryCategory.METRO)
    response = staff_client.post(reverse("admin:territories_territory_add"), data)
    assert response.status_code == 200
    assert "kind" in response.context["adminform"].form.errors
    assert not Territory.objects.filter(code="PETR-TEST").exists()


def test_official_territory_is_read_only(staff_client, brittany):
    metropolis = brittany["brest_metropole"]
    url = reverse("admin:territories_territory_change", args=[metropolis.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="code"' not in response.content.decode()
    response = staff_client.post(url, territory_data(code="X", name="Renamed"))
    assert response.status_code == 403
    metropolis.refresh_from_db()
    assert (metropolis.code, metropolis.name) == ("242900314", "Brest Métropole")


def test_official_territory_cannot_be_deleted(staff_client, brittany):
    url = reverse("admin:territories_territory_delete", args=[brittany["29075"].pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Territory.objects.filter(pk=brittany["29075"].pk).exists()


def test_territory_search_finds_a_code(staff_client, brittany):
    response = staff_client.get(reverse("admin:territories_territory_changelist"), {"q": "29019"})
    assert [t.name for t in response.context["cl"].result_list] == ["Brest"]
