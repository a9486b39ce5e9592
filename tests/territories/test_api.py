"""The public, read-only territories API: /api/v1/territories/."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from territories.models import Territory, TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory, place

LIST_URL = "/api/v1/territories/"
# Written out on purpose, not read from the serializer: field names are a contract within
# /api/v1/ (add, never rename), and a list derived from the code would let a rename pass.
LIST_FIELDS = {
    "kind",
    "kind_label",
    "code",
    "siren",
    "name",
    "category",
    "category_label",
    "population",
    "is_metropolis",
    "is_obsolete",
    "url",
    "web_url",
}
DETAIL_FIELDS = LIST_FIELDS | {
    "postal_codes",
    "vintage",
    "source",
    "containers",
    "contents_count",
    "contents_url",
    "centroid",
    "representative_point",
    "bbox",
    "area_km2",
    "communes_without_contour",
    "neighbours",
    "geometry_url",
}


def detail_url(kind: str, code: str) -> str:
    return reverse("territory-detail", kwargs={"kind": kind, "code": code})


def get_json(client, url, params=None, expected_status=200):
    response = client.get(url, params or {}, HTTP_ACCEPT="application/json")
    assert response.status_code == expected_status, response.content
    return response.json()


def codes(client, params) -> list[str]:
    body = get_json(client, LIST_URL, {"page_size": 500, **params})
    assert body["count"] == len(body["results"])
    return [item["code"] for item in body["results"]]


@pytest.fixture
def obsolete_commune(brittany):
    commune = TerritoryFactory(
        kind=TerritoryKind.COMMUNE,
        code="29999",
        name="Ancienne Commune",
        population=120,
        is_obsolete=True,
    )
    return place(commune, brittany["brest_metropole"], brittany["finistere"], brittany["bretagne"])


# URLs --------------------------------------------------------------------------------------


def test_url_names_are_stable():
    assert reverse("territory-list") == "/api/v1/territories/"
    assert detail_url("epci", "242900314") == "/api/v1/territories/epci/242900314/"


# Fields ------------------------------------------------------------------------------------


def test_list_item_of_a_metropolis_has_every_field(client, brittany):
    body = get_json(client, LIST_URL, {"kind": "epci", "q": "brest"})

    assert body["count"] == 1
    item = body["results"][0]
    assert set(item) == LIST_FIELDS
    assert item == {
        "kind": "epci",
        "kind_label": "EPCI à fiscalité propre",
        "code": "242900314",
        "siren": "242900314",
        "name": "Brest Métropole",
        "category": "METRO",
        "category_label": "Métropole",
        "population": 213403,
        "is_metropolis": True,
        "is_obsolete": False,
        "url": "http://testserver/api/v1/territories/epci/242900314/",
        "web_url": "http://testserver/territoires/epci/242900314/",
    }


def test_list_item_of_a_commune_has_null_for_missing_values(client, brittany):
    body = get_json(client, LIST_URL, {"kind": "commune", "q": "guipavas"})

    assert body["results"] == [
        {
            "kind": "commune",
            "kind_label": "Commune",
            "code": "29075",
            "siren": None,
            "name": "Guipavas",
            "category": None,
            "category_label": None,
            "population": 15538,
            "is_metropolis": False,
            "is_obsolete": False,
            "url": "http://testserver/api/v1/territories/commune/29075/",
            "web_url": "http://testserver/territoires/commune/29075/",
        }
    ]


def test_detail_of_a_metropolis_lists_containers_and_counts_contents(client, brittany):
    brittany["brest_metropole"].vintage = "EPCI au 1er janvier 2025"
    brittany["brest_metropole"].save()

    item = get_json(client, detail_url("epci", "242900314"))

    assert set(item) == DETAIL_FIELDS
    assert item["name"] == "Brest Métropole"
    assert item["is_metropolis"] is True
    assert item["postal_codes"] == []
    assert item["vintage"] == "EPCI au 1er janvier 2025"
    assert item["source"] == "tests"
    assert item["containers"] == [
        {
            "kind": "region",
            "code": "53",
            "name": "Bretagne",
            "category": None,
            "url": "http://testserver/api/v1/territories/region/53/",
        },
        {
            "kind": "department",
            "code": "29",
            "name": "Finistère",
            "category": None,
            "url": "http://testserver/api/v1/territories/department/29/",
        },
    ]
    assert item["contents_count"] == {"commune": 3}
    assert item["contents_url"] == (
        "http://testserver/api/v1/territories/?contained_in=epci:242900314"
    )


def test_detail_of_a_commune_lists_containers_from_widest_to_narrowest(client, brittany):
    item = get_json(client, detail_url("commune", "29019"))

    assert item["web_url"] == "http://testserver/territoires/commune/29019/"
    assert item["postal_codes"] == ["29200"]
    assert item["vintage"] is None
    assert [(c["kind"], c["code"]) for c in item["containers"]] == [
        ("region", "53"),
        ("department", "29"),
        ("epci", "242900314"),
    ]
    assert item["containers"][2]["category"] == "METRO"
    assert item["contents_count"] == {}


def test_detail_of_a_region_counts_each_kind_of_current_content(client, brittany, obsolete_commune):
    item = get_json(client, detail_url("region", "53"))

    assert item["contents_count"] == {"department": 1, "epci": 2, "commune": 4}


def test_contents_url_lists_the_contents(client, brittany):
    item = get_json(client, detail_url("epci", "242900314"))

    body = get_json(client, item["contents_url"])

    assert sorted(result["code"] for result in body["results"]) == ["29019", "29075", "29212"]


def test_detail_of_an_obsolete_territory_is_still_reachable(client, obsolete_commune):
    item = get_json(client, detail_url("commune", "29999"))

    assert item["is_obsolete"] is True


def test_detail_accepts_a_lowercase_code(client, db):
    TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="2A", name="Corse-du-Sud")

    assert get_json(client, detail_url("department", "2a"))["name"] == "Corse-du-Sud"


def test_unknown_territory_is_404_with_a_message(client, brittany):
    body = get_json(client, detail_url("epci", "000000000"), expected_status=404)

    assert body["detail"]


def test_unknown_kind_is_404(client, brittany):
    response = client.get("/api/v1/territories/planet/29019/")

    assert response.status_code == 404


# Filters -----------------------------------------------------------------------------------


def test_q_is_accent_and_case_insensitive(client, brittany):
    assert codes(client, {"q": "saint etienne", "kind": "epci"}) == ["244200770"]
    assert codes(client, {"q": "SAINT-ÉTIENNE métropole"}) == ["244200770"]


def test_q_ranks_the_exact_name_first(client, brittany):
    assert codes(client, {"q": "saint etienne"}) == ["42218", "244200770"]


def test_q_matches_a_code_prefix(client, brittany):
    assert codes(client, {"q": "2421"}) == []
    assert codes(client, {"q": "24290"}) == ["242900314", "242900694"]


def test_filter_by_kind(client, brittany):
    assert sorted(codes(client, {"kind": "commune"})) == [
        "29019",
        "29075",
        "29212",
        "29232",
        "42218",
    ]


def test_filter_by_category(client, brittany):
    assert sorted(codes(client, {"category": "CA"})) == ["242900694"]
    assert sorted(codes(client, {"category": "METRO"})) == ["242900314", "244200770"]


def test_filter_by_department_includes_the_department_itself(client, brittany):
    assert sorted(codes(client, {"department": "29"})) == [
        "242900314",
        "242900694",
        "29",
        "29019",
        "29075",
        "29212",
        "29232",
    ]


def test_filter_by_region(client, brittany):
    assert sorted(codes(client, {"region": "84"})) == ["244200770", "42", "42218", "84"]


def test_filter_is_metropolis_true(client, brittany):
    assert sorted(codes(client, {"is_metropolis": "true"})) == ["242900314", "244200770"]


def test_filter_is_metropolis_false(client, brittany):
    result = codes(client, {"is_metropolis": "false"})

    assert len(result) == Territory.objects.count() - 2
    assert "242900314" not in result
    assert "242900694" in result


def test_filter_contained_in(client, brittany):
    assert sorted(codes(client, {"contained_in": "epci:242900314"})) == [
        "29019",
        "29075",
        "29212",
    ]


def test_filter_contains(client, brittany):
    assert sorted(codes(client, {"contains": "commune:29019"})) == ["242900314", "29", "53"]


def test_filters_combine(client, brittany):
    assert codes(client, {"contained_in": "region:53", "kind": "epci", "category": "CA"}) == [
        "242900694"
    ]


def test_obsolete_territories_are_hidden_unless_asked_for(client, obsolete_commune):
    assert "29999" not in codes(client, {"kind": "commune"})
    assert "29999" in codes(client, {"kind": "commune", "include_obsolete": "true"})
    assert "29999" not in codes(client, {"kind": "commune", "include_obsolete": "false"})


def test_ordering_by_name(client, brittany):
    body = get_json(client, LIST_URL, {"kind": "commune", "ordering": "name"})

    assert [item["name"] for item in body["results"]] == [
        "Brest",
        "Guipavas",
        "Plouzané",
        "Quimper",
        "Saint-Étienne",
    ]


def test_ordering_by_descending_population(client, brittany):
    body = get_json(client, LIST_URL, {"kind": "epci", "ordering": "-population"})

    assert [item["population"] for item in body["results"]] == [407700, 213403, 100900]


def test_ordering_overrides_relevance(client, brittany):
    assert codes(client, {"q": "saint etienne", "ordering": "-population"}) == [
        "244200770",
        "42218",
    ]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("department", "999"),
        ("region", "xx"),
        ("kind", "planet"),
        ("category", "XYZ"),
        ("contained_in", "badformat"),
        ("contained_in", "epci:000000000"),
        ("contains", "nowhere:1"),
        ("is_metropolis", "maybe"),
        ("include_obsolete", "perhaps"),
        ("ordering", "bogus"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(client, brittany, parameter, value):
    body = get_json(client, LIST_URL, {parameter: value}, expected_status=400)

    assert list(body) == [parameter]
    assert body[parameter]
    assert all(isinstance(message, str) and message for message in body[parameter])


def test_every_invalid_parameter_is_reported_at_once(client, brittany):
    body = get_json(
        client,
        LIST_URL,
        {"kind": "planet", "is_metropolis": "maybe", "department": "999"},
        expected_status=400,
    )

    assert set(body) == {"kind", "is_metropolis", "department"}


def test_unknown_parameters_are_ignored(client, brittany):
    assert get_json(client, LIST_URL, {"colour": "blue"})["count"] == Territory.objects.count()


# Pagination --------------------------------------------------------------------------------


def test_page_size_is_capped_at_500(client, db):
    Territory.objects.bulk_create(
        Territory(
            kind=TerritoryKind.COMMUNE,
            code=f"{10000 + n}",
            name=f"Commune {n:03}",
            search_name=f"commune {n:03}",
        )
        for n in range(510)
    )

    body = get_json(client, LIST_URL, {"page_size": 1000})

    assert body["count"] == 510
    assert len(body["results"]) == 500
    assert body["next"] == "http://testserver/api/v1/territories/?page=2&page_size=1000"
    assert len(get_json(client, body["next"])["results"]) == 10


def test_default_page_size_is_50(client, many_communes):
    body = get_json(client, LIST_URL)

    assert len(body["results"]) == 50
    assert body["next"].endswith("?page=2")


def test_non_numeric_page_is_404(client, brittany):
    body = get_json(client, LIST_URL, {"page": "abc"}, expected_status=404)

    assert body["detail"]


def test_pages_do_not_overlap_when_values_tie(client, many_communes):
    seen = []
    for page in (1, 2, 3):
        body = get_json(client, LIST_URL, {"ordering": "population", "page_size": 25, "page": page})
        seen += [item["code"] for item in body["results"]]

    assert len(seen) == len(set(seen)) == Territory.objects.count()


# Query counts ------------------------------------------------------------------------------


@pytest.fixture
def many_communes(db):
    """About sixty territories: a région, a département, a métropole and its communes; every
    commune has the same population, so that an ordering by population ties."""
    region = TerritoryFactory(kind=TerritoryKind.REGION, code="53", name="Bretagne")
    department = TerritoryFactory(kind=TerritoryKind.DEPARTMENT, code="29", name="Finistère")
    place(department, region)
    epci = TerritoryFactory(
        kind=TerritoryKind.EPCI,
        code="242900314",
        name="Brest Métropole",
        category=TerritoryCategory.METRO,
    )
    place(epci, department, region)
    for n in range(57):
        commune = TerritoryFactory(kind=TerritoryKind.COMMUNE, code=f"29{n:03}")
        place(commune, epci, department, region)
    return epci


@pytest.mark.parametrize("page_size", [5, 100])
@pytest.mark.parametrize(
    "params",
    [{}, {"contained_in": "epci:242900314", "department": "29", "ordering": "-population"}],
)
def test_list_runs_a_bounded_number_of_queries(
    client, many_communes, django_assert_max_num_queries, page_size, params
):
    with django_assert_max_num_queries(4):
        body = get_json(client, LIST_URL, {"page_size": page_size, **params})

    assert len(body["results"]) == min(page_size, body["count"])


@pytest.mark.parametrize(("kind", "code"), [("region", "53"), ("commune", "29005")])
def test_detail_runs_a_bounded_number_of_queries(
    client, many_communes, django_assert_max_num_queries, kind, code
):
    # The territory with its contour, its containers, the count of its contents, its neighbours.
    with django_assert_max_num_queries(4):
        get_json(client, detail_url(kind, code))


# Read-only ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_writes_are_not_allowed(client, brittany, django_user_model, method, signed_in):
    if signed_in:
        client.force_login(django_user_model.objects.create_user("analyst", password="x"))
    before = Territory.objects.count()

    for url in (LIST_URL, detail_url("epci", "242900314")):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 405, (method, url)

    assert Territory.objects.count() == before
    assert Territory.objects.get(code="242900314").name == "Brest Métropole"


# Schema and documentation ------------------------------------------------------------------


def test_schema_endpoint_describes_both_endpoints(client, db):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    listing = schema["paths"]["/api/v1/territories/"]["get"]
    detail = schema["paths"]["/api/v1/territories/{kind}/{code}/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    for name in (
        "q",
        "kind",
        "category",
        "department",
        "region",
        "is_metropolis",
        "contained_in",
        "contains",
        "include_obsolete",
        "ordering",
        "page",
        "page_size",
    ):
        assert parameters[name].get("description"), name
    assert {"200", "400"} <= set(listing["responses"])
    assert {p["name"] for p in detail["parameters"]} == {"kind", "code"}
    assert {"200", "404"} <= set(detail["responses"])


def test_schema_validates_without_warnings(db, tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert "/api/v1/territories/{kind}/{code}/" in (tmp_path / "schema.yml").read_text()


def test_swagger_ui_uses_only_local_assets_and_no_inline_script(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "cdn" not in html.lower()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts
    assert all("src=" in attributes for attributes in scripts), scripts
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script_policy = response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_policy
    init_script = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    assert client.get(init_script.replace("&amp;", "&")).status_code == 200
