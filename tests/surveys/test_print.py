"""The printable page of what was submitted: every answer as submitted, with the
receipt's date and reference."""

from django.urls import reverse

from portal.datetimes import date_and_time, iso_datetime
from surveys.services.responses import (
    response_open,
    response_return,
    response_save,
    response_submit,
)
from surveys.wording import person_name
from tests.fixtures.surveys import complete_answers


def print_url(campaign, territory):
    return reverse(
        "surveys:print",
        kwargs={"campaign_id": campaign.pk, "kind": territory.kind, "code": territory.code},
    )


def submitted(campaign, territory, officer):
    response = response_open(campaign=campaign, territory=territory, user=officer)
    response = response_save(
        response=response, answers=complete_answers(), version=response.version, user=officer
    )
    return response_submit(response=response, user=officer)


def test_the_page_shows_every_submitted_answer_with_the_receipt(
    client, campaign, brittany, brest_officer, reviewer
):
    brest = brittany["brest_metropole"]
    response = submitted(campaign, brest, brest_officer)
    assert response.receipt_reference.startswith(f"{campaign.pk}-{response.pk}-")
    client.force_login(brest_officer)
    html = client.get(print_url(campaign, brest)).content.decode()
    assert date_and_time(response.submitted_at) in html
    assert response.receipt_reference in html
    for answer in ("Anne Le Gall", "Chargée de mission", "Contrat de réciprocité Brest"):
        assert answer in html

    # Returned and changed since: the page still shows what was submitted.
    response = response_return(response=response, reviewer=reviewer, notes="À revoir.")
    answers = complete_answers()
    answers["respondent"]["respondent_name"] = "Yann Kervella"
    response_save(response=response, answers=answers, version=response.version, user=brest_officer)
    html = client.get(print_url(campaign, brest)).content.decode()
    assert "Anne Le Gall" in html and "Yann Kervella" not in html


def test_linked_from_the_officers_home_and_the_receipt(client, campaign, brittany, brest_officer):
    brest = brittany["brest_metropole"]
    submitted(campaign, brest, brest_officer)
    client.force_login(brest_officer)
    url = print_url(campaign, brest)
    assert f'href="{url}"' in client.get(reverse("surveys:home")).content.decode()
    receipt = reverse(
        "surveys:receipt",
        kwargs={"campaign_id": campaign.pk, "kind": brest.kind, "code": brest.code},
    )
    assert f'href="{url}"' in client.get(receipt).content.decode()


def test_nothing_submitted_leads_to_the_answer_page(client, campaign, brittany, brest_officer):
    brest = brittany["brest_metropole"]
    client.force_login(brest_officer)
    page = client.get(print_url(campaign, brest))
    assert page.status_code == 302
    assert page["Location"] == campaign.answer_url(brest)


def test_other_officers_get_a_404(client, campaign, brittany, brest_officer, make_user):
    brest = brittany["brest_metropole"]
    submitted(campaign, brest, brest_officer)
    other = make_user("other", territories=[brittany["saint_etienne_metropole"]])
    client.force_login(other)
    assert client.get(print_url(campaign, brest)).status_code == 404


def test_the_receipt_and_the_printable_page_give_the_same_receipt(
    client, campaign, brittany, brest_officer
):
    brest = brittany["brest_metropole"]
    response = submitted(campaign, brest, brest_officer)
    client.force_login(brest_officer)
    kwargs = {"campaign_id": campaign.pk, "kind": brest.kind, "code": brest.code}
    pages = {
        name: client.get(reverse(f"surveys:{name}", kwargs=kwargs)).content.decode()
        for name in ("receipt", "print")
    }
    submitted_at = (
        f'<time datetime="{iso_datetime(response.submitted_at)}">'
        f"{date_and_time(response.submitted_at)}</time>"
    )
    for html in pages.values():
        assert submitted_at in html
        assert f"<code>{response.receipt_reference}</code>" in html
        assert person_name(brest_officer) in html
    assert "Coopérations décrites" in pages["receipt"]
    assert "État aujourd’hui" in pages["print"]
