"""Citing the registry: a record or the list's selection in BibTeX, RIS and CSL-JSON, on
the site and through the API."""

import json

import pytest
from django.utils import timezone

from cooperation.citations import citations_for, to_bibtex, to_csl_json, to_ris


def test_record_citation_in_bibtex_names_title_address_and_dates(client, registry):
    record = registry["brest_quimper"]

    response = client.get(f"/cooperations/{record.slug}/citation.bib")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-bibtex")
    assert f'filename="{record.slug}.bib"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith(f"@misc{{{record.slug},")
    assert "title = {{Contrat de réciprocité entre Brest et Quimper}}" in text
    assert f"url = {{http://testserver/cooperations/{record.slug}/}}" in text
    assert f"urldate = {{{timezone.localdate().isoformat()}}}" in text
    assert f"year = {{{timezone.localdate(record.updated_at).year}}}" in text


def test_record_citation_in_ris_is_one_electronic_record_with_crlf(client, registry):
    record = registry["brest_quimper"]

    text = client.get(f"/cooperations/{record.slug}/citation.ris").content.decode()

    lines = text.split("\r\n")
    assert lines[0] == "TY  - ELEC"
    assert "TI  - Contrat de réciprocité entre Brest et Quimper" in lines
    assert f"UR  - http://testserver/cooperations/{record.slug}/" in lines
    assert lines[-2] == "ER  - "


def test_record_citation_in_csl_json_is_a_webpage_item(client, registry):
    record = registry["brest_quimper"]

    response = client.get(f"/cooperations/{record.slug}/citation.json")

    items = json.loads(response.content)
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json"
    assert len(items) == 1
    assert items[0]["id"] == record.slug
    assert items[0]["type"] == "webpage"
    assert items[0]["title"] == record.title
    assert items[0]["URL"] == f"http://testserver/cooperations/{record.slug}/"
    today = timezone.localdate()
    assert items[0]["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}


def test_unpublished_record_and_unknown_format_have_no_citation(client, registry):
    draft = registry["guipavas_draft"]
    assert client.get(f"/cooperations/{draft.slug}/citation.bib").status_code == 404
    record = registry["brest_quimper"]
    assert client.get(f"/cooperations/{record.slug}/citation.docx").status_code == 404


def test_selection_citations_follow_the_list_filters(
    client, registry, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/cooperations/citations.json?q=brest&ordering=title")

    ids = [item["id"] for item in json.loads(response.content)]
    assert response.status_code == 200
    assert 'filename="cooperations.json"' in response["Content-Disposition"]
    assert ids == [registry["brest_quimper"].slug, registry["ocean_network"].slug]


def test_selection_citations_in_bibtex_hold_one_entry_per_published_record(client, registry):
    text = client.get("/cooperations/citations.bib").content.decode()

    assert text.count("@misc{") == 3
    assert registry["guipavas_draft"].slug not in text


def test_selection_citations_with_an_invalid_filter_are_a_400(client, registry):
    response = client.get("/cooperations/citations.ris?start_year_min=abc")

    assert response.status_code == 400
    assert "Début à partir de" in response.content.decode()


def test_bibtex_escapes_latex_characters():
    class Record:
        slug = "r"
        title = "Pôle 50 % & co_op {#1}"
        summary = ""
        updated_at = timezone.now()

        def get_absolute_url(self):
            return "/cooperations/r/"

    text = to_bibtex(citations_for([Record()], "https://example.org/"))
    assert r"title = {{Pôle 50 \% \& co\_op \{\#1\}}}" in text
    assert "url = {https://example.org/cooperations/r/}" in text
    assert to_ris([]) == "" and json.loads(to_csl_json([])) == []


def test_record_page_links_its_citation_files(client, registry):
    record = registry["brest_quimper"]

    text = client.get(f"/cooperations/{record.slug}/").content.decode()

    for fmt in ("bib", "ris", "json"):
        assert f'href="/cooperations/{record.slug}/citation.{fmt}"' in text
    assert "Copier la citation" in text


def test_list_page_links_the_citations_of_its_selection(client, registry):
    text = client.get("/cooperations/?q=brest&page=1").content.decode()

    assert 'href="/cooperations/citations.bib?q=brest"' in text


# API


def test_api_cites_a_record_in_the_style_asked(client, registry):
    record = registry["brest_quimper"]
    url = f"/api/v1/cooperations/{record.slug}/citation/"

    items = client.get(url).json()
    bibtex = client.get(url, {"style": "bibtex"})

    assert items[0]["id"] == record.slug
    assert bibtex["Content-Type"].startswith("application/x-bibtex")
    assert bibtex.content.decode().startswith(f"@misc{{{record.slug},")


def test_api_cites_the_filtered_selection(client, registry):
    response = client.get("/api/v1/cooperations/citations/", {"q": "brest", "style": "ris"})

    assert response.status_code == 200
    assert response.content.decode().count("TY  - ELEC") == 2


@pytest.mark.parametrize("query", [{"style": "mla"}, {"start_year_min": "abc"}])
def test_api_citations_with_bad_parameters_are_a_400_naming_them(client, registry, query):
    response = client.get("/api/v1/cooperations/citations/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_api_citation_of_an_unpublished_record_is_a_404(client, registry):
    draft = registry["guipavas_draft"]
    assert client.get(f"/api/v1/cooperations/{draft.slug}/citation/").status_code == 404
