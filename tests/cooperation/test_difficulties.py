"""Which difficulties a record declares (cooperation/difficulties.py): the keyword rule,
the same in Python and in SQL on either backend, the list's `difficulty` filter (page and
API alike) and its facet in the list's filter panel, the statistics table whose every
number links to a list of that size, its CSV and its place in the API, and the declared
difficulties quoted on /statistiques/."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.utils import timezone

from cooperation.difficulties import STEMS, DifficultyType, difficulty_types, stem_pattern
from cooperation.models import Cooperation

STATISTICS = "/statistiques/"
API = "/api/v1/statistics/"

# Texts and, computed by hand, the types each declares.
TEXTS = (
    ("Absence de FINANCEMENT dédié.", {"funding"}),
    ("Réglementation trop rigide.", {"legal"}),
    ("Cadre juridique incertain, budget annuel voté tard.", {"legal", "funding"}),
    ("Calendrier difficile ; l’information circule mal.", {"other"}),
    ("", set()),
    ("Manque d’ingénierie et de portage politique.", {"skills", "governance"}),
    ("RÉGLEMENTATION ET ÉLUS.", {"legal", "governance"}),
    # Decomposed accents (e + U+0301) and a capital with its accent.
    ("Re\u0301glementation ; Gouvernance À revoir.", {"legal", "governance"}),
)
EXPECTED = {"legal": 4, "funding": 2, "skills": 1, "governance": 3, "other": 1}


@pytest.fixture
def declared(many_cooperations):
    """Eight published records, « Coopération 000 » to « 007 », declaring TEXTS in order."""
    records = many_cooperations(len(TEXTS))
    for record, (text, _kinds) in zip(records, TEXTS, strict=True):
        Cooperation.objects.filter(pk=record.pk).update(difficulties=text)
    return records


def titles_of(kind: str) -> set[str]:
    return {
        f"Coopération {number:03d}" for number, (_text, kinds) in enumerate(TEXTS) if kind in kinds
    }


def test_the_rule_in_python_gives_the_hand_computed_types():
    for text, kinds in TEXTS:
        assert difficulty_types(text) == kinds, text
    # Each stem, written in lowercase ASCII, matches itself in any case and with accents.
    for stems in STEMS.values():
        for stem in stems:
            assert re.fullmatch("[a-z ]+", stem), stem
            assert re.fullmatch(stem_pattern(stem), stem.upper())
    assert re.fullmatch(stem_pattern("chef de file"), "Chef-de  FILE")
    assert re.fullmatch(stem_pattern("elus"), "ÉLUS")
    assert re.fullmatch(stem_pattern("reglement"), "re\u0300glement")


def test_the_filter_gives_the_same_records_on_the_page_and_in_the_api(client, declared):
    for kind in DifficultyType.values:
        expected = titles_of(kind)
        assert len(expected) == EXPECTED[kind]
        response = client.get("/cooperations/", {"difficulty": kind})
        assert {record.title for record in response.context["object_list"]} == expected, kind
        api = client.get("/api/v1/cooperations/", {"difficulty": kind}).json()
        assert {item["title"] for item in api["results"]} == expected, kind
    # Repeated: one or the other.
    response = client.get("/api/v1/cooperations/?difficulty=funding&difficulty=skills")
    assert {item["title"] for item in response.json()["results"]} == (
        titles_of("funding") | titles_of("skills")
    )
    response = client.get("/api/v1/cooperations/?difficulty=nothing")
    assert response.status_code == 400
    assert list(response.json()) == ["difficulty"]


def test_the_exports_take_the_filter(client, declared):
    response = client.get("/cooperations/export/csv/?difficulty=legal&difficulty=skills")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    titles = {row["title"] for row in csv.DictReader(io.StringIO(body))}
    assert titles == titles_of("legal") | titles_of("skills")


def test_the_list_shows_the_filter_as_a_removable_tag(client, declared):
    response = client.get("/cooperations/?difficulty=legal&difficulty=other")
    assert response.context["paginator"].count == 5
    tags = [(tag["label"], tag["url"]) for tag in response.context["active_filters"]]
    assert tags == [  # once each, as a facet's
        ("Type de difficultés\u00a0: Freins juridiques ou réglementaires", "?difficulty=other"),
        ("Type de difficultés\u00a0: Autre / non classé", "?difficulty=legal"),
    ]


def difficulty_facet(response):
    return next(
        facet for facet, _errors in response.context["facets"] if facet.name == "difficulty"
    )


def test_the_filter_panel_offers_each_type_with_the_count_of_its_list(client, declared):
    response = client.get("/cooperations/")
    facet = difficulty_facet(response)
    assert facet.label == "Type de difficultés"
    assert {option.value: option.count for option in facet.visible_options} == EXPECTED
    html = response.content.decode()
    assert '<legend class="fr-fieldset__legend fr-fieldset__legend--regular' in html
    assert 'name="difficulty" value="legal" id="difficulty-legal"' in html
    assert 'Freins juridiques ou réglementaires<span class="portal-facet__count">\u00a0(4)' in html
    # Ticked: the list holds as many records as the count said, the other types still
    # count over every record (one or the other), the box is checked.
    for kind, count in EXPECTED.items():
        ticked = client.get("/cooperations/", {"difficulty": kind})
        assert ticked.context["paginator"].count == count, kind
        options = {option.value: option for option in difficulty_facet(ticked).options}
        assert options[kind].selected
        assert {value: option.count for value, option in options.items()} == EXPECTED
    html = client.get("/cooperations/?difficulty=skills").content.decode()
    assert 'name="difficulty" value="skills" id="difficulty-skills" checked' in html


def test_the_facet_narrows_the_other_facets_and_is_narrowed_by_them(client, declared):
    records = list(declared)
    Cooperation.objects.filter(pk=records[2].pk).update(status="ended")  # legal and funding

    response = client.get("/cooperations/", {"status": "ended"})
    counted = {option.value: option.count for option in difficulty_facet(response).options}
    assert counted == {"legal": 1, "funding": 1, "skills": 0, "governance": 0, "other": 0}
    response = client.get("/cooperations/", {"difficulty": "funding"})
    status = next(facet for facet, _errors in response.context["facets"] if facet.name == "status")
    assert {option.value: option.count for option in status.visible_options} == {
        "active": 1,
        "ended": 1,
    }


def test_without_declared_difficulties_the_panel_has_no_such_facet(client, registry):
    response = client.get("/cooperations/")
    assert difficulty_facet(response).visible_options == []
    assert 'id="facet-difficulty"' not in response.content.decode()


def test_the_statistics_table_counts_each_type_and_links_to_as_many(client, declared):
    data = client.get(STATISTICS).context["statistics"]
    table = next(table for table in data["tables"] if table["name"] == "difficulty")
    assert [row["key"] for row in table["rows"]] == DifficultyType.values
    assert {row["key"]: row["count"] for row in table["rows"]} == EXPECTED
    for row in table["rows"]:
        assert row["list_url"] == f"/cooperations/?difficulty={row['key']}"
        response = client.get(row["list_url"])
        assert response.context["paginator"].count == row["count"], row["key"]
    # The page's filters apply, and the links keep them; the table ignores its own filter.
    data = client.get(STATISTICS, {"difficulty": "funding", "start_year_min": 2000}).context[
        "statistics"
    ]
    assert data["total"]["count"] == 2
    table = next(table for table in data["tables"] if table["name"] == "difficulty")
    assert {row["key"]: row["count"] for row in table["rows"]} == EXPECTED
    for row in table["rows"]:
        assert "start_year_min=2000" in row["list_url"]
        assert client.get(row["list_url"]).context["paginator"].count == row["count"]


def test_the_api_and_the_csv_give_the_table(client, declared):
    api = client.get(API).json()
    table = next(table for table in api["tables"] if table["name"] == "difficulty")
    assert table["title"] == "Difficultés déclarées, par type"
    assert {row["key"]: row["count"] for row in table["rows"]} == EXPECTED
    assert (
        api["declared_difficulties"]
        == client.get(STATISTICS).context["statistics"]["declared_difficulties"]
    )
    response = client.get("/statistiques/difficulty.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Libellé", "Code", "Coopérations", "Liste"]
    assert [row[1:3] for row in rows[1:]] == [[key, str(EXPECTED[key])] for key in EXPECTED]
    assert rows[1][0] == "Freins juridiques ou réglementaires"
    assert rows[1][3] == "http://testserver/cooperations/?difficulty=legal"


def test_the_page_quotes_the_declared_difficulties(client, declared, monkeypatch):
    long_text = "Financement incertain. " + "Les partenaires hésitent encore. " * 20
    Cooperation.objects.filter(pk=declared[0].pk).update(
        difficulties=long_text, updated_at=timezone.now()
    )
    response = client.get(STATISTICS, {"start_year_min": 2000})
    declared_list = response.context["statistics"]["declared_difficulties"]
    # Seven records declare some; the latest updated first (the last updated above).
    assert len(declared_list["records"]) == 7
    first = declared_list["records"][0]
    assert first["title"] == "Coopération 000"
    assert first["shortened"] and first["text"].endswith("…") and len(first["text"]) <= 301
    assert declared_list["list_url"] == (
        "/cooperations/?start_year_min=2000&has_difficulties=true&ordering=-updated"
    )
    content = response.content.decode()
    assert f'<a href="{declared[0].get_absolute_url()}"><strong>Coopération 000</strong></a>' in (
        content
    )
    assert "lire la suite</a>" in content
    assert content.count("lire la suite</a>") == 1
    assert "<code>financ</code>, <code>budget</code>" in content  # the keywords are stated
    listed = client.get(declared_list["list_url"])
    assert listed.context["paginator"].count == 7

    # At most DECLARED_DIFFICULTIES of them.
    from cooperation.statistics import tables

    monkeypatch.setattr(tables, "DECLARED_DIFFICULTIES", 3)
    data = client.get(STATISTICS, {"start_year_min": 2001}).context["statistics"]
    assert len(data["declared_difficulties"]["records"]) == 3


def test_no_declared_difficulty_says_so(client, registry):
    content = client.get(STATISTICS).content.decode()
    assert "Aucune fiche de la sélection ne déclare de difficultés." in content


def test_the_documentation_lists_every_keyword():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "statistics.md").read_text()
    for kind, stems in STEMS.items():
        line = next(line for line in docs.splitlines() if line.startswith(f"| `{kind}` "))
        assert line.split("|")[2].strip() == ", ".join(f"`{stem}`" for stem in stems), kind
