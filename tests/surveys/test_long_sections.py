"""A territory with many registry records gets a workable answer page: past
`SURVEY_ENTRIES_PER_STEP`, the cooperations step lists its entries and shows each on a
page of its own; a save from that page changes that entry only. A pre-filled draft can
always be saved: pre-fill never puts more entries in it than a save accepts."""

import json
import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cooperation.models import CooperationStatus, Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create
from surveys import prefill as prefill_module
from surveys.answering import answers as answers_module
from surveys.models import PrefilledEntry, Response
from surveys.services.responses import response_open
from tests.surveys.test_answering import answer_url, text_of

RECORDS = 14


@pytest.fixture
def many_records(brittany, themes, settings):
    """Fourteen published records of Brest Métropole; pages show ten entries at most."""
    settings.SURVEY_ENTRIES_PER_STEP = 10
    for number in range(1, RECORDS + 1):
        cooperation_create(
            title=f"Coopération {number:02d}",
            instrument=Instrument.CHARTER,
            status=CooperationStatus.ACTIVE,
            partners=[
                PartnerInput(brittany["brest_metropole"], PartnerRole.LEAD),
                PartnerInput(brittany["quimper_agglo"]),
            ],
            themes=[themes["mobility"]],
            start=str(2000 + number),
            is_published=True,
        )


@pytest.fixture
def long_draft(many_records, campaign, brittany, brest_officer):
    return response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )


@pytest.fixture
def officer(client, brest_officer):
    client.force_login(brest_officer)
    return client


def step_url(campaign, brittany, **query):
    url = answer_url(campaign, brittany["brest_metropole"], "cooperations")
    return url + "".join(f"&{name}={value}" for name, value in query.items())


def post_entry_page(client, url, response, entry_index, fields, action="save"):
    entry = response.answers["cooperations"][entry_index]
    data = {
        "_step": "cooperations",
        "_version": str(response.version),
        "_action": action,
        "_window": json.dumps([entry["_entry"]]),
        f"cooperations.{entry_index}._entry": entry["_entry"],
        f"cooperations.{entry_index}._registry_slug": entry["_registry_slug"],
        f"cooperations.{entry_index}.coop_title": entry["coop_title"],
        f"cooperations.{entry_index}.coop_instrument": entry["coop_instrument"],
        f"cooperations.{entry_index}.coop_partners.0": entry["coop_partners"][0],
    }
    data.update(fields)
    return client.post(url, data)


def test_a_long_step_lists_its_entries_without_their_forms(officer, long_draft, campaign, brittany):
    page = officer.get(step_url(campaign, brittany))

    html = page.content.decode()
    assert page.status_code == 200
    assert len(re.findall(r"<tr>\s*<td>\d+</td>", html)) == RECORDS
    assert "Coopération 01" in text_of(page)
    assert 'name="cooperations.0.coop_title"' not in html
    assert 'name="_window" value="[]"' in html


def test_an_entry_has_a_page_of_its_own(officer, long_draft, campaign, brittany):
    page = officer.get(step_url(campaign, brittany, fiche=3))

    html = page.content.decode()
    assert "Coopération 3 sur 14" in text_of(page)
    assert 'name="cooperations.2.coop_title"' in html
    assert 'name="cooperations.1.coop_title"' not in html
    assert "Coopération précédente" in text_of(page) and "Coopération suivante" in text_of(page)


def test_a_save_from_an_entry_page_changes_that_entry_only(officer, long_draft, campaign, brittany):
    before = long_draft.answers["cooperations"]

    answer = post_entry_page(
        officer,
        answer_url(campaign, brittany["brest_metropole"]),
        long_draft,
        2,
        {"cooperations.2.coop_summary": "Résumé tapé sur la page de la fiche."},
        action="entry:4",
    )

    assert answer.status_code == 302
    assert answer["Location"].endswith("etape=cooperations&fiche=4")
    after = Response.objects.get(pk=long_draft.pk).answers["cooperations"]
    assert [entry["_entry"] for entry in after] == [entry["_entry"] for entry in before]
    assert after[2]["coop_summary"] == "Résumé tapé sur la page de la fiche."
    assert after[:2] == before[:2] and after[3:] == before[3:]


def test_removing_an_entry_from_its_page(officer, long_draft, campaign, brittany):
    removed = long_draft.answers["cooperations"][5]["_entry"]

    answer = post_entry_page(
        officer,
        answer_url(campaign, brittany["brest_metropole"]),
        long_draft,
        5,
        {},
        action="remove-entry:cooperations.5",
    )

    assert answer.status_code == 302
    after = Response.objects.get(pk=long_draft.pk).answers["cooperations"]
    assert len(after) == RECORDS - 1
    assert removed not in [entry["_entry"] for entry in after]


def test_adding_an_entry_from_the_list_opens_its_page(officer, long_draft, campaign, brittany):
    answer = officer.post(
        answer_url(campaign, brittany["brest_metropole"]),
        {
            "_step": "cooperations",
            "_version": str(long_draft.version),
            "_action": "add-entry:cooperations",
            "_window": "[]",
        },
    )

    after = Response.objects.get(pk=long_draft.pk).answers["cooperations"]
    assert len(after) == RECORDS + 1
    assert answer["Location"].endswith(f"etape=cooperations&fiche={RECORDS + 1}#entree-{RECORDS}")


def test_a_refused_value_keeps_the_entry_page_with_its_error(
    officer, long_draft, campaign, brittany
):
    page = post_entry_page(
        officer,
        answer_url(campaign, brittany["brest_metropole"]),
        long_draft,
        7,
        {"cooperations.7.coop_start_year": "vers 2010"},
    )

    assert page.status_code == 400
    html = page.content.decode()
    assert 'name="cooperations.7.coop_start_year"' in html and 'value="vers 2010"' in html
    assert "Coopération 8 sur 14" in text_of(page)
    before = long_draft.answers["cooperations"]
    after = Response.objects.get(pk=long_draft.pk).answers["cooperations"]
    assert after[:7] == before[:7] and after[8:] == before[8:]
    assert after[7]["coop_start_year"] == 2008  # the refused value is not saved


def test_errors_of_the_check_step_link_to_the_entry_page(officer, long_draft, campaign, brittany):
    answers = long_draft.answers
    del answers["cooperations"][5]["coop_instrument"]
    Response.objects.filter(pk=long_draft.pk).update(answers=answers)

    review = officer.get(answer_url(campaign, brittany["brest_metropole"], "verifier"))
    listed = officer.get(step_url(campaign, brittany, controle=1))

    link = "etape=cooperations&amp;controle=1&amp;fiche=6#q-cooperations-5-coop_instrument"
    assert link in review.content.decode()
    # The list page links there too, since the entry is not on it.
    assert "fiche=6#q-cooperations-5-coop_instrument" in listed.content.decode()
    assert 'etape=cooperations&amp;fiche=6"' in listed.content.decode()


# Pre-fill and the limit agree


def test_a_prefilled_draft_beyond_the_limit_is_still_savable(
    many_records, campaign, brittany, brest_officer, monkeypatch
):
    monkeypatch.setattr(answers_module, "MAX_ENTRIES", 12)
    monkeypatch.setattr(prefill_module, "MAX_ENTRIES", 12)
    response = response_open(
        campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer
    )
    entries = response.answers["cooperations"]
    assert len(entries) == 12
    # The most recent records are those kept (the two oldest are left in the registry).
    assert {entry["coop_title"] for entry in entries} == {
        f"Coopération {n:02d}" for n in range(3, RECORDS + 1)
    }
    assert PrefilledEntry.objects.filter(response=response).count() == 12

    client = APIClient()
    client.force_authenticate(brest_officer)
    saved = client.patch(
        reverse("response-detail", kwargs={"pk": response.pk}),
        json.dumps({"version": response.version, "answers": response.answers}),
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content


def test_the_list_says_which_records_were_not_prefilled(
    many_records, campaign, brittany, brest_officer, client, monkeypatch
):
    monkeypatch.setattr(answers_module, "MAX_ENTRIES", 12)
    monkeypatch.setattr(prefill_module, "MAX_ENTRIES", 12)
    response_open(campaign=campaign, territory=brittany["brest_metropole"], user=brest_officer)
    client.force_login(brest_officer)

    page = client.get(step_url(campaign, brittany))

    assert "2 coopérations plus anciennes du registre n’ont pas été reprises ici" in text_of(page)
