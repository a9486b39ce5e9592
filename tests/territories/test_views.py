"""The public territory pages: /metropoles/, /territoires/ and one page per territory."""

import html
import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

LIST_URL = "/territoires/"
METROPOLIS_URL = "/metropoles/"

# Queries per page, whatever the number of rows (see the *_query_count tests).
LIST_QUERY_BUDGET = 6
# The métropoles, their départements, and for the map the régions and their contours (none
# here: tests/territories/test_maps.py counts the queries with contours).
METROPOLIS_QUERY_BUDGET = 4
# The territory, its containers, content counts, communes count and page, the registry's
# « Coopérations » section (one query, from cooperation_tags), and whether any contour is
# loaded (to say so when this territory has none); the « Réseau » block (cooperation
# network_tags): the registry's version, the whole network when the cache misses (and the
# validated survey responses, for its reciprocity), and the territory's partners.
DETAIL_QUERY_BUDGET = 11


def row_names(response) -> list[str]:
    """The names in the first column of every table row, in order."""
    found = re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', response.text)
    return [html.unescape(name) for name in found]


def french_number(value: int) -> str:
    with translation.override("fr"):
        return intcomma(value)


# /metropoles/


def test_metropolis_list_shows_each_metropolis_with_population_communes_and_department(
    client, brittany
):
    response = client.get(METROPOLIS_URL)

    assert response.status_code == 200
    assert row_names(response) == ["Brest Métropole", "Saint-Étienne Métropole"]
    assertContains(response, "<h1>Métropoles</h1>", html=True)
    assertContains(response, "<caption>2 métropoles</caption>", html=True)
    assertContains(response, f'href="{brittany["brest_metropole"].get_absolute_url()}"')
    assertContains(response, french_number(213403))
    assertContains(response, "Finistère (29)")
    assertContains(response, "Loire (42)")
    assertNotContains(response, "CA Quimper Bretagne Occidentale")


def test_metropolis_list_counts_member_communes(client, brittany):
    response = client.get(METROPOLIS_URL)

    cells = re.findall(r'<td class="fr-cell--right">([^<]*)</td>', response.text)
    # Brest: population, 3 communes, then the registry's columns (no cooperation yet);
    # Saint-Étienne: population, 1 commune, and the same (cooperations, partners, completeness).
    assert cells == [
        *(french_number(213403), "3", "0", "0", "0"),
        *(french_number(407700), "1", "0", "0", "0"),
    ]


def test_metropolis_list_leaves_out_obsolete_metropolises(client, brittany):
    brittany["brest_metropole"].is_obsolete = True
    brittany["brest_metropole"].save()

    response = client.get(METROPOLIS_URL)

    assert row_names(response) == ["Saint-Étienne Métropole"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["Brest Métropole", "Saint-Étienne Métropole"]),
        ("-name", ["Saint-Étienne Métropole", "Brest Métropole"]),
        ("-population", ["Saint-Étienne Métropole", "Brest Métropole"]),
        ("population", ["Brest Métropole", "Saint-Étienne Métropole"]),
        ("-communes", ["Brest Métropole", "Saint-Étienne Métropole"]),
        ("communes", ["Saint-Étienne Métropole", "Brest Métropole"]),
    ],
)
def test_metropolis_list_sorts_by_the_ordering_parameter(client, brittany, ordering, expected):
    response = client.get(METROPOLIS_URL, {"ordering": ordering})

    assert response.status_code == 200
    assert row_names(response) == expected


def test_metropolis_list_sort_headers_toggle_direction_and_keep_other_parameters(client, brittany):
    response = client.get(METROPOLIS_URL, {"ordering": "-population", "utm": "x"})

    assertContains(response, 'aria-sort="descending"')
    assertContains(response, 'href="?ordering=population&amp;utm=x"')
    assertContains(response, 'href="?ordering=name&amp;utm=x"')
    assertContains(response, 'href="?ordering=-communes&amp;utm=x"')


def test_metropolis_list_falls_back_to_name_order_for_an_unknown_ordering(client, brittany):
    response = client.get(METROPOLIS_URL, {"ordering": "siren"})

    assert response.status_code == 200
    assert row_names(response) == ["Brest Métropole", "Saint-Étienne Métropole"]


@pytest.mark.parametrize("count", [2, 10])
def test_metropolis_list_query_count_does_not_grow_with_rows(
    client, metropolises, django_assert_max_num_queries, count
):
    metropolises(count)

    with django_assert_max_num_queries(METROPOLIS_QUERY_BUDGET):
        response = client.get(METROPOLIS_URL)

    assert len(row_names(response)) == count


# /territoires/


def test_territory_list_renders_filters_count_and_table(client, brittany):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assertTemplateUsed(response, "territories/territory_list.html")
    assertContains(response, "<title>Territoires — Coopérations interterritoriales</title>")
    assertContains(response, "<h1>Territoires</h1>", html=True)
    assertContains(response, "12 territoires")
    for name in ("q", "kind", "category", "department", "region", "is_metropolis", "ordering"):
        assertContains(response, f'<label class="fr-label" for="id_{name}">')
    assertContains(response, '<label class="fr-label" for="id_include_obsolete">')
    assertContains(response, '<option value="29">29 \N{EN DASH} Finistère</option>', html=True)
    assertContains(response, '<option value="53">53 \N{EN DASH} Bretagne</option>', html=True)


def test_territory_list_shows_kind_category_code_population_and_department(client, brittany):
    response = client.get(LIST_URL, {"q": "brest"})

    assert row_names(response) == ["Brest", "Brest Métropole"]
    assertContains(response, "<td>EPCI à fiscalité propre</td>", html=True)
    assertContains(response, "<td>Métropole</td>", html=True)
    assertContains(response, "<td>242900314</td>", html=True)
    assertContains(response, french_number(142346))
    assertContains(response, "Finistère (29)", count=2)


def test_territory_list_search_ignores_accents_case_and_hyphens(client, brittany):
    response = client.get(LIST_URL, {"q": "saint etienne"})

    assert row_names(response) == ["Saint-Étienne", "Saint-Étienne Métropole"]
    assertContains(response, "2 territoires")
    assertContains(response, 'value="saint etienne"')


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "department"}, ["Finistère", "Loire"]),
        ({"category": "CA"}, ["CA Quimper Bretagne Occidentale"]),
        (
            {"department": "42"},
            ["Loire", "Saint-Étienne", "Saint-Étienne Métropole"],
        ),
        (
            {"region": "84", "kind": "commune"},
            ["Saint-Étienne"],
        ),
        ({"is_metropolis": "true"}, ["Brest Métropole", "Saint-Étienne Métropole"]),
        (
            {"contained_in": "epci:242900314", "ordering": "-population"},
            ["Brest", "Guipavas", "Plouzané"],
        ),
    ],
)
def test_territory_list_filters_through_the_page(client, brittany, params, expected):
    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert row_names(response) == expected


def test_territory_list_hides_obsolete_territories_unless_asked(client, brittany):
    TerritoryFactory(
        kind=TerritoryKind.COMMUNE, code="29999", name="Ancienne commune", is_obsolete=True
    )

    assert "Ancienne commune" not in row_names(client.get(LIST_URL, {"q": "ancienne"}))
    response = client.get(LIST_URL, {"q": "ancienne", "include_obsolete": "true"})
    assert row_names(response) == ["Ancienne commune"]
    assertContains(response, "Obsolète")
    assert re.search(r'id="id_include_obsolete"[^>]*checked', response.text)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"department": "999"}, "Sélectionnez un choix valide"),
        ({"contained_in": "bad"}, "Format attendu"),
        ({"contained_in": "epci:000000000"}, "Aucun territoire ne correspond"),
        ({"kind": "planet"}, "Sélectionnez un choix valide"),
    ],
)
def test_territory_list_shows_invalid_filters_as_form_errors_without_results(
    client, brittany, params, message
):
    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assertContains(response, "Certains filtres ne sont pas valides")
    assertContains(response, message)
    assertContains(response, 'class="fr-error-text"')
    assert row_names(response) == []
    assertNotContains(response, "territoires</h2>")


def test_territory_list_empty_state_offers_to_reset_the_filters(client, brittany):
    response = client.get(LIST_URL, {"q": "atlantide"})

    assert response.status_code == 200
    assertContains(response, "0 territoire")
    assertContains(response, "Aucun territoire ne correspond à ces filtres.")
    assertContains(response, f'href="{reverse("territories:list")}"')
    assert row_names(response) == []


def test_territory_list_paginates_by_50_and_pagination_links_keep_the_filters(
    client, epci_with_communes
):
    epci_with_communes(60)

    first = client.get(LIST_URL, {"kind": "commune"})
    second = client.get(LIST_URL, {"kind": "commune", "page": "2"})

    assertContains(first, "60 territoires")
    assert len(row_names(first)) == 50
    assert len(row_names(second)) == 10
    assert set(row_names(first)).isdisjoint(row_names(second))
    assertContains(first, 'href="?kind=commune&amp;page=2"')
    assertContains(first, 'class="fr-pagination"')
    assertContains(second, "page 2 sur 2")


def test_territory_list_page_out_of_range_is_not_found(client, brittany):
    assert client.get(LIST_URL, {"page": "9"}).status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_territory_list_query_count_does_not_grow_with_rows(
    client, epci_with_communes, django_assert_max_num_queries, count
):
    epci_with_communes(count)

    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = client.get(LIST_URL, {"department": "29", "kind": "commune", "ordering": "name"})

    assert len(row_names(response)) == min(count, 50)


# /territoires/<kind>/<code>/


def test_territory_detail_of_an_epci_shows_identity_containers_and_contents(client, brittany):
    brest_metropole = brittany["brest_metropole"]

    response = client.get(brest_metropole.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "<h1>Brest Métropole</h1>", html=True)
    assertContains(response, "<title>Brest Métropole (EPCI à fiscalité propre) — ")
    assertContains(response, "EPCI à fiscalité propre")
    assertContains(response, "<dd>Métropole</dd>", html=True)
    assertContains(response, "<dd>242900314</dd>", html=True, count=2)  # code and SIREN
    assertContains(response, f"{french_number(213403)} habitants")
    assertContains(
        response, f'<a href="{brittany["bretagne"].get_absolute_url()}">Bretagne</a>', html=True
    )
    assertContains(
        response, f'<a href="{brittany["finistere"].get_absolute_url()}">Finistère</a>', html=True
    )
    assertContains(response, "?contained_in=epci%3A242900314&amp;kind=commune")
    assertContains(response, 'href="/territoires/?contained_in=epci%3A242900314"')
    assertContains(response, 'href="/api/v1/territories/epci/242900314/"')
    assert row_names(response) == ["Brest", "Guipavas", "Plouzané"]


def test_territory_detail_lists_containers_from_region_down_to_epci(client, brittany):
    response = client.get(brittany["29019"].get_absolute_url())

    text = response.text
    positions = [
        text.index(f">{name}</a>") for name in ("Bretagne", "Finistère", "Brest Métropole")
    ]
    assert positions == sorted(positions)
    assertContains(response, "<dt>Région</dt>", html=True)
    assertContains(response, "<dt>Département</dt>", html=True)
    assertContains(response, "<dt>EPCI à fiscalité propre</dt>", html=True)


def test_territory_detail_of_a_commune_shows_postal_codes_and_no_contents(client, brittany):
    response = client.get(brittany["29019"].get_absolute_url())

    assertContains(response, "<dd>29200</dd>", html=True)
    assertNotContains(response, "<h2>Contient</h2>", html=True)


def test_territory_detail_of_a_region_counts_its_contents_per_kind(client, brittany):
    response = client.get(brittany["bretagne"].get_absolute_url())

    assertContains(response, "<dt>Départements</dt>", html=True)
    assertContains(response, "<dt>EPCI à fiscalité propre</dt>", html=True)
    assertContains(response, "<dt>Communes</dt>", html=True)
    assertContains(response, '?contained_in=region%3A53&amp;kind=commune">4</a>')
    assertContains(response, '?contained_in=region%3A53&amp;kind=epci">2</a>')


def test_territory_detail_marks_an_obsolete_territory(client, brittany):
    commune = brittany["29232"]
    commune.is_obsolete = True
    commune.save()

    response = client.get(commune.get_absolute_url())

    assert response.status_code == 200
    assertContains(response, '<p class="fr-badge fr-badge--warning">Obsolète</p>', html=True)


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("name", ["Brest", "Guipavas", "Plouzané"]),
        ("-name", ["Plouzané", "Guipavas", "Brest"]),
        ("population", ["Plouzané", "Guipavas", "Brest"]),
        ("-population", ["Brest", "Guipavas", "Plouzané"]),
    ],
)
def test_territory_detail_sorts_the_communes_table(client, brittany, ordering, expected):
    url = brittany["brest_metropole"].get_absolute_url()

    response = client.get(url, {"ordering": ordering})

    assert row_names(response) == expected


def test_territory_detail_paginates_the_communes_table_keeping_the_ordering(
    client, epci_with_communes
):
    epci = epci_with_communes(60)

    first = client.get(epci.get_absolute_url(), {"ordering": "-population"})
    second = client.get(epci.get_absolute_url(), {"ordering": "-population", "page": "2"})

    assert row_names(first)[:2] == ["Commune 059", "Commune 058"]
    assert len(row_names(first)) == 50
    assert row_names(second) == [f"Commune {number:03d}" for number in range(9, -1, -1)]
    assertContains(first, 'href="?ordering=-population&amp;page=2"')


@pytest.mark.parametrize("count", [3, 40])
def test_territory_detail_query_count_does_not_grow_with_communes(
    client, epci_with_communes, django_assert_max_num_queries, count
):
    epci = epci_with_communes(count)

    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(epci.get_absolute_url())

    assert len(row_names(response)) == count


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/epci/999999999/",
        "/territoires/planet/29019/",
        "/territoires/department/29019/",
    ],
)
def test_territory_detail_is_not_found_for_an_unknown_kind_or_code(client, brittany, url):
    response = client.get(url)

    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(response, "Page introuvable", status_code=404)
    assertContains(response, '<html lang="fr">', status_code=404)


def test_category_labels_cover_every_metropolis_category(client, brittany):
    lyon = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="200046977",
        name="Métropole de Lyon",
        category=TerritoryCategory.MET69,
        population=1433613,
    )
    place(lyon, TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="69", name="Rhône"))

    response = client.get(METROPOLIS_URL, {"ordering": "-population"})

    assert row_names(response)[0] == "Métropole de Lyon"
    assertContains(response, "Métropole de Lyon (statut particulier)")
    assertContains(response, "Rhône (69)")


# The registry's parts of the territory pages (rendered by the cooperation app's template
# tags and registered columns: the territories app does not import it).


@pytest.fixture
def cooperations(brittany):
    """Three records: two published and one draft led by Brest Métropole (the first with
    Quimper's agglomération as partner), and one published led by Saint-Étienne Métropole
    with Brest Métropole and the Loire as partners."""
    from cooperation.models import CooperationStatus, Instrument, PartnerRole
    from cooperation.services import PartnerInput, cooperation_create

    b = brittany
    lead = PartnerRole.LEAD
    return {
        "contract": cooperation_create(
            title="Contrat Brest-Quimper",
            instrument=Instrument.RECIPROCITY_CONTRACT,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["quimper_agglo"])],
            start="2016-11-04",
            is_published=True,
        ),
        "charter": cooperation_create(
            title="Charte de la rade",
            instrument=Instrument.CHARTER,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["29212"])],
            start="2019",
            is_published=True,
        ),
        "draft": cooperation_create(
            title="Entente en préparation",
            instrument=Instrument.INFORMAL,
            status=CooperationStatus.PLANNED,
            partners=[PartnerInput(b["brest_metropole"], lead), PartnerInput(b["29075"])],
            is_published=False,
        ),
        "network": cooperation_create(
            title="Réseau Loire-Bretagne",
            instrument=Instrument.ASSOCIATION_NETWORK,
            partners=[
                PartnerInput(b["saint_etienne_metropole"], lead),
                PartnerInput(b["brest_metropole"]),
                PartnerInput(b["loire"]),
            ],
            start="2012",
            is_published=True,
        ),
    }


def cooperation_links(response) -> list[str]:
    found = re.findall(
        r'<p class="fr-text--lg fr-text--bold fr-mb-1v"><a href="/cooperations/[^"]+/">([^<]+)</a>',
        response.text,
    )
    return [html.unescape(title) for title in found]


def section(response, heading_id: str) -> str:
    """The HTML from the heading with this id to the next heading of the same level."""
    start = response.text.index(f'id="{heading_id}"')
    rest = response.text[start:]
    end = re.search(r"<h[23] ", rest[1:])
    return rest[: end.start() + 1] if end else rest


def test_territory_page_of_a_metropolis_lists_its_cooperations_as_reference_and_partner(
    client, brittany, cooperations
):
    response = client.get(brittany["brest_metropole"].get_absolute_url())

    assertContains(response, '<h2 id="cooperations">Coopérations</h2>', html=True)
    assertContains(response, "Comme métropole de référence (2)")
    assertContains(response, "Comme partenaire (1)")
    assert cooperation_links(response) == [
        "Charte de la rade",
        "Contrat Brest-Quimper",
        "Réseau Loire-Bretagne",
    ]
    assertContains(response, f'href="{cooperations["contract"].get_absolute_url()}"')
    as_partner = section(response, "cooperations-partenaire")
    assert "Réseau Loire-Bretagne" in as_partner
    assert 'href="/territoires/epci/244200770/">Saint-Étienne Métropole</a>' in as_partner
    assert "rôle\u00a0: partenaire · autre région" in as_partner
    assertContains(response, 'href="/cooperations/?metropolis=242900314"')
    assertNotContains(response, "Entente en préparation")


def test_territory_page_lists_unpublished_cooperations_to_staff(
    client, brittany, cooperations, django_user_model
):
    staff = django_user_model.objects.create_user(username="staff", is_staff=True)
    client.force_login(staff)

    response = client.get(brittany["brest_metropole"].get_absolute_url())

    assertContains(response, "Entente en préparation")
    assertContains(response, "Comme métropole de référence (3)")
    assertContains(response, "Non publiée")


def test_territory_page_of_a_partner_lists_the_cooperations_it_takes_part_in(
    client, brittany, cooperations
):
    response = client.get(brittany["quimper_agglo"].get_absolute_url())

    assert cooperation_links(response) == ["Contrat Brest-Quimper"]
    assertContains(response, "Comme partenaire (1)")
    assertNotContains(response, "Comme métropole de référence")
    assertContains(response, "rôle\u00a0: partenaire · même département")
    assertNotContains(response, "/cooperations/?metropolis=")


def test_territory_page_without_cooperation_says_so(client, brittany, cooperations):
    response = client.get(brittany["bretagne"].get_absolute_url())

    assertContains(
        response,
        "Le registre ne compte encore aucune coopération à laquelle Bretagne prend part.",
    )
    assert cooperation_links(response) == []


@pytest.mark.parametrize("count", [2, 12])
def test_territory_detail_query_count_does_not_grow_with_cooperations(
    client, brittany, django_assert_max_num_queries, count
):
    from cooperation.models import Instrument
    from cooperation.services import PartnerInput, cooperation_create

    for number in range(count):
        cooperation_create(
            title=f"Coopération {number}",
            instrument=Instrument.CHARTER,
            partners=[PartnerInput(brittany["brest_metropole"]), PartnerInput(brittany["29019"])],
            is_published=True,
        )

    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(brittany["brest_metropole"].get_absolute_url())

    assert len(cooperation_links(response)) == count


def metropolis_figures(response) -> dict[str, list[str]]:
    """For each métropole, its registry figures: [cooperations, partners]."""
    rows = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>(.*?)</tr>', response.text, re.S
    )
    return {
        html.unescape(name): re.findall(r'<td class="fr-cell--right">([^<]*)</td>', cells)[2:4]
        for name, cells in rows
    }


def test_metropolis_list_counts_cooperations_and_their_distinct_partners(
    client, brittany, cooperations
):
    response = client.get(METROPOLIS_URL)

    # Brest leads the contract (Quimper) and the charter (Plouzané); Saint-Étienne leads
    # the network (Brest, the Loire). The métropole itself is not its own partner.
    assert metropolis_figures(response) == {
        "Brest Métropole": ["2", "2"],
        "Saint-Étienne Métropole": ["1", "2"],
    }
    assertContains(
        response, "Coopérations du registre dont la métropole est la métropole de référence."
    )


def test_metropolis_list_counts_unpublished_cooperations_for_staff(
    client, brittany, cooperations, django_user_model
):
    client.force_login(django_user_model.objects.create_user(username="staff", is_staff=True))

    response = client.get(METROPOLIS_URL)

    assert metropolis_figures(response)["Brest Métropole"] == ["3", "3"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("-cooperations", ["Brest Métropole", "Saint-Étienne Métropole"]),
        ("cooperations", ["Saint-Étienne Métropole", "Brest Métropole"]),
        ("-partners", ["Brest Métropole", "Saint-Étienne Métropole"]),  # tie: by name
        ("partners", ["Brest Métropole", "Saint-Étienne Métropole"]),
    ],
)
def test_metropolis_list_sorts_by_the_registry_columns(
    client, brittany, cooperations, ordering, expected
):
    response = client.get(METROPOLIS_URL, {"ordering": ordering})

    assert row_names(response) == expected
    direction = "descending" if ordering.startswith("-") else "ascending"
    assertContains(response, f'aria-sort="{direction}"')


def test_metropolis_list_registry_headers_sort_descending_first(client, brittany):
    response = client.get(METROPOLIS_URL)

    assertContains(response, 'href="?ordering=-cooperations"')
    assertContains(response, 'href="?ordering=-partners"')


@pytest.mark.parametrize("count", [2, 10])
def test_metropolis_list_query_count_does_not_grow_with_cooperations(
    client, metropolises, django_assert_max_num_queries, count
):
    from cooperation.models import Instrument
    from cooperation.services import PartnerInput, cooperation_create

    created = metropolises(count)
    for metropolis in created:
        cooperation_create(
            title=f"Coopération de {metropolis.name}",
            instrument=Instrument.CHARTER,
            partners=[
                PartnerInput(metropolis),
                PartnerInput(created[0] if metropolis != created[0] else created[1]),
            ],
            is_published=True,
        )

    with django_assert_max_num_queries(METROPOLIS_QUERY_BUDGET):
        response = client.get(METROPOLIS_URL, {"ordering": "-cooperations"})

    figures = metropolis_figures(response)
    assert len(figures) == count
    assert all(values == ["1", "1"] for values in figures.values())


# Shareable addresses: only the filters in use


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/territoires/?q=&kind=&department=29&page=", "/territoires/?department=29"),
        ("/territoires/?q=&kind=", "/territoires/"),
        ("/metropoles/?ordering=", "/metropoles/"),
        (
            "/cooperations/?q=&theme=mobility&theme=&start_year_min=",
            "/cooperations/?theme=mobility",
        ),
    ],
)
def test_list_pages_redirect_to_the_address_without_empty_parameters(client, db, url, target):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == target


def test_list_page_without_empty_parameters_is_not_redirected(client, brittany):
    assert client.get("/territoires/?department=29").status_code == 200


# The data source line of a territory's page


def source_line(response) -> str:
    match = re.search(
        r'<p class="fr-text--sm" id="source-des-donnees">(.*?)</p>', response.text, re.S
    )
    # Only ASCII white space: the no-break spaces of French typography are kept.
    return re.sub(r"[ \t\n]+", " ", html.unescape(match.group(1))).strip()


def test_grouping_added_by_a_survey_names_its_own_source(client, brittany):
    from territories.services import grouping_upsert

    grouping, _changed = grouping_upsert(
        kind=TerritoryKind.GROUPING,
        code="PETR-X",
        name="PETR du pays de Morlaix",
        source="recensement (à vérifier)",
    )

    line = source_line(client.get(grouping.get_absolute_url()))

    assert line.startswith("Source\u00a0: recensement (à vérifier).")
    assert "ne figure pas dans le découpage administratif officiel" in line
    assert "Etalab" not in line


def test_foreign_authority_without_source_says_the_team_added_it(client, db):
    foreign = TerritoryFactory(kind=TerritoryKind.FOREIGN, code="IE-CORK", name="Cork", source="")

    line = source_line(client.get(foreign.get_absolute_url()))

    assert line.startswith("Source\u00a0: saisie de l’équipe du portail.")


def test_imported_territory_names_the_official_files_and_their_version(client, brittany):
    commune = brittany["29019"]
    commune.source = "@etalab/decoupage-administratif@6.0.0"
    commune.save()

    line = source_line(client.get(commune.get_absolute_url()))

    assert line.startswith("Source\u00a0: Découpage administratif (Etalab), Licence Ouverte")
    assert "@etalab/decoupage-administratif@6.0.0" in line
