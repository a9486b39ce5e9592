"""The home page, and what every page shares: layout, language switch, error pages."""

import re

import pytest
from django.template import loader
from django.test import override_settings
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from cooperation.models import Instrument
from cooperation.services import PartnerInput, cooperation_create
from territories.models import TerritoryKind
from tests.factories import TerritoryFactory


def figures(response) -> list[str]:
    return re.findall(r'<span class="portal-figure__number">([^<]+)</span>', response.text)


def test_home_explains_the_census_and_links_to_the_lists(client, brittany):
    response = client.get("/")

    assert response.status_code == 200
    assertTemplateUsed(response, "home.html")
    assertContains(response, "<title>Accueil — Coopérations interterritoriales</title>")
    assert response.text.count("<h1>") == 1
    for fact in (
        "CGET",
        "ANCT",
        "France urbaine",
        "AdCF",
        "Intercommunalités de France",
        "173 coopérations",
        "21 métropoles",
        "alliance des territoires",
        "Pacte État-métropoles",
    ):
        assertContains(response, fact)
    assertContains(response, 'href="/metropoles/"')
    assertContains(response, 'href="/territoires/"')
    assertContains(response, 'href="/enquetes/"', count=2)  # the menu and the officers' call


def test_home_key_figures_count_cooperations_and_current_territories_in_two_queries(
    client, brittany, django_assert_max_num_queries
):
    TerritoryFactory(kind=TerritoryKind.COMMUNE, code="29999", is_obsolete=True)

    with django_assert_max_num_queries(2):
        response = client.get("/")

    # published cooperations, métropoles, EPCI, communes, départements
    assert figures(response) == ["0", "2", "3", "5", "2"]
    assertContains(response, "métropoles")
    assertContains(response, "communes")


def test_home_key_figures_use_french_grouping_and_singular(client, db):
    for number in range(1234):
        TerritoryFactory(kind=TerritoryKind.COMMUNE, code=f"{10000 + number}")
    TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="29")

    response = client.get("/")

    assert figures(response)[3] == "1\xa0234"
    assertContains(response, "</span> département\n")


def test_home_counts_published_cooperations_only_and_links_to_the_registry(client, brittany):
    brest = brittany["brest_metropole"]
    for title, published in (("Publiée", True), ("Brouillon", False)):
        cooperation_create(
            title=title,
            instrument=Instrument.CHARTER,
            partners=[PartnerInput(brest)],
            is_published=published,
        )

    response = client.get("/")

    assert figures(response)[0] == "1"
    assertContains(response, "</span> coopération publiée\n")
    assertContains(response, '<form method="get" action="/cooperations/" role="search"')
    assertContains(response, 'id="home-cooperation-search" name="q"')
    assertContains(response, '<a href="/cooperations/">Les coopérations</a>', html=True)
    assertContains(response, 'class="fr-nav__link" href="/cooperations/"')


def test_home_search_box_sends_a_labelled_query_to_the_territory_list(client, db):
    response = client.get("/")

    assertContains(response, '<form method="get" action="/territoires/" role="search"')
    assertContains(response, '<label class="fr-label" for="home-search">')
    assertContains(response, "Rechercher un territoire")
    assertContains(response, 'id="home-search" name="q"')


def test_layout_has_language_skip_links_navigation_and_footer(client, db):
    response = client.get("/territoires/?q=brest&kind=commune")

    assertContains(response, '<html lang="fr">')
    for target in ("#content", "#navigation", "#footer"):
        assertContains(response, f'href="{target}"')
    assertContains(response, 'id="content"')
    assertContains(response, 'id="navigation"')
    assertContains(response, 'id="footer"')
    assertContains(response, "République<br>française")
    assertContains(response, "Coopérations interterritoriales")
    assertContains(response, 'href="/territoires/" aria-current="page"')
    assertContains(response, 'href="/api/docs/"')
    assertContains(response, "Découpage administratif, Licence Ouverte — Etalab")
    assertContains(response, '<form class="portal-language" action="/i18n/setlang/" method="post"')
    assertContains(
        response, '<input type="hidden" name="next" value="/territoires/?q=brest&amp;kind=commune">'
    )
    assertContains(response, 'name="language" value="fr"')
    assertContains(response, 'name="language" value="en"')
    # No CSRF token in the switch (the view is exempt): a page without a form sets no cookie.
    assertNotContains(response, 'name="csrfmiddlewaretoken"')


def test_scripts_carry_the_csp_nonce_and_no_inline_script(client, db):
    response = client.get("/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in script and "src=" in script for script in scripts)


def test_language_switch_sets_english_and_returns_to_the_same_page(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/territoires/?q=brest"})

    assert response.status_code == 302
    assert response["Location"] == "/territoires/?q=brest"
    assertContains(client.get("/"), '<html lang="en">')


def test_unknown_page_uses_the_404_template(client, db):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(
        response,
        "<title>Page introuvable — Coopérations interterritoriales</title>",
        status_code=404,
    )
    assertContains(response, "<h1>Page introuvable</h1>", status_code=404)
    assertContains(response, 'href="#content"', status_code=404)


def test_500_template_renders_without_context_or_database():
    # No `db` fixture: pytest-django makes any query fail this test.
    html = loader.get_template("500.html").render()

    assert "<title>Erreur du serveur — Coopérations interterritoriales</title>" in html
    assert "<h1>Erreur inattendue</h1>" in html
    assert 'href="#content"' in html
    assert "dsfr.min.css" in html


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_server_error_answers_with_the_500_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("config.views.HomeView.get_context_data", broken)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assertContains(response, "Erreur inattendue", status_code=500)
    assertNotContains(response, "boom", status_code=500)
