"""English as a complete second language: typography, reference data, API docs, errors."""

import re

import pytest


@pytest.mark.parametrize(
    ("language", "url", "detail"),
    [
        ("en", "/api/v1/territories/epci/000000000/", "Territory not found."),
        ("fr", "/api/v1/territories/epci/000000000/", "Territoire introuvable."),
        ("en", "/api/v1/cooperations/nope/", "Cooperation not found."),
        ("fr", "/api/v1/cooperations/nope/", "Coopération introuvable."),
        ("en", "/api/v1/nope/", "Unknown API address: see the documentation, /api/docs/."),
    ],
)
def test_api_404_messages_follow_accept_language(client, db, language, url, detail):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 404
    assert response.json() == {"detail": detail}


def test_swagger_ui_title_and_schema_follow_the_request_language(client, db):
    docs = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    french = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="fr").json()

    assert re.findall(r"<title>(.*?)</title>", docs) == [
        "API of the inter-territorial cooperation portal"
    ]
    assert schema["info"]["title"] == "API of the inter-territorial cooperation portal"
    assert schema["info"]["description"].startswith("The reference geography")
    assert schema["paths"]["/api/v1/territories/"]["get"]["summary"] == (
        "List and filter territories"
    )
    assert french["info"]["title"] == "API du portail des coopérations interterritoriales"
    assert french["info"]["description"].startswith("La géographie de référence")


def test_vintage_labels_are_translated_with_their_punctuation():
    from django.utils import translation

    from territories.templatetags.territory_tags import vintage

    with translation.override("en"):
        assert vintage("COG 2026 ; population légale 2023") == "COG 2026; legal population 2023"
        assert vintage("DGCL 1er janv. 2025 ; pop. légale 2022") == (
            "DGCL 1 Jan. 2025; legal pop. 2022"
        )
    with translation.override("fr"):
        assert vintage("COG 2026 ; population légale 2023") == (
            "COG 2026\u00a0; population légale 2023"
        )


def test_english_pages_put_no_space_before_colons(client, brittany):
    from cooperation.models import Theme

    Theme.objects.create(code="mobility", label_fr="Mobilités", label_en="Mobility")
    commune = brittany["29019"]
    commune.vintage = "COG 2026 ; population légale 2023"
    commune.save()
    client.cookies["django_language"] = "en"

    territory_page = client.get(commune.get_absolute_url()).content.decode()
    list_page = client.get("/cooperations/?theme=mobility&start_year_min=abc").content.decode()

    assert "Reference year: COG 2026; legal population 2023." in territory_page
    assert "Theme: Mobility" in list_page
    for text in (territory_page, list_page):
        visible = re.sub(r"<[^>]+>", "", text)
        assert not re.search(r"\w[ \u00a0\u202f]:", visible), re.findall(
            r".{30}\w[ \u00a0\u202f]:.{10}", visible
        )
