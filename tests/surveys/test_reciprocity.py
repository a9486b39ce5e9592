"""Reciprocity of the registry's partnerships, from what validated responses declare:
both territories declaring the record make the partnership reciprocal, one makes it
one-sided, none leaves it to the registry."""

import pytest

from cooperation.models import Cooperation
from cooperation.reciprocity import reciprocity_counts
from surveys.models import Promotion, Response, ResponseStatus
from surveys.prefill import cooperation_section
from tests.fixtures.surveys import make_campaign


@pytest.fixture
def campaign_of(census, brittany, pays_cob):
    return make_campaign(census, [brittany["brest_metropole"], brittany["quimper_agglo"], pays_cob])


def respond(campaign, territory, *, status=ResponseStatus.VALIDATED, promoted=(), answers=None):
    response = Response.objects.create(
        campaign=campaign,
        territory=territory,
        questionnaire=campaign.questionnaire,
        status=status,
        answers=answers or {},
    )
    for number, cooperation in enumerate(promoted):
        Promotion.objects.create(response=response, entry=f"e{number}", cooperation=cooperation)
    return response


def reciprocity_on_page(client, cooperation) -> dict[str, str]:
    import re

    html = client.get(cooperation.get_absolute_url()).content.decode()
    found = re.findall(r'data-reciprocity="([a-z_]+)">([^<]+?)&nbsp;:', html)
    return {name: value for value, name in found}


def test_both_one_and_no_side(client, registry, brittany, campaign_of, pays_cob):
    record = registry["brest_quimper"]
    assert reciprocity_on_page(client, record) == {
        "CA Quimper Bretagne Occidentale": "registry_only",
        "Pays du Centre Ouest Bretagne": "registry_only",
    }

    respond(campaign_of, brittany["brest_metropole"], promoted=[record])
    assert reciprocity_on_page(client, record) == {
        "CA Quimper Bretagne Occidentale": "one_side",
        "Pays du Centre Ouest Bretagne": "one_side",
    }

    respond(campaign_of, brittany["quimper_agglo"], promoted=[record])
    # A submitted response that is not validated yet declares nothing.
    section = cooperation_section(campaign_of.questionnaire.questions)
    respond(
        campaign_of,
        pays_cob,
        status=ResponseStatus.SUBMITTED,
        answers={section: [{"coop_partners": ["epci:242900314"]}]},
    )
    assert reciprocity_on_page(client, record) == {
        "CA Quimper Bretagne Occidentale": "both",
        "Pays du Centre Ouest Bretagne": "one_side",
    }


def test_naming_the_metropolis_among_partners_declares_the_partnership(
    client, registry, brittany, campaign_of, pays_cob
):
    record = registry["brest_quimper"]
    section = cooperation_section(campaign_of.questionnaire.questions)
    respond(campaign_of, brittany["brest_metropole"], promoted=[record])
    respond(campaign_of, pays_cob, answers={section: [{"coop_partners": ["epci:242900314"]}]})
    assert reciprocity_on_page(client, record)["Pays du Centre Ouest Bretagne"] == "both"


def test_statistics_count_partnerships_by_reciprocity_and_follow_validations(
    client, registry, brittany, campaign_of
):
    def from_page():
        data = client.get("/statistiques/").context["statistics"]
        return {row["key"]: row["count"] for row in data["reciprocity"]}

    # Published records' partnerships, the reference métropoles aside: 2 + 1 + 2.
    assert from_page() == {"both": 0, "one_side": 0, "registry_only": 5}
    response = respond(campaign_of, brittany["brest_metropole"], status=ResponseStatus.SUBMITTED)
    Promotion.objects.create(response=response, entry="e0", cooperation=registry["brest_quimper"])
    assert from_page()["one_side"] == 0  # not validated: nothing declared
    response.status = ResponseStatus.VALIDATED
    response.save()  # invalidates the cached statistics
    assert from_page() == {"both": 0, "one_side": 2, "registry_only": 3}
    assert reciprocity_counts(Cooperation.objects.all())["registry_only"] == 4  # + the draft


# The reviewer's page: what partners declare and the response leaves out ---------------------


@pytest.fixture
def partners_declared(registry, brittany, campaign_of, pays_cob):
    """Quimper validated a response promoted to the Brest-Quimper record; the Pays COB one
    whose entry, on no record, names Brest Métropole among its partners."""
    section = cooperation_section(campaign_of.questionnaire.questions)
    respond(
        campaign_of,
        brittany["quimper_agglo"],
        promoted=[registry["brest_quimper"]],
        answers={section: [{"_entry": "e0", "coop_title": "Contrat Brest-Quimper"}]},
    )
    respond(
        campaign_of,
        pays_cob,
        answers={
            section: [
                {
                    "_entry": "p1",
                    "coop_title": "Charte de l’eau du Centre Bretagne",
                    "coop_partners": ["epci:242900314"],
                },
                {"_entry": "p2", "coop_title": "Sans Brest", "coop_partners": ["epci:242900694"]},
            ]
        },
    )
    return section


def test_review_page_lists_what_partners_declare_and_the_response_omits(
    client, reviewer, registry, brittany, campaign_of, partners_declared
):
    from django.urls import reverse

    under_review = respond(
        campaign_of, brittany["brest_metropole"], status=ResponseStatus.SUBMITTED
    )
    client.force_login(reviewer)
    response = client.get(reverse("surveys:review_response", args=[under_review.pk]))
    found = [
        (d.territory.name, d.title, d.record) for d in response.context["partner_declarations"]
    ]
    assert found == [
        ("CA Quimper Bretagne Occidentale", "Contrat Brest-Quimper", registry["brest_quimper"]),
        ("Pays du Centre Ouest Bretagne", "Charte de l’eau du Centre Bretagne", None),
    ]
    html = response.content.decode()
    assert "Coopérations déclarées par des partenaires et absentes de cette réponse" in html
    assert f'href="{registry["brest_quimper"].get_absolute_url()}"' in html
    assert "Sans Brest" not in html  # the Pays COB's entry with Quimper only


def test_records_and_partners_the_response_lists_are_not_missing(
    registry, brittany, campaign_of, partners_declared, django_assert_max_num_queries
):
    from surveys.reciprocity import missing_partner_declarations

    under_review = respond(
        campaign_of,
        brittany["brest_metropole"],
        status=ResponseStatus.SUBMITTED,
        answers={partners_declared: [{"_entry": "b1", "coop_partners": ["grouping:PAYS-COB"]}]},
    )
    under_review = Response.objects.select_related("territory", "questionnaire").get(
        pk=under_review.pk
    )
    with django_assert_max_num_queries(3):
        missing = missing_partner_declarations(under_review, set())
    # The response names the Pays COB: only Quimper's record is missing.
    assert [(d.territory.name, d.record) for d in missing] == [
        ("CA Quimper Bretagne Occidentale", registry["brest_quimper"])
    ]
    # With the record among those its entries update, nothing is.
    assert missing_partner_declarations(under_review, {registry["brest_quimper"].pk}) == []
    # Quimper's own response misses the Pays COB's entry that names Quimper only.
    quimper_response = Response.objects.filter(territory=brittany["quimper_agglo"]).get()
    assert [
        (d.territory.name, d.title) for d in missing_partner_declarations(quimper_response, set())
    ] == [("Pays du Centre Ouest Bretagne", "Sans Brest")]
