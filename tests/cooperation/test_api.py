"""Reading the registry through the API: /api/v1/cooperations/, its CSV, themes and
instruments; who sees what; throttling; the schema. Writes: test_api_writes.py."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import AnonRateThrottle

from cooperation.models import Cooperation, Instrument, PartnerRole
from cooperation.services import PartnerInput, SourceInput, cooperation_create

LIST_URL = "/api/v1/cooperations/"
# Written out on purpose, not read from the serializer: field names are a contract within
# /api/v1/ (add, never rename), and a list derived from the code would let a rename pass.
FIELDS = {
    "slug",
    "title",
    "summary",
    "description",
    "instrument",
    "instrument_label",
    "themes",
    "status",
    "status_label",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "governance",
    "engineering",
    "funding",
    "outcomes",
    "difficulties",
    "uncertainty_notes",
    "metropolis",
    "partners",
    "sources",
    "origin",
    "origin_label",
    "origin_url",
    "is_published",
    "created_at",
    "updated_at",
    "url",
    "web_url",
}
PUBLISHED = ["brest_quimper", "saint_etienne_pole", "ocean_network"]


@pytest.fixture(autouse=True)
def fresh_throttle_counters():
    """Anonymous requests are throttled with counters in the cache: start each test at 0."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user).key}")
    return client


@pytest.fixture
def member_api(member_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_user).key}")
    return client


def detail_url(slug: str) -> str:
    return reverse("cooperation-detail", kwargs={"slug": slug})


def get_json(client, url, params=None, expected_status=200, **headers):
    response = client.get(url, params or {}, HTTP_ACCEPT="application/json", **headers)
    assert response.status_code == expected_status, response.content
    return response.json()


def names(registry, client, params=None) -> list[str]:
    """The registry keys of the records the list returns, in its order."""
    by_slug = {cooperation.slug: key for key, cooperation in registry.items()}
    body = get_json(client, LIST_URL, {"page_size": 500, **(params or {})})
    assert body["count"] == len(body["results"])
    return [by_slug[item["slug"]] for item in body["results"]]


def csv_rows(response) -> list[dict]:
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(content[1:])))


# URLs --------------------------------------------------------------------------------------


def test_url_names_are_stable():
    assert reverse("cooperation-list") == "/api/v1/cooperations/"
    assert detail_url("abc") == "/api/v1/cooperations/abc/"
    assert reverse("theme-list") == "/api/v1/themes/"
    assert reverse("instrument-list") == "/api/v1/instruments/"
    kwargs = {"cooperation_slug": "abc"}
    assert (
        reverse("cooperation-partner-list", kwargs=kwargs) == "/api/v1/cooperations/abc/partners/"
    )
    assert reverse("cooperation-source-list", kwargs=kwargs) == "/api/v1/cooperations/abc/sources/"
    assert (
        reverse("cooperation-partner-detail", kwargs={**kwargs, "pk": 7})
        == "/api/v1/cooperations/abc/partners/7/"
    )
    assert (
        reverse("cooperation-source-detail", kwargs={**kwargs, "pk": 7})
        == "/api/v1/cooperations/abc/sources/7/"
    )


def test_api_root_lists_the_registry_endpoints(api, db):
    body = get_json(api, "/api/v1/")

    assert body["cooperations"] == "http://testserver/api/v1/cooperations/"
    assert body["themes"] == "http://testserver/api/v1/themes/"
    assert body["instruments"] == "http://testserver/api/v1/instruments/"


# Fields ------------------------------------------------------------------------------------


def test_detail_has_every_field_with_its_value(api, registry):
    record = registry["brest_quimper"]
    partners = list(record.partnerships.order_by("position"))
    sources = list(record.sources.order_by("position"))

    item = get_json(api, detail_url(record.slug))

    assert set(item) == FIELDS
    created_at, updated_at = item.pop("created_at"), item.pop("updated_at")
    assert created_at.startswith(str(record.created_at.year))
    assert updated_at >= created_at
    assert item == {
        "slug": record.slug,
        "title": record.title,
        "summary": "Coopération ville-campagne.",
        "description": None,
        "instrument": "reciprocity_contract",
        "instrument_label": "Contrat de réciprocité",
        "themes": [
            {"code": "mobility", "label": "Mobilités"},
            {"code": "tourism", "label": "Tourisme"},
        ],
        "status": "active",
        "status_label": "En cours",
        "start": "2016-11-04",
        "start_precision": "day",
        "end": None,
        "end_precision": None,
        "governance": None,
        "engineering": None,
        "funding": None,
        "outcomes": None,
        "difficulties": None,
        "uncertainty_notes": None,
        "metropolis": {
            "kind": "epci",
            "code": "242900314",
            "name": "Brest Métropole",
            "url": "http://testserver/api/v1/territories/epci/242900314/",
        },
        "partners": [
            {
                "id": partners[0].pk,
                "territory": {
                    "kind": "epci",
                    "code": "242900314",
                    "siren": "242900314",
                    "name": "Brest Métropole",
                    "category": "METRO",
                    "url": "http://testserver/api/v1/territories/epci/242900314/",
                    "web_url": "http://testserver/territoires/epci/242900314/",
                },
                "role": "lead",
                "role_label": "Chef de file",
                "relation": "reference",
                "relation_label": "Métropole de référence",
                "is_contiguous": None,  # no contours imported
                "distance_km": None,
            },
            {
                "id": partners[1].pk,
                "territory": {
                    "kind": "epci",
                    "code": "242900694",
                    "siren": "242900694",
                    "name": "CA Quimper Bretagne Occidentale",
                    "category": "CA",
                    "url": "http://testserver/api/v1/territories/epci/242900694/",
                    "web_url": "http://testserver/territoires/epci/242900694/",
                },
                "role": "partner",
                "role_label": "Partenaire",
                "relation": "same_department",
                "relation_label": "Même département",
                "is_contiguous": None,  # no contours imported
                "distance_km": None,
            },
            {
                "id": partners[2].pk,
                "territory": {
                    "kind": "grouping",
                    "code": "PAYS-COB",
                    "siren": None,
                    "name": "Pays du Centre Ouest Bretagne",
                    "category": "PAYS",
                    "url": "http://testserver/api/v1/territories/grouping/PAYS-COB/",
                    "web_url": "http://testserver/territoires/grouping/PAYS-COB/",
                },
                "role": "partner",
                "role_label": "Partenaire",
                "relation": "same_department",
                "relation_label": "Même département",
                "is_contiguous": None,  # no contours imported
                "distance_km": None,
            },
        ],
        "sources": [
            {
                "id": sources[0].pk,
                "title": "Signature du contrat",
                "publisher": "Localtis",
                "date": "2016-11",
                "date_precision": "month",
                "url": None,
                "note": None,
            },
            {
                "id": sources[1].pk,
                "title": "Bilan",
                "publisher": None,
                "date": None,
                "date_precision": None,
                "url": "https://example.org/bilan",
                "note": None,
            },
        ],
        "origin": "manual",
        "origin_label": None,
        "origin_url": None,
        "is_published": True,
        "url": f"http://testserver/api/v1/cooperations/{record.slug}/",
        "web_url": f"http://testserver/cooperations/{record.slug}/",
    }


def test_dates_keep_their_precision(api, registry):
    item = get_json(api, detail_url(registry["saint_etienne_pole"].slug))

    assert (item["start"], item["start_precision"]) == ("2012", "year")
    assert (item["end"], item["end_precision"]) == ("2022-12", "month")
    assert item["sources"][0]["date"] == "2022-12-22"
    assert item["sources"][0]["date_precision"] == "day"


def test_partner_relations_are_computed(api, registry):
    item = get_json(api, detail_url(registry["ocean_network"].slug))

    assert [(p["territory"]["code"], p["relation"]) for p in item["partners"]] == [
        ("242900314", "reference"),
        ("244200770", "other_region"),
        ("IE-CORK", "foreign"),
    ]


def test_labels_follow_the_request_language(api, registry):
    item = get_json(api, detail_url(registry["brest_quimper"].slug), HTTP_ACCEPT_LANGUAGE="en")

    # Codes never change; labels do (theme labels are stored in both languages).
    assert item["instrument"] == "reciprocity_contract"
    assert item["themes"][0] == {"code": "mobility", "label": "Mobility"}


def test_list_items_have_the_detail_representation(api, registry):
    body = get_json(api, LIST_URL)

    assert body["count"] == 3
    assert all(set(item) == FIELDS for item in body["results"])
    first = body["results"][0]
    assert first == get_json(api, detail_url(first["slug"]))


# Who sees what -----------------------------------------------------------------------------


def test_anonymous_clients_see_only_published_records(api, registry):
    assert sorted(names(registry, api)) == sorted(PUBLISHED)


def test_non_staff_users_see_only_published_records(member_api, registry):
    assert sorted(names(registry, member_api)) == sorted(PUBLISHED)


def test_staff_see_unpublished_records(staff_api, registry):
    assert sorted(names(registry, staff_api)) == sorted([*PUBLISHED, "guipavas_draft"])
    item = get_json(staff_api, detail_url(registry["guipavas_draft"].slug))
    assert item["is_published"] is False


@pytest.mark.parametrize("suffix", ["", "partners/", "sources/"])
def test_unpublished_record_is_404_for_anonymous_and_non_staff(api, member_api, registry, suffix):
    url = detail_url(registry["guipavas_draft"].slug) + suffix

    assert get_json(api, url, expected_status=404)["detail"]
    assert get_json(member_api, url, expected_status=404)["detail"]


def test_partner_of_an_unpublished_record_is_404_for_anonymous(api, staff_api, registry):
    draft = registry["guipavas_draft"]
    partnership = draft.partnerships.first()
    url = reverse(
        "cooperation-partner-detail", kwargs={"cooperation_slug": draft.slug, "pk": partnership.pk}
    )

    get_json(api, url, expected_status=404)
    assert get_json(staff_api, url)["territory"]["code"] == "242900314"


def test_unknown_record_is_404(api, registry):
    assert get_json(api, detail_url("nothing-here"), expected_status=404)["detail"]


def test_list_filters_do_not_apply_to_a_detail(api, registry):
    get_json(api, detail_url(registry["brest_quimper"].slug), {"status": "ended"})


# Nested read routes ------------------------------------------------------------------------


def test_partners_route_lists_the_partners_in_order(api, registry):
    record = registry["brest_quimper"]

    body = get_json(
        api, reverse("cooperation-partner-list", kwargs={"cooperation_slug": record.slug})
    )

    assert [p["territory"]["code"] for p in body] == ["242900314", "242900694", "PAYS-COB"]
    assert body == get_json(api, detail_url(record.slug))["partners"]


def test_sources_route_lists_the_sources(api, registry):
    record = registry["brest_quimper"]

    body = get_json(
        api, reverse("cooperation-source-list", kwargs={"cooperation_slug": record.slug})
    )

    assert [s["title"] for s in body] == ["Signature du contrat", "Bilan"]
    one = get_json(
        api,
        reverse(
            "cooperation-source-detail",
            kwargs={"cooperation_slug": record.slug, "pk": body[1]["id"]},
        ),
    )
    assert one == body[1]


def test_a_partner_is_reachable_only_under_its_own_record(api, registry):
    other = registry["saint_etienne_pole"].partnerships.first()
    url = reverse(
        "cooperation-partner-detail",
        kwargs={"cooperation_slug": registry["brest_quimper"].slug, "pk": other.pk},
    )

    get_json(api, url, expected_status=404)


# Filters -----------------------------------------------------------------------------------


def test_filter_q_searches_titles_and_partner_names_without_accents(api, registry):
    assert names(registry, api, {"q": "oceanes"}) == ["ocean_network"]
    assert names(registry, api, {"q": "QUIMPER"}) == ["brest_quimper"]
    assert names(registry, api, {"q": "cork"}) == ["ocean_network"]


def test_filter_q_never_reveals_unpublished_records(api, staff_api, registry):
    assert names(registry, api, {"q": "guipavas"}) == []
    assert names(registry, staff_api, {"q": "guipavas"}) == ["guipavas_draft"]


def test_filter_metropolis_is_repeatable(api, registry):
    assert names(registry, api, {"metropolis": "244200770"}) == [
        "ocean_network",
        "saint_etienne_pole",
    ]
    assert len(names(registry, api, {"metropolis": ["242900314", "244200770"]})) == 3


def test_filter_theme(api, registry):
    assert names(registry, api, {"theme": "tourism"}) == ["ocean_network", "brest_quimper"]
    assert names(registry, api, {"theme": ["mobility", "economic-development"]}) == [
        "brest_quimper",
        "saint_etienne_pole",
    ]


def test_filter_instrument(api, registry):
    assert names(registry, api, {"instrument": "metropolitan_pole"}) == ["saint_etienne_pole"]
    assert names(registry, api, {"instrument": ["metropolitan_pole", "association_network"]}) == [
        "ocean_network",
        "saint_etienne_pole",
    ]


def test_filter_status(api, registry):
    assert names(registry, api, {"status": "ended"}) == ["saint_etienne_pole"]
    assert names(registry, api, {"status": "active"}) == ["ocean_network", "brest_quimper"]


def test_filter_partner_kind(api, registry):
    assert names(registry, api, {"partner_kind": "foreign"}) == ["ocean_network"]
    assert names(registry, api, {"partner_kind": "grouping"}) == ["brest_quimper"]
    assert names(registry, api, {"partner_kind": "department"}) == ["saint_etienne_pole"]


def test_filter_partner_category(api, registry):
    assert names(registry, api, {"partner_category": "PAYS"}) == ["brest_quimper"]
    assert names(registry, api, {"partner_category": ["CA", "OTHER"]}) == [
        "ocean_network",
        "brest_quimper",
    ]


def test_filter_relation(api, registry):
    assert names(registry, api, {"relation": "foreign"}) == ["ocean_network"]
    assert names(registry, api, {"relation": "same_department"}) == [
        "brest_quimper",
        "saint_etienne_pole",
    ]


def test_filter_region(api, registry):
    assert names(registry, api, {"region": "84"}) == ["ocean_network", "saint_etienne_pole"]
    assert names(registry, api, {"region": "53"}) == ["ocean_network", "brest_quimper"]


def test_filter_start_years(api, registry):
    assert names(registry, api, {"start_year_min": 2016}) == ["ocean_network", "brest_quimper"]
    assert names(registry, api, {"start_year_max": 2015}) == ["saint_etienne_pole"]
    assert names(registry, api, {"start_year_min": 2013, "start_year_max": 2018}) == [
        "brest_quimper"
    ]


def test_filters_combine(api, registry):
    params = {"region": "53", "theme": "tourism", "status": "active", "start_year_min": 2017}

    assert names(registry, api, params) == ["ocean_network"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("metropolis", "242900694"),  # an EPCI, but not a métropole
        ("theme", "nope"),
        ("instrument", "treaty"),
        ("status", "paused"),
        ("partner_kind", "planet"),
        ("partner_category", "XYZ"),
        ("relation", "far"),
        ("region", "99"),
        ("start_year_min", "abc"),
        ("start_year_max", "3000"),
        ("ordering", "bogus"),
    ],
)
def test_invalid_filter_value_is_400_naming_the_parameter(api, registry, parameter, value):
    body = get_json(api, LIST_URL, {parameter: value}, expected_status=400)

    assert list(body) == [parameter]
    assert all(isinstance(message, str) and message for message in body[parameter])


def test_every_invalid_parameter_is_reported_at_once(api, registry):
    body = get_json(
        api, LIST_URL, {"status": "x", "theme": "y", "start_year_min": "z"}, expected_status=400
    )

    assert set(body) == {"status", "theme", "start_year_min"}


# Ordering and pagination -------------------------------------------------------------------


def test_default_order_is_most_recent_start_first_and_undated_last(staff_api, registry):
    assert names(registry, staff_api) == [
        "ocean_network",
        "brest_quimper",
        "saint_etienne_pole",
        "guipavas_draft",
    ]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("start", ["saint_etienne_pole", "brest_quimper", "ocean_network", "guipavas_draft"]),
        ("-start", ["ocean_network", "brest_quimper", "saint_etienne_pole", "guipavas_draft"]),
        ("title", ["brest_quimper", "guipavas_draft", "saint_etienne_pole", "ocean_network"]),
        ("-title", ["ocean_network", "saint_etienne_pole", "guipavas_draft", "brest_quimper"]),
        ("partners", ["guipavas_draft", "saint_etienne_pole", "brest_quimper", "ocean_network"]),
        ("-partners", ["brest_quimper", "ocean_network", "guipavas_draft", "saint_etienne_pole"]),
    ],
)
def test_ordering(staff_api, registry, ordering, expected):
    assert names(registry, staff_api, {"ordering": ordering}) == expected


def test_ordering_by_last_update(api, registry):
    Cooperation.objects.filter(pk=registry["saint_etienne_pole"].pk).update(
        updated_at="2030-01-01T00:00:00Z"
    )

    assert names(registry, api, {"ordering": "-updated"})[0] == "saint_etienne_pole"
    assert names(registry, api, {"ordering": "updated"})[-1] == "saint_etienne_pole"


def test_pagination(api, registry):
    first = get_json(api, LIST_URL, {"page_size": 2})

    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/cooperations/?page=2&page_size=2"
    second = get_json(api, first["next"])
    assert len(second["results"]) == 1
    assert second["next"] is None
    slugs = [item["slug"] for item in first["results"] + second["results"]]
    assert len(set(slugs)) == 3


def test_page_out_of_range_is_404(api, registry):
    assert get_json(api, LIST_URL, {"page": 9}, expected_status=404)["detail"]


# Query counts ------------------------------------------------------------------------------


@pytest.fixture
def many_records(brittany, themes, pays_cob):
    """Build `count` published records of three partners, two themes and two sources."""

    def build(count: int):
        b = brittany
        for number in range(count):
            cooperation_create(
                title=f"Coopération {number:02d}",
                instrument=Instrument.RECIPROCITY_CONTRACT,
                partners=[
                    PartnerInput(b["brest_metropole"], PartnerRole.LEAD),
                    PartnerInput(b["quimper_agglo"]),
                    PartnerInput(pays_cob),
                ],
                themes=[themes["mobility"], themes["tourism"]],
                sources=[SourceInput(title="Une"), SourceInput(title="Deux", date="2020")],
                start=f"{2000 + number}",
                is_published=True,
            )

    return build


@pytest.mark.slow
@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("params", "queries"),
    [
        # count, page, themes, partners with their territories, sources
        ({}, 5),
        # … plus one per filter on codes (theme, region, metropolis), to validate them
        (
            {"theme": "tourism", "region": "53", "metropolis": "242900314", "ordering": "partners"},
            5 + 3,
        ),
    ],
)
def test_list_runs_a_bounded_number_of_queries(
    api, many_records, django_assert_max_num_queries, count, params, queries
):
    many_records(count)

    with django_assert_max_num_queries(queries):
        body = get_json(api, LIST_URL, {"page_size": 100, **params})

    assert body["count"] == count
    assert all(len(item["partners"]) == 3 for item in body["results"])


@pytest.mark.slow
@pytest.mark.parametrize("count", [3, 30])
def test_list_for_a_token_user_runs_a_bounded_number_of_queries(
    staff_api, many_records, django_assert_max_num_queries, count
):
    many_records(count)

    with django_assert_max_num_queries(6):  # the token lookup, then as anonymous
        assert get_json(staff_api, LIST_URL, {"page_size": 100})["count"] == count


def test_detail_runs_a_bounded_number_of_queries(api, registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        get_json(api, detail_url(registry["brest_quimper"].slug))


@pytest.mark.slow
@pytest.mark.parametrize("count", [3, 30])
def test_themes_and_instruments_run_one_query(
    api, many_records, django_assert_max_num_queries, count
):
    many_records(count)

    with django_assert_max_num_queries(1):
        get_json(api, reverse("theme-list"))
    with django_assert_max_num_queries(1):
        get_json(api, reverse("instrument-list"))


@pytest.mark.parametrize("count", [3, 30])
def test_csv_runs_a_bounded_number_of_queries(
    api, many_records, django_assert_max_num_queries, count
):
    many_records(count)

    with django_assert_max_num_queries(5):
        response = api.get(LIST_URL, {"format": "csv"})
        assert len(csv_rows(response)) == count


# Themes and instruments --------------------------------------------------------------------


def test_themes_count_only_records_visible_to_the_requester(api, staff_api, registry):
    public = get_json(api, reverse("theme-list"))
    staff = get_json(staff_api, reverse("theme-list"))

    assert public == [
        {
            "code": "mobility",
            "label_fr": "Mobilités",
            "label_en": "Mobility",
            "label": "Mobilités",
            "cooperation_count": 1,
        },
        {
            "code": "tourism",
            "label_fr": "Tourisme",
            "label_en": "Tourism",
            "label": "Tourisme",
            "cooperation_count": 2,
        },
        {
            "code": "economic-development",
            "label_fr": "Développement économique",
            "label_en": "Economic development",
            "label": "Développement économique",
            "cooperation_count": 1,
        },
    ]
    assert [t["cooperation_count"] for t in staff] == [1, 2, 1]


def test_theme_counts_include_unpublished_records_for_staff(api, staff_api, registry, themes):
    registry["guipavas_draft"].themes.add(themes["mobility"])

    assert get_json(api, reverse("theme-list"))[0]["cooperation_count"] == 1
    assert get_json(staff_api, reverse("theme-list"))[0]["cooperation_count"] == 2


def test_theme_label_follows_the_request_language(api, registry):
    body = get_json(api, reverse("theme-list"), HTTP_ACCEPT_LANGUAGE="en")

    assert body[0]["label"] == "Mobility"


def test_instruments_list_every_instrument_with_visible_counts(api, staff_api, registry):
    public = get_json(api, reverse("instrument-list"))
    staff = get_json(staff_api, reverse("instrument-list"))

    assert [item["code"] for item in public] == Instrument.values
    counts = {item["code"]: item["cooperation_count"] for item in public}
    assert counts["reciprocity_contract"] == 1
    assert counts["metropolitan_pole"] == 1
    assert counts["informal"] == 0
    assert {item["code"]: item["cooperation_count"] for item in staff}["informal"] == 1
    assert public[0]["label"] == "Contrat de réciprocité"


# CSV ---------------------------------------------------------------------------------------


def test_format_csv_streams_the_filtered_selection_with_a_bom(api, registry):
    response = api.get(LIST_URL, {"format": "csv", "theme": "tourism", "page_size": 1})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["slug"] for row in rows] == [
        registry["ocean_network"].slug,
        registry["brest_quimper"].slug,
    ]
    assert rows[1]["title"] == registry["brest_quimper"].title
    assert rows[1]["url"] == f"http://testserver/cooperations/{registry['brest_quimper'].slug}/"


def test_csv_never_contains_unpublished_records_for_anonymous(api, staff_api, registry):
    public = csv_rows(api.get(LIST_URL, {"format": "csv"}))
    staff = csv_rows(staff_api.get(LIST_URL, {"format": "csv"}))

    assert len(public) == 3
    assert registry["guipavas_draft"].slug not in {row["slug"] for row in public}
    assert len(staff) == 4


def test_csv_is_also_chosen_by_the_accept_header(api, registry):
    response = api.get(LIST_URL, HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(csv_rows(response)) == 3


def test_csv_options_semicolon_and_partnerships_table(api, registry):
    response = api.get(LIST_URL, {"format": "csv", "sep": "semicolon", "table": "partnerships"})

    content = b"".join(response.streaming_content).decode("utf-8")
    header = content[1:].splitlines()[0]
    assert header.startswith("cooperation_slug;cooperation_title;territory_kind")
    assert len(content.strip().splitlines()) == 1 + 3 + 2 + 3


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "paused"}, "status"), ({"sep": "tab"}, "sep"), ({"table": "x"}, "table")],
)
def test_csv_with_invalid_parameters_is_a_json_400(api, registry, params, field):
    response = api.get(LIST_URL, {"format": "csv", **params})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]


def test_csv_is_offered_on_the_list_only(api, registry):
    response = api.get(detail_url(registry["brest_quimper"].slug), {"format": "csv"})

    assert response.status_code == 404


# Throttling --------------------------------------------------------------------------------


def test_anonymous_clients_are_throttled(api, staff_api, registry, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)

    for _ in range(3):
        assert api.get(LIST_URL).status_code == 200
    response = api.get(reverse("theme-list"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]
    # A forged X-Forwarded-For does not make a new client (no proxy is configured).
    assert api.get(LIST_URL, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # Authenticated clients are not throttled.
    for _ in range(5):
        assert staff_api.get(LIST_URL).status_code == 200


def test_default_anonymous_rate_comes_from_the_settings(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]

    assert rates["anon"]
    assert AnonRateThrottle().parse_rate(rates["anon"])[0] > 0


# Schema and admin --------------------------------------------------------------------------


def test_schema_documents_filters_csv_errors_and_token_auth(api, db):
    schema = get_json(api, "/api/schema/", {"format": "json"})

    listing = schema["paths"]["/api/v1/cooperations/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    for name in (
        "q",
        "metropolis",
        "theme",
        "instrument",
        "status",
        "partner_kind",
        "partner_category",
        "relation",
        "region",
        "start_year_min",
        "start_year_max",
        "ordering",
        "page",
        "page_size",
        "format",
        "sep",
        "table",
    ):
        assert parameters[name].get("description"), name
    assert set(listing["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert {"200", "400", "404", "429"} <= set(listing["responses"])
    create = schema["paths"]["/api/v1/cooperations/"]["post"]
    assert {"201", "400", "401", "403"} <= set(create["responses"])
    assert {"tokenAuth": []} in create["security"]
    assert {} not in create["security"]
    assert {} in listing["security"]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["in"], scheme["name"]) == ("header", "Authorization")
    for path in (
        "/api/v1/cooperations/{slug}/",
        "/api/v1/cooperations/{cooperation_slug}/partners/",
        "/api/v1/cooperations/{cooperation_slug}/partners/{id}/",
        "/api/v1/cooperations/{cooperation_slug}/sources/",
        "/api/v1/cooperations/{cooperation_slug}/sources/{id}/",
        "/api/v1/themes/",
        "/api/v1/instruments/",
    ):
        assert path in schema["paths"], path
    cooperation = schema["components"]["schemas"]["Cooperation"]["properties"]
    assert set(cooperation) == FIELDS
    assert all(field.get("description") for field in cooperation.values())


def test_staff_issue_tokens_in_the_admin(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("admin", password="x-42-secret")
    analyst = django_user_model.objects.create_user("analyst", password="x-42-secret")
    client.force_login(admin_user)

    assert "Jetons" in client.get("/admin/").content.decode()
    response = client.post("/admin/authtoken/tokenproxy/add/", {"user": analyst.pk})

    assert response.status_code == 302
    assert Token.objects.get(user=analyst).key
