"""The statistics (/statistiques/, /api/v1/statistics/): every table checked against the
hand-computed figures of the `registry` fixture, each number's link giving a list of the
same size, the API equal to the page, filters that combine, a bounded number of queries,
and the cache dropped by a write."""

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from cooperation.completeness import (
    average_by_reference_metropolis,
    record_completeness,
    with_completeness,
)
from cooperation.models import Cooperation
from cooperation.services import cooperation_update
from cooperation.statistics.charts import matrix_chart
from tests.statistics_links import every_link

STATISTICS = "/statistiques/"
API = "/api/v1/statistics/"


@pytest.fixture
def figures(registry):
    """The `registry` records, with engineering, funding and difficulties texts:

    - brest_quimper (published): engineering and funding;
    - ocean_network (published): funding;
    - guipavas_draft (not published): difficulties (never counted for the public).
    """
    Cooperation.objects.filter(pk=registry["brest_quimper"].pk).update(
        engineering="Une chargée de mission partagée.", funding="FNADT."
    )
    Cooperation.objects.filter(pk=registry["ocean_network"].pk).update(funding="Cotisations.")
    Cooperation.objects.filter(pk=registry["guipavas_draft"].pk).update(difficulties="Calendrier.")
    return registry


def counts(table: dict) -> dict[str, int]:
    return {row["key"]: row["count"] for row in table["rows"]}


def nonzero(table: dict) -> dict[str, int]:
    return {key: count for key, count in counts(table).items() if count}


def tables_of(data: dict) -> dict[str, dict]:
    return {table["name"]: table for table in [*data["tables"], *data["cross_tables"]]}


def cross(table: dict) -> dict[tuple[str, str], int]:
    return {
        (row["key"], cell["key"]): cell["count"]
        for row in table["rows"]
        for cell in row["cells"]
        if cell["count"]
    }


def page_statistics(client, query: str = "") -> dict:
    response = client.get(STATISTICS + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response.context["statistics"]


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.context["filter"].form.errors, url
    return response.context["paginator"].count


def test_every_table_matches_the_hand_computed_figures(client, figures):
    data = page_statistics(client)
    tables = tables_of(data)

    assert data["total"]["count"] == 3  # the draft is not published
    assert nonzero(tables["metropolis"]) == {"242900314": 2, "244200770": 2}
    assert counts(tables["theme"]) == {"mobility": 1, "tourism": 2, "economic-development": 1}
    assert nonzero(tables["instrument"]) == {
        "reciprocity_contract": 1,
        "metropolitan_pole": 1,
        "association_network": 1,
    }
    assert len(tables["instrument"]["rows"]) == 13  # every form, zeros included
    assert nonzero(tables["partner_kind"]) == {
        "epci": 3,
        "grouping": 1,
        "department": 1,
        "foreign": 1,
    }
    assert nonzero(tables["partner_category"]) == {"METRO": 3, "CA": 1, "PAYS": 1, "OTHER": 1}
    assert nonzero(tables["relation"]) == {
        "reference": 3,
        "same_department": 2,
        "other_region": 1,
        "foreign": 1,
    }
    assert nonzero(tables["distance"]) == {}  # no contours, no distance
    assert counts(tables["start_year"]) == {"2012": 1, "2016": 1, "2019": 1, "unknown": 0}
    assert counts(tables["status"]) == {"planned": 0, "active": 2, "ended": 1}
    content = {row["key"]: (row["count"], row["share"]) for row in tables["content"]["rows"]}
    assert content == {"engineering": (1, 33), "funding": (2, 67), "difficulties": (0, 0)}
    assert nonzero(tables["partners"]) == {"2-2": 1, "3-3": 2}
    assert cross(tables["theme_relation"]) == {
        ("mobility", "reference"): 1,
        ("mobility", "same_department"): 1,
        ("tourism", "reference"): 2,
        ("tourism", "same_department"): 1,
        ("tourism", "other_region"): 1,
        ("tourism", "foreign"): 1,
        ("economic-development", "reference"): 1,
        ("economic-development", "same_department"): 1,
    }
    assert cross(tables["instrument_metropolis"]) == {
        ("242900314", "reciprocity_contract"): 1,
        ("242900314", "association_network"): 1,
        ("244200770", "metropolitan_pole"): 1,
        ("244200770", "association_network"): 1,
    }
    # Brest: (8/12 + 5/12) / 2 → 54; Saint-Étienne: 3/12 → 25.
    assert [(row["key"], row["records"], row["score"]) for row in data["completeness"]] == [
        ("242900314", 2, 54),
        ("244200770", 1, 25),
    ]


def test_staff_count_unpublished_records_too(client, figures, staff_user):
    client.force_login(staff_user)
    data = page_statistics(client)
    tables = tables_of(data)
    assert data["total"]["count"] == 4
    assert counts(tables["start_year"])["unknown"] == 1
    assert counts(tables["content"])["difficulties"] == 1


@pytest.mark.slow
def test_each_number_links_to_a_list_of_that_many_records(client, figures):
    data = page_statistics(client)
    links = list(every_link(data))
    assert len(links) == 103
    for count, url in links:
        assert urlsplit(url).path == reverse("cooperation:list")
        assert list_count(client, url) == count, url


@pytest.mark.slow
def test_links_keep_the_page_filters_and_agree_with_them(client, figures):
    data = page_statistics(client, "region=53&start_year_min=2013")
    # Records with a partner in Bretagne, started in 2013 or later: Brest-Quimper, ocean.
    assert data["total"]["count"] == 2
    tables = tables_of(data)
    assert counts(tables["theme"]) == {"mobility": 1, "tourism": 2, "economic-development": 0}
    assert nonzero(tables["metropolis"]) == {"242900314": 2, "244200770": 1}
    for count, url in every_link(data):
        assert "region=53" in url and "start_year_min=" in url
        assert list_count(client, url) == count, url


def test_filters_combine_and_a_table_ignores_its_own_criterion(client, figures):
    data = page_statistics(client, "theme=tourism&metropolis=244200770")
    assert data["total"]["count"] == 1  # the ocean network
    tables = tables_of(data)
    # The theme table counts every theme among Saint-Étienne's records; its links replace
    # the page's theme.
    assert counts(tables["theme"]) == {"mobility": 0, "tourism": 1, "economic-development": 1}
    economic = next(row for row in tables["theme"]["rows"] if row["key"] == "economic-development")
    assert "theme=economic-development" in economic["list_url"]
    assert "theme=tourism" not in economic["list_url"]
    assert nonzero(tables["metropolis"]) == {"242900314": 2, "244200770": 1}
    assert nonzero(tables["instrument"]) == {"association_network": 1}
    for count, url in every_link(data):
        assert list_count(client, url) == count, url


def test_the_api_gives_the_page_tables(client, figures):
    query = "region=53&instrument=reciprocity_contract&instrument=association_network"
    page = page_statistics(client, query)
    api = client.get(f"{API}?{query}").json()
    for name in ("total", "tables", "cross_tables", "completeness", "reciprocity"):
        assert api[name] == page[name]
    assert api["filters"]["region"] == ["53"]
    published = {figure["key"]: figure for figure in api["published"]}
    assert published["census"]["registry_count"] == 2
    assert published["reciprocity_contracts"]["registry_count"] == 1
    assert published["innovation_pacts"]["registry_count"] is None
    assert published["census"]["sources"][0]["url"].startswith("https://")


def test_an_invalid_filter_is_a_400_in_the_api_and_an_error_on_the_page(client, figures):
    response = client.get(f"{API}?start_year_min=abc&region=99")
    assert response.status_code == 400
    assert set(response.json()) == {"start_year_min", "region"}
    response = client.get(f"{STATISTICS}?start_year_min=abc")
    assert response.status_code == 200
    assert "statistics" not in response.context
    content = response.content.decode()
    assert "Certains filtres ne sont pas valides" in content
    assert 'value="abc"' in content  # what was typed stays


def test_the_page_shows_charts_tables_sentences_and_csv_links(client, figures):
    response = client.get(f"{STATISTICS}?region=53")
    content = response.content.decode()
    assert (
        content.count('<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart" role="img"')
        == 12
    )
    # The cross-tables have their chart too, beside their table.
    for name in ("theme_relation", "instrument_metropolis"):
        assert f'<title id="chart-{name}-title">' in content
    assert content.count('class="portal-chart portal-chart--matrix" role="img"') == 2
    assert "sans graphique" not in content
    assert '<title id="chart-theme-title">Coopérations par thème</title>' in content
    assert "<caption>Coopérations par thème</caption>" in content
    assert "Nombre de coopérations portant sur chaque thème" in content
    assert 'href="/statistiques/theme.csv?region=53"' in content
    assert "173 coopérations déclarées par 21 métropoles" in content
    assert 'aria-current="page">Statistiques</a>' in content


def test_csv_of_a_table_holds_its_rows(client, figures):
    response = client.get("/statistiques/theme.csv?region=53")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert int(response["Content-Length"]) == len(response.content)
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Libellé", "Code", "Coopérations", "Liste"]
    assert [row[:3] for row in rows[1:]] == [
        ["Mobilités", "mobility", "1"],
        ["Tourisme", "tourism", "2"],
        ["Développement économique", "economic-development", "0"],
    ]
    assert rows[2][3] == "http://testserver/cooperations/?region=53&theme=tourism"
    cross_rows = list(
        csv.reader(io.StringIO(client.get("/statistiques/theme_relation.csv").content.decode()))
    )
    assert cross_rows[0][1:3] == ["Métropole de référence", "Dans la métropole"]
    assert client.get("/statistiques/nothing.csv").status_code == 404
    assert client.get("/statistiques/theme.csv?region=99").status_code == 400


def test_query_count_is_bounded_whatever_the_number_of_records(
    client, figures, django_assert_max_num_queries
):
    # About twenty aggregate queries, the difficulty table and the declared difficulties.
    with django_assert_max_num_queries(27):
        client.get(STATISTICS + "?region=53&theme=tourism")
    # Cached: the same page again only reads the filters' choices.
    with django_assert_max_num_queries(8):
        client.get(STATISTICS + "?region=53&theme=tourism")
    with django_assert_max_num_queries(22):
        client.get(API + "?region=53")


def test_a_write_invalidates_the_cached_figures(client, figures, staff_user):
    assert page_statistics(client)["total"]["count"] == 3
    assert page_statistics(client)["total"]["count"] == 3  # from the cache
    cooperation_update(cooperation=figures["guipavas_draft"], user=staff_user, is_published=True)
    data = page_statistics(client)
    assert data["total"]["count"] == 4
    assert counts(tables_of(data)["start_year"])["unknown"] == 1
    assert client.get(API).json()["total"]["count"] == 4


def test_completeness_in_python_and_in_the_database_agree(figures):
    records = Cooperation.objects.prefetch_related("themes", "sources")
    scores = {record.slug: record_completeness(record).score for record in records}
    assert scores == {
        figures["brest_quimper"].slug: 67,
        figures["saint_etienne_pole"].slug: 25,
        figures["ocean_network"].slug: 42,
        figures["guipavas_draft"].slug: 8,
    }
    annotated = {
        record.slug: round(record.completeness) for record in with_completeness(Cooperation.objects)
    }
    assert annotated == scores
    missing = [check.name for check in record_completeness(figures["saint_etienne_pole"]).missing]
    assert missing == [
        "summary",
        "description",
        "governance",
        "engineering",
        "funding",
        "outcomes",
        "difficulties",
        "sources",
        "start",
    ]
    rows = average_by_reference_metropolis(Cooperation.objects.all())
    # Brest with the draft: (8 + 5 + 1) / 3 / 12 → 39.
    assert [(row["key"], row["score"]) for row in rows] == [
        ("242900314", 39),
        ("244200770", 25),
    ]


def test_metropolis_table_shows_average_completeness(client, figures, staff_user):
    response = client.get("/metropoles/?ordering=-completeness")
    assert response.status_code == 200
    rows = {m.code: m.average_completeness for m in response.context["object_list"]}
    assert rows == {"242900314": 54, "244200770": 25}
    assert [m.code for m in response.context["object_list"]] == ["242900314", "244200770"]
    assert "Complétude" in response.content.decode()
    client.force_login(staff_user)
    response = client.get("/metropoles/")
    rows = {m.code: m.average_completeness for m in response.context["object_list"]}
    assert rows == {"242900314": 39, "244200770": 25}


def test_the_form_empty_choices_mean_no_filter(client, figures):
    query = "metropolis=&region=53&theme=&instrument=&start_year_min=&start_year_max="
    response = client.get(f"{STATISTICS}?{query}")
    data = response.context["statistics"]
    assert data["total"] == {"count": 2, "list_url": "/cooperations/?region=53"}
    assert 'href="/statistiques/theme.csv?region=53"' in response.content.decode()


def test_the_new_list_filters_refuse_what_is_not_a_yes_or_no(client, figures):
    response = client.get("/api/v1/cooperations/?has_engineering=maybe&partners_min=-1")
    assert response.status_code == 400
    assert set(response.json()) == {"has_engineering", "partners_min"}
    response = client.get("/api/v1/cooperations/?has_engineering=false&has_start_date=true")
    assert response.json()["count"] == 2  # Saint-Étienne's pole and the ocean network


def test_the_list_shows_the_statistics_filters_as_removable_tags(client, figures):
    response = client.get("/cooperations/?has_funding=true&partners_min=3")
    assert response.context["paginator"].count == 2
    tags = {tag["label"]: tag["url"] for tag in response.context["active_filters"]}
    assert tags == {
        "Financement renseigné\u00a0: oui": "?partners_min=3",
        "Partenaires, au moins\u00a0: 3": "?has_funding=true",
    }


def test_a_nul_in_any_filter_is_a_400_naming_it(client, figures):
    from cooperation.filters import CooperationFilterSet

    for name in CooperationFilterSet.base_filters:
        if name == "ordering":
            continue  # not a filter of the statistics
        response = client.get(API, {name: "a\x00"})
        assert response.status_code == 400, (name, response.content)
        assert list(response.json()) == [name]
        assert client.get("/statistiques/theme.csv", {name: "a\x00"}).status_code == 400


def test_the_record_page_shows_its_completeness_and_what_is_missing(client, figures):
    response = client.get(figures["ocean_network"].get_absolute_url())
    content = response.content.decode()
    assert "42&nbsp;sur&nbsp;100" in content
    assert (
        "résumé, description, gouvernance, ingénierie dédiée, réalisations, difficultés, sources"
        in content
    )


def test_a_cross_table_chart_has_a_square_per_nonzero_cell_sized_by_its_count():
    columns = [{"key": "a", "label": "Colonne <a>"}, {"key": "b", "label": "B" * 40}]
    rows = [
        {"label": "Thème <script>", "cells": [{"count": 0}, {"count": 9}]},
        {"label": "Autre", "cells": [{"count": 1}, {"count": 4}]},
        {"label": "Vide", "cells": [{"count": 0}, {"count": 0}]},
    ]
    svg = str(matrix_chart("chart-x", "Titre & <titre>", columns, rows))
    squares = re.findall(
        r'<rect class="portal-chart__cell"[^>]*width="([\d.]+)"[^>]*'
        r'data-count="(\d+)"',
        svg,
    )
    assert sorted(int(count) for _width, count in squares) == [1, 4, 9]  # none for zeros
    sides = {int(count): float(width) for width, count in squares}
    # Areas proportional to the counts: 9 is nine times 1, 4 four times.
    assert sides[9] ** 2 == pytest.approx(9 * sides[1] ** 2, rel=0.01)
    assert sides[4] ** 2 == pytest.approx(4 * sides[1] ** 2, rel=0.01)
    assert max(sides, key=sides.get) == 9
    assert "<script" not in svg and "Thème &lt;script&gt;" in svg
    assert (
        "Colonne &lt;a&gt;" in svg and '<title id="chart-x-title">Titre &amp; &lt;titre&gt;' in svg
    )
    assert "B" * 40 not in svg  # long labels are shortened (the table gives them whole)
    assert 'role="img"' in svg and "viewBox=" in svg and 'fill="currentColor"' in svg


def test_the_page_draws_each_cross_table_with_its_counts(client, figures):
    response = client.get(STATISTICS)
    charts = {table["name"]: str(table["chart"]) for table in response.context["cross_tables"]}
    data = tables_of(response.context["statistics"])
    for name in ("theme_relation", "instrument_metropolis"):
        drawn = sorted(int(count) for count in re.findall(r'data-count="(\d+)"/>', charts[name]))
        assert drawn == sorted(cross(data[name]).values()), name
