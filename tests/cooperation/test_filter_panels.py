"""The filter forms of the registry's pages (list, network, statistics) end the same way and
report invalid filters the same way: each invalid filter named with its message, in the
language of the page."""

import pytest
from django.urls import reverse

NBSP = "\u00a0"
PAGES = ["cooperation:list", "cooperation:network", "cooperation:statistics"]


@pytest.mark.parametrize("page", PAGES)
def test_an_invalid_filter_is_named_with_its_message(client, registry, page):
    url = reverse(page)
    html = client.get(url, {"start_year_min": "abc"}).content.decode()
    assert "Certains filtres ne sont pas valides" in html
    assert f"<li>Début à partir de{NBSP}: Saisissez un nombre.</li>" in html
    assert "Appliquer les filtres" in html
    assert f'href="{url}">Réinitialiser les filtres</a>' in html


@pytest.mark.parametrize("page", PAGES)
def test_in_english_the_label_and_message_are_joined_the_english_way(client, registry, page):
    client.cookies["django_language"] = "en"
    html = client.get(reverse(page), {"start_year_min": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert "Some filters are not valid" in html
    assert ": Enter a number.</li>" in html
    assert f"{NBSP}: Enter a number." not in html


@pytest.mark.parametrize("page", PAGES)
def test_valid_filters_show_no_alert(client, registry, page):
    html = client.get(reverse(page), {"start_year_min": "2010"}).content.decode()
    assert "Certains filtres ne sont pas valides" not in html
