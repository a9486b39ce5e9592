"""The registry's public pages: /cooperations/ (search, facets, sorting, pagination,
exports) and /cooperations/<slug>/."""

import html
import re

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from cooperation.models import Instrument, PartnerRole
from cooperation.services import PartnerInput, cooperation_create, cooperation_update
from portal.datetimes import long_date

LIST_URL = "/cooperations/"
BQ, SEP, OCEAN = "brest_quimper", "saint_etienne_pole", "ocean_network"
NBSP = "\u00a0"

# Queries per page, whatever the number of records: the count and the page, three
# prefetches (themes, partners with their territory, sources), the validation of the
# métropole, région and theme codes, and for the facet counts at most one (the records of
# the scope, or those the filters other than the facets keep).
LIST_QUERY_BUDGET = 9
# Once per registry version and process, the facet index: one query per table it reads
# (records, partners, theme links, partners' régions, declared difficulties) and the lists
# of métropoles, themes and régions.
FACET_INDEX_QUERIES = 8
# The record, its themes, partners with territories, sources; for the map, the partners'
# boxes, their départements, and their contours (none here); the validated responses
# behind the partnerships' reciprocity (none here).
DETAIL_QUERY_BUDGET = 8


def titles(response) -> list[str]:
    """The titles of the listed records, in order."""
    found = re.findall(
        r'<h3 class="fr-h5 fr-mb-1w"><a href="[^"]+">([^<]+)</a></h3>', response.text
    )
    return [html.unescape(title) for title in found]


def listed(response, registry) -> list[str]:
    """The keys (in the `registry` fixture) of the listed records, in order."""
    keys = {record.title: key for key, record in registry.items()}
    return [keys.get(title, title) for title in titles(response)]


def facet_count(response, label: str) -> str:
    """The count shown next to a facet value."""
    match = re.search(
        rf'<span>{re.escape(label)}<span class="portal-facet__count">{NBSP}\(([^)]+)\)</span>',
        response.text,
    )
    return match.group(1) if match else ""


# /cooperations/: what is listed, and to whom


def test_list_shows_published_records_only_to_anonymous_visitors(client, registry):
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assertTemplateUsed(response, "cooperation/cooperation_list.html")
    assertContains(response, "<title>Coopérations — Coopérations interterritoriales</title>")
    assertContains(response, "<h1>Coopérations</h1>", html=True)
    # Most recent start first.
    assert listed(response, registry) == [OCEAN, BQ, SEP]
    assertContains(response, "3 coopérations")
    assertNotContains(response, registry["guipavas_draft"].title)
    assertContains(response, 'class="fr-nav__link" href="/cooperations/" aria-current="page"')


def test_list_shows_unpublished_records_to_staff_with_a_badge(client, registry, staff_user):
    client.force_login(staff_user)

    response = client.get(LIST_URL)

    assert "guipavas_draft" in listed(response, registry)
    assertContains(response, "4 coopérations")
    assertContains(response, "Non publiée")


def test_list_hides_unpublished_records_from_signed_in_non_staff(client, registry, member_user):
    client.force_login(member_user)

    assert len(titles(client.get(LIST_URL))) == 3


def test_each_result_shows_metropolis_partners_instrument_status_start_and_themes(client, registry):
    response = client.get(LIST_URL, {"q": "quimper"})

    record = registry["brest_quimper"]
    # The link carries the list's query, for the way back (see the `from` tests below).
    link = f'<a href="{record.get_absolute_url()}?from=q%3Dquimper">{record.title}</a>'
    assertContains(response, link)
    assertContains(response, "<dt>Métropole</dt><dd>Brest Métropole</dd>", html=True)
    assertContains(
        response, "CA Quimper Bretagne Occidentale, Pays du Centre Ouest Bretagne", count=1
    )
    assertContains(response, "Contrat de réciprocité</p>")
    assertContains(response, "fr-badge--success")
    assertContains(response, ">En cours</p>")
    assertContains(response, "<dd>4 novembre 2016</dd>", html=True)
    assertContains(response, 'href="/cooperations/?theme=mobility">Mobilités</a>')
    assertContains(response, 'href="/cooperations/?theme=tourism">Tourisme</a>')


def test_long_partner_lists_are_cut_after_four_names(client, brittany, themes):
    b = brittany
    partners = [b["29019"], b["29075"], b["29212"], b["29232"], b["quimper_agglo"]]
    partners += [b["finistere"], b["bretagne"]]
    cooperation_create(
        title="Grand partenariat",
        instrument=Instrument.CHARTER,
        partners=[PartnerInput(b["brest_metropole"], PartnerRole.LEAD)]
        + [PartnerInput(territory) for territory in partners],
        is_published=True,
    )

    response = client.get(LIST_URL)

    assertContains(response, "Brest, Guipavas, Plouzané, Quimper")
    assertContains(response, "et 3 autres")
    assertNotContains(response, "Finistère</dd>")


# Facets


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"metropolis": "244200770"}, [OCEAN, SEP]),
        ({"theme": "mobility"}, [BQ]),
        ({"instrument": "association_network"}, [OCEAN]),
        ({"status": "ended"}, [SEP]),
        ({"partner_kind": "foreign"}, [OCEAN]),
        ({"partner_category": "PAYS"}, [BQ]),
        ({"relation": "other_region"}, [OCEAN]),
        ({"region": "53"}, [OCEAN, BQ]),
    ],
)
def test_each_facet_filters_the_list(client, registry, params, expected):
    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assert listed(response, registry) == expected


def test_facets_show_their_counts_as_checkboxes(client, registry):
    response = client.get(LIST_URL)

    assert facet_count(response, "Brest Métropole") == "2"
    assert facet_count(response, "Tourisme") == "2"
    assert facet_count(response, "Mobilités") == "1"
    assert facet_count(response, "Contrat de réciprocité") == "1"
    assert facet_count(response, "En cours") == "2"
    assert facet_count(response, "Terminée") == "1"
    assert facet_count(response, "Collectivité étrangère") == "1"
    assert facet_count(response, "Pays") == "1"
    assert facet_count(response, "Même département") == "2"
    assert facet_count(response, "Auvergne-Rhône-Alpes") == "2"
    assert facet_count(response, "En projet") == ""  # no published record: not offered
    assertContains(
        response, '<input type="checkbox" name="theme" value="mobility" id="theme-mobility">'
    )
    assertContains(response, '<label class="fr-label" for="theme-mobility">')


def test_two_facets_combine_and_counts_follow_the_selection(client, registry):
    response = client.get(LIST_URL, {"theme": "tourism", "status": "active"})

    assert listed(response, registry) == [OCEAN, BQ]
    assertContains(response, "2 coopérations")
    assertContains(response, 'value="tourism" id="theme-tourism" checked>')
    assertContains(response, 'value="active" id="status-active" checked>')
    # The status facet counts within the theme, its own filter aside…
    assert facet_count(response, "En cours") == "2"
    assert facet_count(response, "Terminée") == ""  # no ended record about tourism
    # …and the others count within the selection.
    assert facet_count(response, "Mobilités") == "1"
    assert facet_count(response, "Auvergne-Rhône-Alpes") == "1"

    # With one status ticked, the others stay on offer (several values of a facet add up).
    assert facet_count(client.get(LIST_URL, {"status": "active"}), "Terminée") == "1"

    narrowed = client.get(LIST_URL, {"theme": "tourism", "instrument": "association_network"})
    assert listed(narrowed, registry) == [OCEAN]


def test_several_values_of_one_facet_add_up(client, registry):
    response = client.get(LIST_URL + "?theme=mobility&theme=economic-development")

    assert listed(response, registry) == [BQ, SEP]
    statuses = client.get(LIST_URL + "?status=active&status=ended")
    assert len(titles(statuses)) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RECIPROCITE", [BQ]),
        ("pole stephanois", [SEP]),
        ("cork", [OCEAN]),  # a partner's name
        ("saint etienne", [OCEAN, SEP]),
        ("centre ouest", [BQ]),
    ],
)
def test_search_ignores_accents_and_case_in_titles_and_partner_names(
    client, registry, query, expected
):
    response = client.get(LIST_URL, {"q": query})

    assert listed(response, registry) == expected
    assertContains(response, f'value="{query}"')


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"start_year_min": "2016"}, [OCEAN, BQ]),
        ({"start_year_max": "2016"}, [BQ, SEP]),
        ({"start_year_min": "2013", "start_year_max": "2018"}, [BQ]),
    ],
)
def test_start_year_range_filters_the_list(client, registry, params, expected):
    response = client.get(LIST_URL, params)

    assert listed(response, registry) == expected
    for name, value in params.items():
        assertContains(response, f'name="{name}" value="{value}"')


# Sorting, pagination, count, empty state, bad input


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", [BQ, SEP, OCEAN]),
        ("-title", [OCEAN, SEP, BQ]),
        ("start", [SEP, BQ, OCEAN]),
        ("-partners", [BQ, OCEAN, SEP]),
    ],
)
def test_list_sorts_by_the_ordering_parameter(client, registry, ordering, expected):
    response = client.get(LIST_URL, {"ordering": ordering})

    assert listed(response, registry) == expected
    assertContains(response, f'<option value="{ordering}" selected>')


def test_list_sorts_by_last_update(client, registry):
    cooperation_update(cooperation=registry["saint_etienne_pole"], summary="Mis à jour.")

    response = client.get(LIST_URL, {"ordering": "-updated"})

    assert listed(response, registry)[0] == SEP
    assert listed(client.get(LIST_URL, {"ordering": "updated"}), registry)[-1] == SEP


def test_list_paginates_by_twenty_and_keeps_the_query_in_page_links(client, many_cooperations):
    many_cooperations(25)

    first = client.get(LIST_URL, {"theme": "mobility", "ordering": "title"})
    second = client.get(LIST_URL, {"theme": "mobility", "ordering": "title", "page": "2"})

    assertContains(first, "25 coopérations")
    assert titles(first) == [f"Coopération {number:03d}" for number in range(20)]
    assert titles(second) == [f"Coopération {number:03d}" for number in range(20, 25)]
    assertContains(first, 'href="?theme=mobility&amp;ordering=title&amp;page=2"')
    assertContains(second, "<title>Coopérations — page 2 — Coopérations interterritoriales</title>")


def test_count_is_singular_for_one_record(client, registry):
    response = client.get(LIST_URL, {"theme": "mobility"})

    assertContains(response, "1 coopération\n")
    assertContains(response, "La coopération listée")


def test_empty_selection_shows_a_message_and_a_reset_link(client, registry):
    response = client.get(LIST_URL, {"q": "introuvable"})

    assert titles(response) == []
    assertContains(response, "0 coopération")
    assertContains(response, "Aucune coopération ne correspond à ces critères.")
    assertContains(response, f'href="{LIST_URL}">Réinitialiser les filtres</a>', count=2)
    assertNotContains(response, "Exporter cette sélection")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_year_min": "abc"}, "Saisissez un nombre."),
        ({"start_year_max": "1800"}, "supérieure ou égale à 1900"),
        ({"metropolis": "000000000"}, "000000000 n’en fait pas partie."),
        ({"theme": "astrologie"}, "astrologie n’en fait pas partie."),
        ({"status": "paused"}, "paused n’en fait pas partie."),
        ({"region": "99"}, "99 n’en fait pas partie."),
        ({"ordering": "population"}, "population n’en fait pas partie."),
    ],
)
def test_invalid_filter_values_show_form_errors_and_no_results(client, registry, params, message):
    response = client.get(LIST_URL, params)

    assert response.status_code == 200
    assertContains(response, "Certains filtres ne sont pas valides")
    assertContains(response, message)
    assert titles(response) == []
    assertNotContains(response, "Exporter cette sélection")


def test_active_filters_are_tags_that_each_drop_one_value(client, registry):
    response = client.get(
        LIST_URL + "?q=brest&theme=tourism&theme=mobility&status=active&start_year_min=2010&page=1"
    )

    tags = {
        html.unescape(label.strip()): html.unescape(url)
        for url, label in re.findall(
            r'<a class="fr-tag fr-tag--sm fr-tag--icon-left fr-icon-close-line" href="([^"]+)">\s*'
            r'<span class="fr-sr-only">Retirer le filtre</span>([^<]+)</a>',
            response.text,
        )
    }
    rest = "status=active&start_year_min=2010"
    assert tags == {
        f"Recherche{NBSP}: «{NBSP}brest{NBSP}»": f"?theme=tourism&theme=mobility&{rest}",
        f"Thème{NBSP}: Tourisme": f"?q=brest&theme=mobility&{rest}",
        f"Thème{NBSP}: Mobilités": f"?q=brest&theme=tourism&{rest}",
        f"Statut{NBSP}: En cours": "?q=brest&theme=tourism&theme=mobility&start_year_min=2010",
        "Début à partir de 2010": "?q=brest&theme=tourism&theme=mobility&status=active",
    }


# Exports


def test_export_links_carry_the_current_query_without_the_page(client, many_cooperations):
    many_cooperations(25)

    response = client.get(LIST_URL + "?q=coop%C3%A9ration&theme=mobility&status=active&page=2")

    query = "q=coop%C3%A9ration&amp;theme=mobility&amp;status=active"
    for fmt, label in [
        ("csv", "CSV (virgule)"),
        ("xlsx", "Excel (XLSX)"),
        ("ods", "LibreOffice (ODS)"),
        ("json", "JSON"),
        ("geojson", "GeoJSON (carte)"),
        ("zip", "CSV, deux tables (zip)"),
    ]:
        assertContains(
            response, f'href="/cooperations/export/{fmt}/?{query}" data-format="{fmt}">{label}</a>'
        )
    assertContains(
        response,
        f'href="/cooperations/export/csv/?{query}&amp;sep=semicolon" data-format="csv">'
        "CSV (point-virgule, Excel français)</a>",
    )
    assertContains(response, "Les 25 coopérations listées, toutes pages confondues")


def test_export_links_without_filters_export_everything(client, registry):
    response = client.get(LIST_URL)

    assertContains(response, 'href="/cooperations/export/xlsx/" data-format="xlsx"')
    assertContains(response, 'href="/cooperations/export/csv/?sep=semicolon" data-format="csv"')


# Bounded queries


@pytest.mark.slow
@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow_with_records(
    client, many_cooperations, django_assert_max_num_queries, count
):
    many_cooperations(count, partners=3)
    query = {
        "metropolis": "242900314",
        "region": "53",
        "theme": "mobility",
        "ordering": "-partners",
    }

    with django_assert_max_num_queries(LIST_QUERY_BUDGET + FACET_INDEX_QUERIES):
        first = client.get(LIST_URL, query)  # the facet index is built
    with django_assert_max_num_queries(LIST_QUERY_BUDGET):
        response = client.get(LIST_URL, query)

    assert titles(first) == titles(response)
    assert len(titles(response)) == min(count, 20)
    assertContains(response, "Brest Métropole")


# /cooperations/<slug>/


def test_detail_shows_the_whole_record(client, registry):
    record = registry["brest_quimper"]
    cooperation_update(
        cooperation=record,
        governance="Un comité de pilotage.",
        funding="",
        uncertainty_notes="La date de signature varie selon les sources.",
        origin_label="Exemples documentés",
    )

    response = client.get(record.get_absolute_url())

    assert response.status_code == 200
    assertTemplateUsed(response, "cooperation/cooperation_detail.html")
    assertContains(response, f"<h1>{record.title}</h1>", html=True)
    assertContains(response, f"<title>{record.title} — Coopérations interterritoriales</title>")
    assertContains(response, '<p class="fr-text--lead">Coopération ville-campagne.</p>', html=True)
    assertContains(response, "fr-badge--success")
    assertContains(response, "<dd>4 novembre 2016\n</dd>", html=True)
    assertContains(response, "Date connue à l’année près.", count=0)
    assertContains(
        response,
        f'<a href="{record.metropolis.get_absolute_url()}">Brest Métropole</a>',
        html=True,
    )
    # Text sections: only those with content.
    assertContains(response, '<h2 id="governance">Gouvernance</h2>', html=True)
    assertContains(response, "<p>Un comité de pilotage.</p>", html=True)
    assertNotContains(response, 'id="funding"')
    assertNotContains(response, 'id="difficulties"')
    # Uncertainty callout.
    assertContains(response, '<h2 class="fr-callout__title">Points incertains</h2>', html=True)
    assertContains(response, "La date de signature varie selon les sources.")
    # Origin and last change.
    assertContains(response, "Saisie par l’équipe — Exemples documentés")
    updated = long_date(record.updated_at)
    assertContains(response, f">{updated}</time>")


def test_detail_lists_partners_with_kind_category_role_and_computed_relation(client, registry):
    response = client.get(registry["brest_quimper"].get_absolute_url())

    rows = re.findall(r"<tr>\s*(<th scope=\"row\".*?)</tr>", response.text, flags=re.S)
    cells = [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in rows
    ]
    epci, agglomeration = "EPCI à fiscalité propre", "Communauté d’agglomération"
    # No contours here: no distances (see tests/cooperation/test_maps.py).
    assert cells == [
        ["Brest Métropole", epci, "Métropole", "Chef de file", "Métropole de référence", "—"],
        [
            "CA Quimper Bretagne Occidentale",
            epci,
            agglomeration,
            "Partenaire",
            "Même département",
            "—",
        ],
        [
            "Pays du Centre Ouest Bretagne",
            "Groupement",
            "Pays",
            "Partenaire",
            "Même département",
            "—",
        ],
    ]
    assertContains(
        response, 'href="/territoires/epci/242900694/">CA Quimper Bretagne Occidentale</a>'
    )
    assertContains(
        response, 'href="/territoires/grouping/PAYS-COB/">Pays du Centre Ouest Bretagne</a>'
    )


def test_detail_shows_foreign_and_other_region_partners(client, registry):
    response = client.get(registry["ocean_network"].get_absolute_url())

    assertContains(
        response, '<td class="fr-cell--multiline">Collectivité étrangère</td>', html=True
    )
    assertContains(response, "Étranger")
    assertContains(response, "Autre région")
    assertContains(response, "Date connue au mois près.")


def test_detail_lists_sources_as_links_with_their_url(client, registry):
    response = client.get(registry["brest_quimper"].get_absolute_url())

    assertContains(response, '<a href="https://example.org/bilan" rel="noopener">Bilan</a>')
    assertContains(
        response, '<p class="fr-text--xs fr-mb-0 portal-url">https://example.org/bilan</p>'
    )
    # A source without URL is named, not linked, with its publisher and date.
    assertContains(response, "Signature du contrat, Localtis, novembre 2016.")
    assertNotContains(response, '">Signature du contrat</a>')


def test_detail_offers_a_citation_with_the_absolute_url_and_the_date_consulted(client, registry):
    record = registry["brest_quimper"]

    response = client.get(record.get_absolute_url())

    today = long_date(timezone.localdate())
    citation = re.search(r'<pre class="portal-citation"[^>]*>(.*?)</pre>', response.text, re.S)
    assert citation is not None
    text = html.unescape(citation.group(1))
    assert text.startswith(
        f"«{NBSP}{record.title}{NBSP}», Portail des coopérations interterritoriales"
    )
    assert f"http://testserver/cooperations/{record.slug}/" in text
    assert text.endswith(f"(consulté le {today}).")
    assertContains(response, '<h2 id="citer">Citer cette fiche</h2>', html=True)


def test_detail_of_an_unpublished_record_is_not_found_for_anonymous_and_non_staff(
    client, registry, member_user
):
    url = registry["guipavas_draft"].get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(member_user)
    assert client.get(url).status_code == 404


def test_detail_of_an_unpublished_record_is_shown_to_staff_with_a_notice(
    client, registry, staff_user
):
    client.force_login(staff_user)

    response = client.get(registry["guipavas_draft"].get_absolute_url())

    assert response.status_code == 200
    assertContains(response, "Fiche non publiée")
    assertContains(response, "Dans la métropole")  # Guipavas is a member commune
    assertContains(response, "Aucune source n’est encore citée")


def test_detail_of_an_unknown_record_is_not_found(client, db):
    response = client.get("/cooperations/nulle-part/")

    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")


@pytest.mark.parametrize(("partners", "sources"), [(2, 2), (15, 15)])
def test_detail_query_count_does_not_grow_with_partners_and_sources(
    client, record_with, django_assert_max_num_queries, partners, sources
):
    record = record_with(partners=partners, sources=sources)

    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = client.get(record.get_absolute_url())

    assertContains(response, 'rel="noopener"', count=sources)
    assertContains(response, '<th scope="row" class="fr-cell--multiline">', count=partners)
    for section in (
        "description",
        "governance",
        "engineering",
        "funding",
        "outcomes",
        "difficulties",
    ):
        assertContains(response, f'<h2 id="{section}">')


# A commune's page: the cooperations of its EPCI and of its métropole


def test_commune_page_shows_the_cooperations_of_its_metropolis(client, registry, brittany):
    response = client.get("/territoires/commune/29019/")

    text = response.content.decode()
    assert "ne compte encore aucune coopération" not in text
    assert "Par sa métropole, Brest Métropole (2)" in html.unescape(re.sub(r"\s+", " ", text))
    assert registry["brest_quimper"].title in text
    assert registry["ocean_network"].title in text
    # An unpublished record stays hidden from the public, here too.
    assert registry["guipavas_draft"].title not in text


def test_commune_page_shows_the_cooperations_of_its_epci(client, registry, brittany):
    text = html.unescape(client.get("/territoires/commune/29232/").content.decode())

    assert "Par son EPCI, CA Quimper Bretagne Occidentale (1)" in re.sub(r"\s+", " ", text)
    assert registry["brest_quimper"].title in text


def test_commune_with_its_own_and_its_groupings_cooperations_shows_both(client, registry, brittany):
    client.force_login(_staff())  # Guipavas's own record is unpublished
    text = html.unescape(client.get("/territoires/commune/29075/").content.decode())

    flat = re.sub(r"\s+", " ", text)
    assert "Comme partenaire (1)" in flat
    assert "Par sa métropole, Brest Métropole (3)" in flat


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("staff", is_staff=True)


# The way back from a record to the list it was opened from


def test_list_links_carry_the_list_query_to_each_record(client, registry):
    text = client.get("/cooperations/?q=brest&page=1").content.decode()

    slug = registry["brest_quimper"].slug
    assert f'href="/cooperations/{slug}/?from=q%3Dbrest%26page%3D1"' in text


def test_record_page_links_back_to_the_filtered_list(client, registry):
    slug = registry["brest_quimper"].slug

    response = client.get(f"/cooperations/{slug}/", {"from": "q=brest&theme=mobility&page=2"})

    assertContains(response, 'href="/cooperations/?q=brest&amp;theme=mobility&amp;page=2"')
    assertContains(response, "Retour à la liste des coopérations (mêmes filtres)")


@pytest.mark.parametrize(
    "received", ["https://evil.example/", "next=//evil.example&q=", "q=&page=", "x" * 3000]
)
def test_record_page_way_back_keeps_only_the_list_parameters(client, registry, received):
    slug = registry["brest_quimper"].slug

    response = client.get(f"/cooperations/{slug}/", {"from": received})

    assertContains(
        response, '<a class="fr-breadcrumb__link" href="/cooperations/">Coopérations</a>', html=True
    )
    assertContains(response, 'href="/cooperations/">Toutes les coopérations</a>')
    assertNotContains(response, 'href="https://evil.example')
    assertNotContains(response, 'href="/cooperations/?next')
