"""Writing the registry through the API: cooperations, partners and sources, for staff
only, through the services; authentication; validation errors as 400 field errors."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cooperation.models import Cooperation, PartnerRole, Partnership, Source

LIST_URL = "/api/v1/cooperations/"


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
def staff_token(staff_user):
    return Token.objects.create(user=staff_user).key


@pytest.fixture
def staff_api(staff_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {staff_token}")
    return client


@pytest.fixture
def member_api(member_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member_user).key}")
    return client


def detail_url(slug: str) -> str:
    return reverse("cooperation-detail", kwargs={"slug": slug})


def partners_url(cooperation, pk=None) -> str:
    if pk is None:
        return reverse("cooperation-partner-list", kwargs={"cooperation_slug": cooperation.slug})
    return reverse(
        "cooperation-partner-detail", kwargs={"cooperation_slug": cooperation.slug, "pk": pk}
    )


def sources_url(cooperation, pk=None) -> str:
    if pk is None:
        return reverse("cooperation-source-list", kwargs={"cooperation_slug": cooperation.slug})
    return reverse(
        "cooperation-source-detail", kwargs={"cooperation_slug": cooperation.slug, "pk": pk}
    )


def send(client, method, url, data=None, expected_status=200):
    response = getattr(client, method)(url, data, format="json")
    assert response.status_code == expected_status, response.content
    return response.json() if response.content else None


def payload(**changes):
    data = {
        "title": "Convention entre Brest et Saint-Étienne",
        "instrument": "cooperation_agreement",
        "status": "planned",
        "summary": "Échanges d’expériences.",
        "themes": ["mobility", "tourism"],
        "start": "2016",
        "end": "2020-06",
        "partners": [
            {"territory": "epci:242900314", "role": "lead"},
            {"territory": "epci:244200770"},
            {"territory": "commune:29075", "role": "associate"},
        ],
        "sources": [
            {
                "title": "Communiqué",
                "publisher": "Brest Métropole",
                "date": "2016-03-01",
                "url": "https://example.org/communique",
            }
        ],
        "is_published": True,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not ...}


# Who may write -----------------------------------------------------------------------------


def write_attempts(registry):
    """One of each write the API offers, on published records."""
    record = registry["brest_quimper"]
    partner = record.partnerships.order_by("position").last()
    source = record.sources.first()
    return [
        ("post", LIST_URL, payload()),
        ("put", detail_url(record.slug), payload()),
        ("patch", detail_url(record.slug), {"title": "Piraté"}),
        ("delete", detail_url(record.slug), None),
        ("post", partners_url(record), {"territory": "commune:29019"}),
        ("patch", partners_url(record, partner.pk), {"role": "lead"}),
        ("delete", partners_url(record, partner.pk), None),
        ("post", sources_url(record), {"title": "Piraté"}),
        ("patch", sources_url(record, source.pk), {"title": "Piraté"}),
        ("delete", sources_url(record, source.pk), None),
    ]


def snapshot():
    return (
        list(Cooperation.objects.order_by("pk").values_list("pk", "title", "updated_at")),
        list(Partnership.objects.order_by("pk").values_list("pk", "role")),
        list(Source.objects.order_by("pk").values_list("pk", "title")),
    )


def test_anonymous_clients_cannot_write(api, registry):
    before = snapshot()

    for method, url, data in write_attempts(registry):
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"

    assert snapshot() == before


def test_signed_in_non_staff_users_cannot_write(member_api, registry):
    before = snapshot()

    for method, url, data in write_attempts(registry):
        response = getattr(member_api, method)(url, data, format="json")
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"]

    assert snapshot() == before


def test_non_staff_session_cannot_write(client, member_user, registry):
    client.force_login(member_user)

    response = client.post(LIST_URL, payload(), content_type="application/json")

    assert response.status_code == 403


def test_staff_can_write_with_a_session(client, staff_user, registry):
    client.force_login(staff_user)

    response = client.post(LIST_URL, payload(), content_type="application/json")

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("parameter", ["token", "auth_token", "key"])
def test_a_token_in_the_query_string_is_not_accepted(api, staff_token, registry, parameter):
    response = api.post(f"{LIST_URL}?{parameter}={staff_token}", payload(), format="json")

    assert response.status_code == 401
    assert not Cooperation.objects.filter(title=payload()["title"]).exists()


def test_a_bearer_token_is_not_accepted(api, staff_token, registry):
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {staff_token}")

    assert api.post(LIST_URL, payload(), format="json").status_code == 401


def test_an_invalid_token_is_401_even_for_a_read(api, registry):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-valid-token")

    response = api.get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["detail"]


# Creating ----------------------------------------------------------------------------------


def test_staff_create_a_cooperation_with_partners_themes_and_sources(
    staff_api, staff_user, registry
):
    response = staff_api.post(LIST_URL, payload(), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    cooperation = Cooperation.objects.get(slug=body["slug"])
    assert response["Location"] == f"http://testserver/api/v1/cooperations/{cooperation.slug}/"
    assert body["slug"] == "convention-entre-brest-et-saint-etienne"
    assert body["title"] == "Convention entre Brest et Saint-Étienne"
    assert body["instrument"] == "cooperation_agreement"
    assert body["status"] == "planned"
    assert [theme["code"] for theme in body["themes"]] == ["mobility", "tourism"]
    assert (body["start"], body["start_precision"]) == ("2016", "year")
    assert (body["end"], body["end_precision"]) == ("2020-06", "month")
    assert body["metropolis"]["code"] == "242900314"
    assert [(p["territory"]["code"], p["role"], p["relation"]) for p in body["partners"]] == [
        ("242900314", "lead", "reference"),
        ("244200770", "partner", "other_region"),
        ("29075", "associate", "member"),
    ]
    assert body["sources"][0]["date"] == "2016-03-01"
    assert body["sources"][0]["url"] == "https://example.org/communique"
    assert body["is_published"] is True
    assert cooperation.history.latest().history_user == staff_user
    assert all(
        p.history.latest().history_user == staff_user for p in cooperation.partnerships.all()
    )


def test_created_record_is_readable_at_its_address(api, staff_api, registry):
    body = send(staff_api, "post", LIST_URL, payload(), expected_status=201)

    assert send(api, "get", body["url"]) == body


def test_slug_is_derived_from_the_title_unless_given(staff_api, registry):
    first = send(staff_api, "post", LIST_URL, payload(), expected_status=201)
    second = send(staff_api, "post", LIST_URL, payload(), expected_status=201)
    chosen = send(staff_api, "post", LIST_URL, payload(slug="mon-identifiant"), expected_status=201)

    assert first["slug"] == "convention-entre-brest-et-saint-etienne"
    assert second["slug"] == "convention-entre-brest-et-saint-etienne-2"
    assert chosen["slug"] == "mon-identifiant"


def test_minimal_record_takes_the_defaults(staff_api, registry):
    body = send(
        staff_api,
        "post",
        LIST_URL,
        {
            "title": "Coopération minimale",
            "instrument": "informal",
            "partners": [{"territory": "epci:244200770"}],
        },
        expected_status=201,
    )

    assert body["status"] == "active"
    assert body["is_published"] is False
    assert body["origin"] == "manual"
    assert body["themes"] == [] and body["sources"] == []
    assert body["start"] is None and body["summary"] is None
    assert body["partners"][0]["role"] == "partner"


def test_null_is_accepted_for_optional_values(staff_api, registry):
    body = send(
        staff_api,
        "post",
        LIST_URL,
        payload(summary=None, governance=None, start=None, end=None, origin_url=None),
        expected_status=201,
    )

    cooperation = Cooperation.objects.get(slug=body["slug"])
    assert (cooperation.summary, cooperation.governance, cooperation.origin_url) == ("", "", "")
    assert cooperation.start_date is None and cooperation.start_precision == ""


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ...}, "title"),
        ({"title": ""}, "title"),
        ({"instrument": "treaty"}, "instrument"),
        ({"instrument": ...}, "instrument"),
        ({"status": "paused"}, "status"),
        ({"start": "2016-13"}, "start"),
        ({"start": "13/2016"}, "start"),
        ({"end": "2016-02-30"}, "end"),
        ({"start": "2020", "end": "2019-12"}, "end"),
        ({"partners": ...}, "partners"),
        ({"partners": []}, "partners"),
        ({"partners": "epci:242900314"}, "partners"),
        ({"partners": [{"territory": "epci:242900694"}]}, "partners"),
        ({"partners": [{"territory": "epci:000000000"}]}, "partners"),
        ({"partners": [{"territory": "brest"}]}, "partners"),
        ({"partners": [{"territory": "planet:1"}]}, "partners"),
        ({"partners": [{"territory": 242900314}]}, "partners"),
        ({"partners": [{"territory": "epci:242900314", "role": "boss"}]}, "partners"),
        (
            {"partners": [{"territory": "epci:242900314"}, {"territory": "epci:242900314"}]},
            "partners",
        ),
        ({"themes": ["mobility", "space"]}, "themes"),
        ({"themes": "mobility"}, "themes"),
        ({"sources": [{"publisher": "Sans titre"}]}, "sources"),
        ({"sources": [{"title": "Daté", "date": "hier"}]}, "sources"),
        ({"sources": [{"title": "Lien", "url": "pas une adresse"}]}, "sources"),
        ({"origin": "rumour"}, "origin"),
        ({"origin_url": "pas une adresse"}, "origin_url"),
        ({"slug": "pas un slug !"}, "slug"),
        ({"is_published": "peut-être"}, "is_published"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_invalid_data_is_a_400_naming_the_field_and_writes_nothing(
    staff_api, registry, changes, field
):
    before = snapshot()

    body = send(staff_api, "post", LIST_URL, payload(**changes), expected_status=400)

    assert field in body, body
    assert body[field]
    assert snapshot() == before


def test_partner_errors_name_the_item_and_its_field(staff_api, registry):
    partners = [{"territory": "epci:242900314"}, {"territory": "epci:000000000"}]

    body = send(staff_api, "post", LIST_URL, payload(partners=partners), expected_status=400)

    # Only the invalid items, by position.
    assert list(body["partners"]) == ["1"]
    [message] = body["partners"]["1"]["territory"]
    assert "epci:000000000" in message


def test_missing_metropolis_is_explained(staff_api, registry):
    body = send(
        staff_api,
        "post",
        LIST_URL,
        payload(partners=[{"territory": "epci:242900694"}]),
        expected_status=400,
    )

    assert body == {
        "partners": ["Une coopération compte au moins une métropole parmi ses partenaires."]
    }


def test_every_invalid_field_is_reported_at_once(staff_api, registry):
    body = send(
        staff_api,
        "post",
        LIST_URL,
        payload(title=..., instrument="treaty", start="2016-13", themes=["space"]),
        expected_status=400,
    )

    assert set(body) == {"title", "instrument", "start", "themes"}


def test_taken_slug_is_a_400(staff_api, registry):
    taken = registry["ocean_network"].slug

    body = send(staff_api, "post", LIST_URL, payload(slug=taken), expected_status=400)

    assert list(body) == ["slug"]


def test_malformed_json_is_a_400(staff_api, registry):
    response = staff_api.post(LIST_URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"]


# Updating and deleting ---------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(staff_api, staff_user, registry):
    record = registry["brest_quimper"]

    body = send(staff_api, "patch", detail_url(record.slug), {"title": "Nouveau titre"})

    assert body["title"] == "Nouveau titre"
    assert body["slug"] == record.slug
    assert len(body["partners"]) == 3
    assert len(body["sources"]) == 2
    assert [t["code"] for t in body["themes"]] == ["mobility", "tourism"]
    assert body["start"] == "2016-11-04"
    record.refresh_from_db()
    assert record.title == "Nouveau titre"
    assert record.history.latest().history_user == staff_user


def test_patch_that_changes_nothing_writes_nothing(staff_api, registry):
    record = registry["brest_quimper"]
    rows, updated = record.history.count(), record.updated_at

    body = send(staff_api, "patch", detail_url(record.slug), {"title": record.title})

    assert body["title"] == record.title
    record.refresh_from_db()
    assert (record.history.count(), record.updated_at) == (rows, updated)


def test_patch_replaces_the_lists_it_is_given(staff_api, registry):
    record = registry["brest_quimper"]

    body = send(
        staff_api,
        "patch",
        detail_url(record.slug),
        {
            "themes": ["economic-development"],
            "partners": [
                {"territory": "epci:244200770", "role": "lead"},
                {"territory": "epci:242900314"},
            ],
            "sources": [],
        },
    )

    assert [t["code"] for t in body["themes"]] == ["economic-development"]
    assert body["metropolis"]["code"] == "244200770"
    assert [(p["territory"]["code"], p["relation"]) for p in body["partners"]] == [
        ("244200770", "reference"),
        ("242900314", "other_region"),
    ]
    assert body["sources"] == []


def test_patch_dates(staff_api, registry):
    record = registry["saint_etienne_pole"]

    body = send(staff_api, "patch", detail_url(record.slug), {"start": "2011-05", "end": None})

    assert (body["start"], body["start_precision"]) == ("2011-05", "month")
    assert (body["end"], body["end_precision"]) == (None, None)


def test_patch_end_before_the_current_start_is_a_400(staff_api, registry):
    record = registry["brest_quimper"]  # starts on 4 Nov 2016

    body = send(staff_api, "patch", detail_url(record.slug), {"end": "2015"}, expected_status=400)

    assert list(body) == ["end"]
    record.refresh_from_db()
    assert record.end_date is None


def test_patch_to_a_taken_slug_is_a_400(staff_api, registry):
    record = registry["brest_quimper"]
    taken = registry["ocean_network"].slug

    body = send(staff_api, "patch", detail_url(record.slug), {"slug": taken}, expected_status=400)

    assert list(body) == ["slug"]


def test_put_requires_the_required_fields(staff_api, registry):
    record = registry["brest_quimper"]

    body = send(staff_api, "put", detail_url(record.slug), {"title": "Seul"}, expected_status=400)

    assert set(body) == {"instrument", "partners"}


def test_put_replaces_the_record(staff_api, registry):
    record = registry["brest_quimper"]

    body = send(staff_api, "put", detail_url(record.slug), payload(slug=record.slug))

    assert body["title"] == "Convention entre Brest et Saint-Étienne"
    assert len(body["partners"]) == 3
    assert [s["title"] for s in body["sources"]] == ["Communiqué"]


@pytest.mark.slow
def test_staff_publish_a_draft_and_the_public_then_sees_it(api, staff_api, registry):
    draft = registry["guipavas_draft"]
    assert api.get(detail_url(draft.slug)).status_code == 404

    send(staff_api, "patch", detail_url(draft.slug), {"is_published": True})

    assert send(api, "get", detail_url(draft.slug))["is_published"] is True


def test_writing_to_an_unknown_record_is_404(staff_api, registry):
    send(staff_api, "patch", detail_url("nothing-here"), {"title": "x"}, expected_status=404)
    send(staff_api, "delete", detail_url("nothing-here"), expected_status=404)


def test_staff_delete_a_cooperation_and_history_keeps_who(staff_api, staff_user, registry):
    record = registry["brest_quimper"]

    send(staff_api, "delete", detail_url(record.slug), expected_status=204)

    assert not Cooperation.objects.filter(pk=record.pk).exists()
    assert not Partnership.objects.filter(cooperation_id=record.pk).exists()
    deletion = Cooperation.history.get(id=record.pk, history_type="-")
    assert deletion.history_user == staff_user
    assert staff_api.get(detail_url(record.slug)).status_code == 404


# Partners ----------------------------------------------------------------------------------


def test_staff_add_a_partner(staff_api, staff_user, registry):
    record = registry["brest_quimper"]

    body = send(
        staff_api,
        "post",
        partners_url(record),
        {"territory": "commune:29019", "role": "associate"},
        expected_status=201,
    )

    assert body["territory"]["code"] == "29019"
    assert (body["role"], body["relation"]) == ("associate", "member")
    partnership = Partnership.objects.get(pk=body["id"])
    assert partnership.cooperation == record
    assert partnership.history.latest().history_user == staff_user
    assert len(send(staff_api, "get", partners_url(record))) == 4


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"territory": "epci:242900694"}, "territory"),  # already a partner
        ({"territory": "epci:000000000"}, "territory"),
        ({"territory": "nowhere"}, "territory"),
        ({}, "territory"),
        ({"territory": "commune:29019", "role": "boss"}, "role"),
    ],
)
def test_invalid_partner_is_a_400(staff_api, registry, data, field):
    record = registry["brest_quimper"]

    body = send(staff_api, "post", partners_url(record), data, expected_status=400)

    assert list(body) == [field]
    assert record.partnerships.count() == 3


def test_staff_change_a_partner_role_and_the_reference_metropolis_follows(staff_api, registry):
    record = registry["ocean_network"]  # Brest (lead), Saint-Étienne, Cork
    brest, saint_etienne = record.partnerships.order_by("position")[:2]

    send(staff_api, "patch", partners_url(record, brest.pk), {"role": "partner"})
    body = send(staff_api, "patch", partners_url(record, saint_etienne.pk), {"role": "lead"})

    assert body["role"] == "lead"
    assert body["relation"] == "reference"
    record.refresh_from_db()
    assert record.metropolis.code == "244200770"


def test_invalid_role_is_a_400(staff_api, registry):
    record = registry["ocean_network"]
    partner = record.partnerships.first()

    body = send(
        staff_api, "patch", partners_url(record, partner.pk), {"role": "boss"}, expected_status=400
    )

    assert list(body) == ["role"]


def test_a_partner_territory_cannot_be_replaced_in_place(staff_api, registry):
    record = registry["ocean_network"]
    partner = record.partnerships.first()

    send(staff_api, "put", partners_url(record, partner.pk), {"role": "lead"}, expected_status=405)


def test_staff_remove_a_partner(staff_api, staff_user, registry):
    record = registry["brest_quimper"]
    quimper = record.partnerships.get(territory__code="242900694")

    send(staff_api, "delete", partners_url(record, quimper.pk), expected_status=204)

    assert not Partnership.objects.filter(pk=quimper.pk).exists()
    assert Partnership.history.get(id=quimper.pk, history_type="-").history_user == staff_user


def test_removing_the_last_metropolis_is_a_400(staff_api, registry):
    record = registry["brest_quimper"]  # Brest Métropole is its only métropole
    brest = record.partnerships.get(role=PartnerRole.LEAD)

    body = send(staff_api, "delete", partners_url(record, brest.pk), expected_status=400)

    assert list(body) == ["partners"]
    assert Partnership.objects.filter(pk=brest.pk).exists()


def test_a_partner_of_another_record_is_404(staff_api, registry):
    other = registry["saint_etienne_pole"].partnerships.first()
    url = partners_url(registry["brest_quimper"], other.pk)

    send(staff_api, "patch", url, {"role": "lead"}, expected_status=404)
    send(staff_api, "delete", url, expected_status=404)
    assert Partnership.objects.filter(pk=other.pk, role=PartnerRole.LEAD).exists()


# Sources -----------------------------------------------------------------------------------


def test_staff_add_a_source(staff_api, staff_user, registry):
    record = registry["ocean_network"]
    updated_at = record.updated_at

    body = send(
        staff_api,
        "post",
        sources_url(record),
        {"title": "Rapport", "date": "2021-06", "url": "https://example.org/rapport"},
        expected_status=201,
    )

    assert body == {
        "id": body["id"],
        "title": "Rapport",
        "publisher": None,
        "date": "2021-06",
        "date_precision": "month",
        "url": "https://example.org/rapport",
        "note": None,
    }
    source = Source.objects.get(pk=body["id"])
    assert source.history.latest().history_user == staff_user
    record.refresh_from_db()
    assert record.updated_at > updated_at


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "2021"}, "title"),
        ({"title": "Rapport", "date": "2021-13"}, "date"),
        ({"title": "Rapport", "url": "pas une adresse"}, "url"),
    ],
)
def test_invalid_source_is_a_400(staff_api, registry, data, field):
    record = registry["ocean_network"]

    body = send(staff_api, "post", sources_url(record), data, expected_status=400)

    assert list(body) == [field]
    assert record.sources.count() == 1


def test_patch_a_source_keeps_the_fields_not_sent(staff_api, registry):
    record = registry["brest_quimper"]
    source = record.sources.get(title="Signature du contrat")

    body = send(staff_api, "patch", sources_url(record, source.pk), {"note": "Vérifié."})

    assert body["title"] == "Signature du contrat"
    assert body["publisher"] == "Localtis"
    assert body["date"] == "2016-11"
    assert body["note"] == "Vérifié."


def test_patch_a_source_with_a_bad_date_is_a_400(staff_api, registry):
    record = registry["brest_quimper"]
    source = record.sources.get(title="Signature du contrat")

    body = send(
        staff_api, "patch", sources_url(record, source.pk), {"date": "2016-13"}, expected_status=400
    )

    assert list(body) == ["date"]
    source.refresh_from_db()
    assert source.date == "2016-11"


def test_staff_remove_a_source(staff_api, staff_user, registry):
    record = registry["brest_quimper"]
    source = record.sources.first()

    send(staff_api, "delete", sources_url(record, source.pk), expected_status=204)

    assert not Source.objects.filter(pk=source.pk).exists()
    assert Source.history.get(id=source.pk, history_type="-").history_user == staff_user


def test_staff_write_to_an_unpublished_record(staff_api, registry):
    draft = registry["guipavas_draft"]

    send(staff_api, "post", sources_url(draft), {"title": "Note interne"}, expected_status=201)

    assert draft.sources.count() == 1


def test_options_describe_what_staff_send(staff_api, registry):
    body = send(staff_api, "options", LIST_URL)

    fields = body["actions"]["POST"]
    assert {"title", "instrument", "partners", "themes", "start", "sources"} <= set(fields)
    assert "instrument_label" not in fields
