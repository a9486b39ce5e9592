"""A new load of the seed never undoes a later change: a record (or a grouping the seed
created) that someone changed since — staff in the admin, an API client — is kept as it
is, and the load says so, record by record; `--force` overwrites and says what."""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from cooperation.models import Cooperation, PartnerRole
from cooperation.seed import seed_cooperations_load
from territories.models import Territory, TerritoryKind
from tests.cooperation.test_admin import change_url, form_data

SLUG = "brest-quimper-seed"


@pytest.fixture
def loaded(small_seed):
    seed_cooperations_load(path=small_seed)
    return Cooperation.objects.get(slug=SLUG)


def test_a_second_load_of_an_untouched_seed_changes_nothing(small_seed, loaded):
    report = seed_cooperations_load(path=small_seed)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert report.kept == report.overwritten == ()


def test_a_staff_edit_in_the_admin_survives_a_new_load(small_seed, loaded, admin_client):
    partners = [(p.territory, p.role, False) for p in loaded.partnerships.order_by("position")]
    data = form_data(
        cooperation=loaded,
        partners=partners,
        themes=loaded.themes.all(),
        title="Titre corrigé par l’équipe",
    )
    assert admin_client.post(change_url(loaded), data).status_code == 302

    report = seed_cooperations_load(path=small_seed)

    assert Cooperation.objects.get(slug=SLUG).title == "Titre corrigé par l’équipe"
    assert len(report.kept) == 1
    assert report.kept[0].startswith(f"record {SLUG} — changed by admin on ")
    assert report.updated == 0


def test_an_api_edit_survives_a_new_load_and_force_overwrites_it(
    small_seed, loaded, django_user_model
):
    staff = django_user_model.objects.create_user("api-staff", is_staff=True)
    client = APIClient()
    client.force_authenticate(staff)
    answer = client.patch(f"/api/v1/cooperations/{SLUG}/", {"summary": "Revu."}, format="json")
    assert answer.status_code == 200, answer.content

    out = StringIO()
    call_command("load_seed_cooperations", "--path", str(small_seed), stdout=out)
    assert Cooperation.objects.get(slug=SLUG).summary == "Revu."
    assert f"kept: record {SLUG} — changed by api-staff on " in out.getvalue()

    out = StringIO()
    call_command("load_seed_cooperations", "--path", str(small_seed), "--force", stdout=out)
    assert Cooperation.objects.get(slug=SLUG).summary == "Coopération ville-campagne."
    assert f"overwritten: record {SLUG} — changed by api-staff on " in out.getvalue()
    # Written by the seed again: the next load finds it as it left it.
    assert seed_cooperations_load(path=small_seed).kept == ()


def admin_form_post_data(page) -> dict:
    """What the admin change form posts back unchanged: its fields and its inlines'."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-{name}": value
                for name, value in formset.management_form.initial.items()
            }
        )
        forms += list(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


def test_a_grouping_renamed_by_staff_keeps_its_name(small_seed, loaded, admin_client):
    grouping = Territory.objects.get(kind=TerritoryKind.GROUPING, code="PAYS-COB-SEED")
    url = f"/admin/territories/territory/{grouping.pk}/change/"
    data = admin_form_post_data(admin_client.get(url))
    data["name"] = "Pays COB (vérifié)"
    assert admin_client.post(url, data).status_code == 302

    report = seed_cooperations_load(path=small_seed)

    grouping.refresh_from_db()
    assert grouping.name == "Pays COB (vérifié)"
    assert len(report.kept) == 1
    assert report.kept[0].startswith("grouping grouping:PAYS-COB-SEED — changed by admin on ")


def test_a_record_changed_in_the_seed_file_is_still_updated(small_seed, loaded):
    text = small_seed.read_text(encoding="utf-8").replace(
        "Coopération ville-campagne.", "Coopération ville-campagne renouvelée."
    )
    small_seed.write_text(text, encoding="utf-8")

    report = seed_cooperations_load(path=small_seed)

    assert report.updated == 1
    record = Cooperation.objects.get(slug=SLUG)
    assert record.summary == "Coopération ville-campagne renouvelée."
    lead = record.partnerships.order_by("position").first()
    assert (lead.territory.code, lead.role) == ("242900314", PartnerRole.LEAD)
