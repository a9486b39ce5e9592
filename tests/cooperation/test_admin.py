"""The registry's admin pages, as reviewers use them."""

import pytest
from django.urls import reverse

from cooperation.models import (
    Cooperation,
    CooperationStatus,
    Instrument,
    Origin,
    PartnerRelation,
    PartnerRole,
    Partnership,
    Source,
)
from territories.models import Containment
from tests.admin_forms import management, territory_data

NO_METROPOLIS = "Une coopération compte au moins une métropole parmi ses partenaires."


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def changelist_url() -> str:
    return reverse("admin:cooperation_cooperation_changelist")


def change_url(cooperation: Cooperation) -> str:
    return reverse("admin:cooperation_cooperation_change", args=[cooperation.pk])


def form_data(*, cooperation=None, partners=(), sources=(), themes=(), **fields) -> dict:
    """POST data for the add or change form.

    `partners`: (territory, role, delete) for each partner row; existing rows first, matched
    to the record's partnerships by territory. `sources`: (title, date) for new rows.
    """
    data = {
        "title": "Coopération saisie dans l’admin",
        "slug": "cooperation-saisie-dans-l-admin",
        "instrument": Instrument.COOPERATION_AGREEMENT,
        "status": CooperationStatus.ACTIVE,
        "start": "",
        "end": "",
        "summary": "",
        "description": "",
        "governance": "",
        "engineering": "",
        "funding": "",
        "outcomes": "",
        "difficulties": "",
        "uncertainty_notes": "",
        "origin": Origin.MANUAL,
        "origin_label": "",
        "origin_url": "",
        "themes": [theme.pk for theme in themes],
    }
    if cooperation is not None:
        for name in data:
            if name not in ("themes", "start", "end") and hasattr(cooperation, name):
                data[name] = getattr(cooperation, name)
        data.update(start=cooperation.start, end=cooperation.end)
        if cooperation.is_published:
            data["is_published"] = "on"
    data.update(fields)
    existing = {p.territory_id: p for p in cooperation.partnerships.all()} if cooperation else {}
    initial = 0
    for index, (territory, role, delete) in enumerate(partners):
        prefix = f"partnerships-{index}"
        row = {
            f"{prefix}-territory": territory.pk,
            f"{prefix}-role": role,
            f"{prefix}-position": index,
        }
        if territory.pk in existing:
            initial += 1
            row[f"{prefix}-id"] = existing[territory.pk].pk
            row[f"{prefix}-cooperation"] = cooperation.pk
        if delete:
            row[f"{prefix}-DELETE"] = "on"
        data.update(row)
    data.update(management("partnerships", len(partners), initial))
    source_rows = list(cooperation.sources.all()) if cooperation else []
    for index, source in enumerate(source_rows):
        prefix = f"sources-{index}"
        data.update(
            {
                f"{prefix}-id": source.pk,
                f"{prefix}-cooperation": cooperation.pk,
                f"{prefix}-title": source.title,
                f"{prefix}-publisher": source.publisher,
                f"{prefix}-date": source.date,
                f"{prefix}-url": source.url,
                f"{prefix}-note": source.note,
                f"{prefix}-position": source.position,
            }
        )
    for offset, (title, date) in enumerate(sources):
        prefix = f"sources-{len(source_rows) + offset}"
        data.update(
            {
                f"{prefix}-title": title,
                f"{prefix}-publisher": "",
                f"{prefix}-date": date,
                f"{prefix}-url": "",
                f"{prefix}-note": "",
                f"{prefix}-position": len(source_rows) + offset,
            }
        )
    data.update(management("sources", len(source_rows) + len(sources), len(source_rows)))
    return data


def registry_state() -> tuple:
    return (
        sorted(Cooperation.objects.values_list("id", "title", "metropolis_id", "updated_at")),
        sorted(Partnership.objects.values_list("id", "territory_id", "role", "relation")),
        sorted(Source.objects.values_list("id", "title")),
        Cooperation.history.count(),
        Partnership.history.count(),
    )


# Pages open ------------------------------------------------------------------------------


def test_staff_opens_the_changelist_in_a_bounded_number_of_queries(
    staff_client, registry, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        response = staff_client.get(changelist_url())
    assert response.status_code == 200
    content = response.content.decode()
    for record in registry.values():
        assert record.title in content
    assert "4 novembre 2016" in content  # the start, at its precision
    assert "Brest Métropole" in content  # the reference métropole column and filter


def test_changelist_filters_by_reference_metropolis(staff_client, brittany, registry):
    response = staff_client.get(
        changelist_url(), {"metropolis": brittany["saint_etienne_metropole"].pk}
    )
    assert [c.title for c in response.context["cl"].result_list] == [
        registry["saint_etienne_pole"].title
    ]


def test_changelist_search_ignores_accents(staff_client, registry):
    response = staff_client.get(changelist_url(), {"q": "reseau oceanes"})
    assert [c.title for c in response.context["cl"].result_list] == [
        registry["ocean_network"].title
    ]
    response = staff_client.get(changelist_url(), {"q": "Réseau"})
    assert [c.title for c in response.context["cl"].result_list] == [
        registry["ocean_network"].title
    ]


def test_staff_opens_the_add_form(staff_client, themes):
    response = staff_client.get(reverse("admin:cooperation_cooperation_add"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "partnerships-TOTAL_FORMS" in content
    assert "sources-TOTAL_FORMS" in content
    assert "Mobilités" in content


def test_staff_opens_a_change_form_with_its_partners_and_sources(staff_client, registry):
    response = staff_client.get(change_url(registry["brest_quimper"]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "CA Quimper Bretagne Occidentale" in content
    assert "Même département" in content  # the computed relation, read-only
    assert "Signature du contrat" in content
    assert 'value="2016-11-04"' in content  # the start, at its precision
    assert 'value="2016-11"' in content  # the source date


def test_staff_opens_the_history_page(staff_client, registry):
    response = staff_client.get(
        reverse("admin:cooperation_cooperation_history", args=[registry["brest_quimper"].pk])
    )
    assert response.status_code == 200
    assert registry["brest_quimper"].title in response.content.decode()


def test_non_staff_is_sent_to_the_login_page(client, member_user, registry):
    client.force_login(member_user)
    response = client.get(changelist_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_login_page(client, registry):
    response = client.get(change_url(registry["brest_quimper"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_api_token_admin_page_loads_for_a_superuser(admin_client):
    assert admin_client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 200


def test_superuser_issues_an_api_token_in_the_admin(admin_client, staff_user):
    from rest_framework.authtoken.models import Token

    response = admin_client.post(reverse("admin:authtoken_tokenproxy_add"), {"user": staff_user.pk})
    assert response.status_code == 302
    assert Token.objects.filter(user=staff_user).exists()


def test_theme_admin_lists_themes_with_their_record_count(staff_client, registry):
    response = staff_client.get(reverse("admin:cooperation_theme_changelist"))
    assert response.status_code == 200
    counts = {t.code: t.cooperation_count for t in response.context["cl"].result_list}
    assert counts == {"mobility": 1, "tourism": 2, "economic-development": 1}


# Saving ----------------------------------------------------------------------------------


def test_adding_a_record_computes_metropolis_relations_and_search_text(
    staff_client, staff_user, brittany, themes
):
    data = form_data(
        partners=[
            (brittany["quimper_agglo"], PartnerRole.PARTNER, False),
            (brittany["brest_metropole"], PartnerRole.LEAD, False),
            (brittany["29019"], PartnerRole.ASSOCIATE, False),
        ],
        sources=[("Délibération", "2018-03")],
        themes=[themes["mobility"]],
        start="2018",
        end="2018-06",
        is_published="on",
    )
    response = staff_client.post(reverse("admin:cooperation_cooperation_add"), data)
    assert response.status_code == 302, response.context["errors"]
    cooperation = Cooperation.objects.get(slug="cooperation-saisie-dans-l-admin")
    assert cooperation.metropolis == brittany["brest_metropole"]
    assert dict(cooperation.partnerships.values_list("territory__name", "relation")) == {
        "Brest Métropole": PartnerRelation.REFERENCE,
        "CA Quimper Bretagne Occidentale": PartnerRelation.SAME_DEPARTMENT,
        "Brest": PartnerRelation.MEMBER,
    }
    assert "ca quimper bretagne occidentale" in cooperation.search_text
    assert (cooperation.start, cooperation.end, cooperation.start_precision) == (
        "2018",
        "2018-06",
        "year",
    )
    assert [(s.title, s.date) for s in cooperation.sources.all()] == [("Délibération", "2018-03")]
    assert [t.code for t in cooperation.themes.all()] == ["mobility"]
    assert cooperation.history.first().history_user == staff_user
    assert Partnership.history.first().history_user == staff_user


def test_changing_partners_recomputes_metropolis_and_relations(staff_client, brittany, registry):
    cooperation = registry["brest_quimper"]
    data = form_data(
        cooperation=cooperation,
        partners=[
            (brittany["brest_metropole"], PartnerRole.PARTNER, False),
            (brittany["quimper_agglo"], PartnerRole.PARTNER, True),
            (brittany["saint_etienne_metropole"], PartnerRole.LEAD, False),
        ],
    )
    response = staff_client.post(change_url(cooperation), data)
    assert response.status_code == 302, response.context["errors"]
    cooperation.refresh_from_db()
    assert cooperation.metropolis == brittany["saint_etienne_metropole"]
    assert dict(cooperation.partnerships.values_list("territory__name", "relation")) == {
        "Brest Métropole": PartnerRelation.OTHER_REGION,
        "Saint-Étienne Métropole": PartnerRelation.REFERENCE,
        "Pays du Centre Ouest Bretagne": PartnerRelation.OTHER_REGION,  # row left as it was
    }
    assert "quimper bretagne" not in cooperation.search_text


def test_removing_every_metropolis_shows_an_error_and_writes_nothing(
    staff_client, brittany, registry
):
    cooperation = registry["brest_quimper"]
    before = registry_state()
    data = form_data(
        cooperation=cooperation,
        title="Titre jamais enregistré",
        partners=[
            (brittany["brest_metropole"], PartnerRole.LEAD, True),
            (brittany["quimper_agglo"], PartnerRole.PARTNER, False),
        ],
    )
    response = staff_client.post(change_url(cooperation), data)
    assert response.status_code == 200
    assert NO_METROPOLIS in response.content.decode()
    assert registry_state() == before


def test_adding_without_metropolis_shows_the_error(staff_client, brittany):
    data = form_data(partners=[(brittany["quimper_agglo"], PartnerRole.LEAD, False)])
    response = staff_client.post(reverse("admin:cooperation_cooperation_add"), data)
    assert response.status_code == 200
    assert NO_METROPOLIS in response.content.decode()
    assert not Cooperation.objects.exists()


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"start": "2016-13"}, "start", "Date impossible"),
        ({"start": "16"}, "start", "AAAA, AAAA-MM ou AAAA-MM-JJ"),
        ({"start": "2019", "end": "2018-12"}, "end", "La fin précède le début."),
    ],
)
def test_bad_dates_show_a_field_error_and_write_nothing(
    staff_client, brittany, registry, dates, field, message
):
    cooperation = registry["brest_quimper"]
    before = registry_state()
    data = form_data(
        cooperation=cooperation,
        partners=[
            (brittany["brest_metropole"], PartnerRole.LEAD, False),
            (brittany["quimper_agglo"], PartnerRole.PARTNER, False),
        ],
        **dates,
    )
    response = staff_client.post(change_url(cooperation), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert registry_state() == before


def test_bad_source_date_shows_an_error(staff_client, brittany, registry):
    cooperation = registry["saint_etienne_pole"]
    data = form_data(
        cooperation=cooperation,
        partners=[(brittany["saint_etienne_metropole"], PartnerRole.LEAD, False)],
        sources=[("Article", "2016-02-30")],
    )
    response = staff_client.post(change_url(cooperation), data)
    assert response.status_code == 200
    assert "Date impossible" in response.content.decode()
    assert cooperation.sources.count() == 1


def test_deleting_in_the_admin_keeps_history_with_the_user(staff_client, staff_user, registry):
    cooperation = registry["brest_quimper"]
    response = staff_client.post(
        reverse("admin:cooperation_cooperation_delete", args=[cooperation.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Cooperation.objects.filter(pk=cooperation.pk).exists()
    assert Cooperation.history.filter(id=cooperation.pk).first().history_user == staff_user
    assert {
        h.history_user
        for h in Partnership.history.filter(cooperation_id=cooperation.pk, history_type="-")
    } == {staff_user}


# A grouping moved in the territories' admin ------------------------------------------


def test_moving_a_grouping_recomputes_the_relations_of_its_cooperations(
    staff_client, brittany, registry, pays_cob
):
    partnership = registry["brest_quimper"].partnerships.get(territory=pays_cob)
    assert partnership.relation == PartnerRelation.SAME_DEPARTMENT
    rows = list(Containment.objects.filter(content=pays_cob).order_by("pk"))
    data = territory_data(
        kind=pays_cob.kind,
        category=pays_cob.category,
        code=pays_cob.code,
        name=pays_cob.name,
        **management("containments_as_content", len(rows), len(rows)),
    )
    for index, row in enumerate(rows):
        data[f"containments_as_content-{index}-id"] = row.pk
        data[f"containments_as_content-{index}-content"] = pays_cob.pk
        data[f"containments_as_content-{index}-container"] = row.container_id
        if row.container_id == brittany["finistere"].pk:
            data[f"containments_as_content-{index}-DELETE"] = "on"
    url = reverse("admin:territories_territory_change", args=[pays_cob.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    partnership.refresh_from_db()
    assert partnership.relation == PartnerRelation.SAME_REGION


def test_territory_autocomplete_ignores_accents(staff_client, brittany, registry):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "cooperation",
            "model_name": "partnership",
            "field_name": "territory",
            "term": "saint etienne metropole",
        },
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["Saint-Étienne Métropole"]


def test_staff_with_token_permissions_opens_the_token_admin(client, staff_user):
    from django.contrib.auth.models import Permission

    staff_user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_tokenproxy", "add_tokenproxy"])
    )
    client.force_login(staff_user)
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200
    assert client.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 200


def test_reverting_from_the_history_page_keeps_derived_data_right(staff_client, brittany, registry):
    from cooperation.services import cooperation_update

    cooperation = registry["brest_quimper"]
    first_version = cooperation.history.earliest()
    cooperation_update(cooperation=cooperation, title="Titre modifié")
    url = reverse(
        "admin:cooperation_cooperation_simple_history",
        args=[cooperation.pk, first_version.history_id],
    )
    assert staff_client.get(url).status_code == 200
    data = form_data(cooperation=first_version.instance)
    data = {k: v for k, v in data.items() if not k.startswith(("partnerships-", "sources-"))}
    response = staff_client.post(url, data)
    assert response.status_code == 302
    cooperation.refresh_from_db()
    assert cooperation.title == "Contrat de réciprocité entre Brest et Quimper"
    assert cooperation.metropolis == brittany["brest_metropole"]
    assert "titre modifie" not in cooperation.search_text
    assert "contrat de reciprocite entre brest" in cooperation.search_text
