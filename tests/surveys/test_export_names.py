"""Export file names: never cut inside a word; the `,` and `;` CSV have distinct names."""

from django.urls import reverse
from django.utils import timezone

from surveys.exports import export_filename, slug_within
from tests.fixtures.surveys import make_campaign


def test_a_long_title_is_cut_between_words():
    title = "Recensement national des coopérations interterritoriales entre métropoles"
    slug = slug_within(title, 40)
    assert slug == "recensement-national-des-cooperations"
    assert len(slug) <= 40
    assert "recensement-national-des-cooperations-interterritoriales".startswith(slug)


def test_survey_csv_names_depend_on_the_separator(census, brittany):
    campaign = make_campaign(
        census,
        [brittany["brest_metropole"]],
        title="Recensement 2026 des coopérations interterritoriales entre les métropoles "
        "et leurs territoires environnants",
    )
    today = f"{timezone.localdate():%Y-%m-%d}"
    comma = export_filename(campaign, "csv")
    semicolon = export_filename(campaign, "csv", sep="semicolon")
    assert comma != semicolon
    assert semicolon.endswith(f"-responses-semicolon-{today}.csv")
    stem = comma.removeprefix("enquete-").removesuffix(f"-responses-{today}.csv")
    words = "recensement-2026-des-cooperations-interterritoriales-entre-les-metropoles-et"
    assert (words + "-").startswith(stem + "-")


def test_registry_csv_buttons_give_distinct_names(client, registry):
    url = reverse("cooperation:export", args=["csv"])
    comma = client.get(url)["Content-Disposition"]
    semicolon = client.get(url, {"sep": "semicolon"})["Content-Disposition"]
    today = f"{timezone.localdate():%Y-%m-%d}"
    assert f'filename="cooperations-{today}.csv"' in comma
    assert f'filename="cooperations-semicolon-{today}.csv"' in semicolon
