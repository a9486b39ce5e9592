"""The statistics of one census campaign: the `campaign` filter that the survey app adds to
the registry's selection (the records its validated responses created or updated), the
campaign chooser that /statistiques/ shows to reviewers only, and the links to it from the
reviewers' campaign pages."""

import re

from django.urls import reverse

from cooperation.models import Cooperation
from surveys.models import Promotion
from surveys.services.responses import response_validate
from tests.fixtures.surveys import CAMPAIGN_RECORD_TITLE as NEW_TITLE
from tests.statistics_links import every_link

STATISTICS = "/statistiques/"
API = "/api/v1/statistics/"


def statistics_of(client, query: str) -> dict:
    response = client.get(f"{STATISTICS}?{query}")
    assert response.status_code == 200
    assert not response.context["form"].errors
    return response.context["statistics"]


def list_titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].form.errors, url
    assert response.context["paginator"].count == len(response.context["object_list"])
    return sorted(record.title for record in response.context["object_list"])


def test_a_campaign_gets_the_difficulty_table_and_the_declared_texts(
    client, census_round, registry, reviewer
):
    # The record the campaign created declares funding difficulties; a record outside the
    # campaign (Brest-Quimper: Quimper's response is not validated) legal ones.
    Cooperation.objects.filter(title=NEW_TITLE).update(difficulties="Budget insuffisant.")
    Cooperation.objects.filter(pk=registry["brest_quimper"].pk).update(
        difficulties="Cadre juridique flou."
    )
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    data = statistics_of(client, f"campaign={campaign.pk}")
    table = next(table for table in data["tables"] if table["name"] == "difficulty")
    counts = {row["key"]: row["count"] for row in table["rows"]}
    assert counts == {"legal": 0, "funding": 1, "skills": 0, "governance": 0, "other": 0}
    for row in table["rows"]:
        assert f"campaign={campaign.pk}" in row["list_url"]
        assert len(list_titles(client, row["list_url"])) == row["count"]
    declared = data["declared_difficulties"]
    assert [record["title"] for record in declared["records"]] == [NEW_TITLE]
    assert list_titles(client, declared["list_url"]) == [NEW_TITLE]


def test_the_records_of_a_campaign_are_those_its_validated_responses_promoted(census_round):
    campaign = census_round["campaign"]
    promoted = Promotion.objects.of_validated_responses(campaign)
    assert sorted(promoted.values_list("cooperation__title", flat=True)) == sorted(
        [NEW_TITLE, "Pôle métropolitain stéphanois"]
    )
    assert sorted(promoted.values_list("created", flat=True)) == [False, True]


def test_campaign_statistics_count_exactly_the_two_records(client, census_round, reviewer):
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    everything = statistics_of(client, "")
    data = statistics_of(client, f"campaign={campaign.pk}")

    assert data["total"]["count"] == 2
    assert everything["total"]["count"] == 5  # staff: the four records and the new one
    assert data["filters"] == {"campaign": [str(campaign.pk)]}
    tables = {table["name"]: table for table in data["tables"]}
    instruments = {row["key"]: row["count"] for row in tables["instrument"]["rows"] if row["count"]}
    assert instruments == {"reciprocity_contract": 1, "metropolitan_pole": 1}
    metropolises = {row["key"]: row["count"] for row in tables["metropolis"]["rows"]}
    assert metropolises == {"242900314": 1, "244200770": 1}
    # Another campaign, without validated responses, counts none (and is not served from
    # the first one's cache).
    assert statistics_of(client, f"campaign={census_round['other'].pk}")["total"]["count"] == 0


def test_following_a_number_gives_a_list_of_as_many_records(client, census_round, reviewer):
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    data = statistics_of(client, f"campaign={campaign.pk}")

    assert list_titles(client, data["total"]["list_url"]) == sorted(
        [NEW_TITLE, "Pôle métropolitain stéphanois"]
    )
    followed = 0
    for count, url in every_link(data):
        assert f"campaign={campaign.pk}" in url, url
        if count:
            assert len(list_titles(client, url)) == count, url
            followed += 1
    assert followed > 10


def test_the_public_sees_the_same_published_records_through_the_filter(client, census_round):
    campaign = census_round["campaign"]
    data = statistics_of(client, f"campaign={campaign.pk}")
    assert data["total"]["count"] == 2
    assert list_titles(client, data["total"]["list_url"]) == sorted(
        [NEW_TITLE, "Pôle métropolitain stéphanois"]
    )


def test_the_api_with_campaign_agrees_with_the_page(client, census_round, reviewer):
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    page = statistics_of(client, f"campaign={campaign.pk}&theme=mobility")
    api = client.get(API, {"campaign": campaign.pk, "theme": "mobility"}).json()
    for name in ("total", "tables", "cross_tables", "completeness", "reciprocity"):
        assert api[name] == page[name]
    assert api["total"]["count"] == 1
    records = client.get("/api/v1/cooperations/", {"campaign": campaign.pk}).json()
    assert records["count"] == 2


def test_an_unknown_campaign_is_a_400_naming_it(client, census_round):
    for value in ("999999", "abc"):
        response = client.get(API, {"campaign": value})
        assert response.status_code == 400
        assert list(response.json()) == ["campaign"]
        assert client.get("/api/v1/cooperations/", {"campaign": value}).status_code == 400
    response = client.get(STATISTICS, {"campaign": "abc"})
    assert "statistics" not in response.context
    assert "Certains filtres ne sont pas valides" in response.content.decode()


def test_a_later_validation_changes_the_cached_figures(client, census_round, reviewer):
    client.force_login(reviewer)
    query = f"campaign={census_round['campaign'].pk}"
    assert statistics_of(client, query)["total"]["count"] == 2
    response_validate(response=census_round["pending"], reviewer=reviewer)
    assert statistics_of(client, query)["total"]["count"] == 3


def campaign_select(content: str) -> str | None:
    found = re.search(r'<select[^>]*name="campaign".*?</select>', content, re.S)
    return found.group(0) if found else None


def test_reviewers_choose_a_campaign_and_read_what_is_counted(client, census_round, reviewer):
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    content = client.get(STATISTICS).content.decode()
    select = campaign_select(content)
    assert select is not None
    assert '<label class="fr-label" for="statistics-campaign">Campagne du recensement</label>' in (
        content
    )
    assert '<option value="">Aucune (tout le registre)</option>' in select
    assert f'<option value="{campaign.pk}">Recensement 2026</option>' in select
    assert "Fiches issues" not in content

    content = client.get(STATISTICS, {"campaign": campaign.pk}).content.decode()
    assert f'<option value="{campaign.pk}" selected>Recensement 2026</option>' in content
    assert (
        "Fiches issues des réponses validées de la campagne «\u00a0Recensement 2026\u00a0» "
        "(2\u00a0réponses validées)." in content
    )


def test_others_never_see_the_chooser_nor_the_campaign(client, census_round):
    campaign = census_round["campaign"]
    for user in (None, census_round["officers"]["brest_metropole"]):
        if user is not None:
            client.force_login(user)
        assert campaign_select(client.get(STATISTICS).content.decode()) is None
        content = client.get(STATISTICS, {"campaign": campaign.pk}).content.decode()
        assert campaign_select(content) is None
        assert "Recensement 2026" not in content
        assert "Fiches issues des réponses validées d’une campagne du recensement." in content


def test_the_list_shows_the_campaign_as_a_removable_tag(client, census_round, reviewer):
    campaign = census_round["campaign"]
    url = f"/cooperations/?campaign={campaign.pk}&theme=mobility"
    tags = {tag["label"]: tag["url"] for tag in client.get(url).context["active_filters"]}
    assert tags[f"Campagne du recensement\u00a0: n°\u00a0{campaign.pk}"] == "?theme=mobility"
    client.force_login(reviewer)
    tags = {tag["label"]: tag["url"] for tag in client.get(url).context["active_filters"]}
    assert tags["Campagne du recensement\u00a0: Recensement 2026"] == "?theme=mobility"


def test_campaign_pages_link_to_the_campaign_statistics(client, census_round, reviewer):
    client.force_login(reviewer)
    campaign = census_round["campaign"]
    link = f'href="{reverse("cooperation:statistics")}?campaign={campaign.pk}"'
    for url in (
        reverse("surveys:coverage", kwargs={"campaign_id": campaign.pk}),
        reverse("surveys:review_campaigns"),
    ):
        content = client.get(url).content.decode()
        assert link in content, url
        assert "statistiques de la campagne" in content.lower()


def test_the_schema_documents_the_campaign_parameter(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/statistics/", "/api/v1/cooperations/", "/api/v1/network/"):
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["campaign"]["schema"]["type"] == "integer", path
        assert "réponses validées" in parameters["campaign"]["description"]


def test_query_count_is_bounded(client, census_round, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)
    query = {"campaign": census_round["campaign"].pk, "region": "53"}
    # The page's own budget (27), plus the session and the user, the campaign, the
    # chooser's campaigns and the count of validated responses: none per record.
    with django_assert_max_num_queries(34):
        client.get(STATISTICS, query)
    # Cached: the filters' choices, the campaign, its validated responses and the session.
    with django_assert_max_num_queries(12):
        client.get(STATISTICS, query)
    with django_assert_max_num_queries(24):
        client.get(API, query)
    with django_assert_max_num_queries(20):
        client.get("/cooperations/", query)


def test_the_campaign_reads_in_english_too(client, census_round, reviewer):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    content = client.get(STATISTICS, {"campaign": census_round["campaign"].pk}).content.decode()
    assert '<label class="fr-label" for="statistics-campaign">Census campaign</label>' in content
    assert '<option value="">None (the whole registry)</option>' in content
    assert (
        "Records from the validated responses of the campaign “Recensement 2026” "
        "(2 validated responses)." in content
    )


def test_applying_other_filters_keeps_the_campaign(client, census_round, reviewer):
    pk = census_round["campaign"].pk
    hidden = f'<input type="hidden" name="campaign" value="{pk}">'
    # The list's form carries it; so does the statistics' form when it shows no select box.
    assert hidden in client.get("/cooperations/", {"campaign": pk}).content.decode()
    assert hidden in client.get(STATISTICS, {"campaign": pk}).content.decode()
    client.force_login(reviewer)
    content = client.get(STATISTICS, {"campaign": pk}).content.decode()
    assert hidden not in content
    assert campaign_select(content) is not None
