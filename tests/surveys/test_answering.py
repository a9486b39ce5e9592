"""The officers' pages under /enquetes/: the list of campaigns, the answer page step by
step without JavaScript, submission and the receipt."""

import datetime
import html
import json
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from surveys.models import Response, ResponseStatus
from surveys.services.responses import (
    response_open,
    response_return,
    response_save,
    response_submit,
)
from tests.fixtures.surveys import complete_answers, make_campaign

NBSP = "\u00a0"


def answer_url(campaign, territory, step=None):
    url = reverse(
        "surveys:answer",
        kwargs={"campaign_id": campaign.pk, "kind": territory.kind, "code": territory.code},
    )
    return f"{url}?etape={step}" if step else url


def text_of(response) -> str:
    """The page's visible text, tags removed and blanks collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|template)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"</?(a|span|strong)\b[^>]*>", "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    for entity, char in (("&nbsp;", NBSP), ("&#x27;", "'"), ("&quot;", '"'), ("&amp;", "&")):
        text = text.replace(entity, char)
    return re.sub(r"[ \t\n]+", " ", text)


@pytest.fixture
def brest(brittany):
    return brittany["brest_metropole"]


@pytest.fixture
def draft(campaign, brest, brest_officer):
    return response_open(campaign=campaign, territory=brest, user=brest_officer)


@pytest.fixture
def officer_client(client, brest_officer):
    client.force_login(brest_officer)
    return client


NO_BASE = object()


def post_step(client, url, step, fields, *, version, action="save", base=NO_BASE):
    """Post a step as the form does; `base` is the step's saved answers the form started
    from (the `_base` field)."""
    data = {"_step": step, "_version": str(version), "_action": action, **fields}
    if base is not NO_BASE:
        data["_base"] = json.dumps(base)
    return client.post(url, data)


# The list of campaigns


def test_home_lists_each_territory_with_status_date_and_button(
    officer_client, campaign, brest, brest_officer, make_user, brittany
):
    saint_etienne = brittany["saint_etienne_metropole"]
    from surveys.services.responses import officer_add

    officer_add(user=brest_officer, territory=saint_etienne)
    response_open(campaign=campaign, territory=brest, user=brest_officer)

    page = officer_client.get(reverse("surveys:home"))

    assert page.status_code == 200
    text = text_of(page)
    assert "Campagnes en cours" in text
    assert campaign.title in text
    assert "Brest Métropole Brouillon" in text
    assert "par brest" in text
    assert "Saint-Étienne Métropole Non commencée" in text
    assert "Reprendre" in text and "Commencer" in text
    assert answer_url(campaign, brest) in page.content.decode()


@pytest.mark.parametrize(
    "status, button",
    [
        (ResponseStatus.SUBMITTED, "Consulter"),
        (ResponseStatus.RETURNED, "Reprendre"),
        (ResponseStatus.VALIDATED, "Consulter"),
    ],
)
def test_home_badge_and_button_follow_the_response_status(officer_client, draft, status, button):
    Response.objects.filter(pk=draft.pk).update(status=status)
    text = text_of(officer_client.get(reverse("surveys:home")))
    assert f"Brest Métropole {ResponseStatus(status).label}" in text
    assert button in text


def test_home_lists_closed_and_upcoming_campaigns_apart(officer_client, census, brest):
    today = timezone.localdate()
    make_campaign(
        census,
        [brest],
        title="Recensement 2018",
        opening=today - datetime.timedelta(days=400),
        closing=today - datetime.timedelta(days=300),
    )
    make_campaign(
        census,
        [brest],
        title="Recensement 2030",
        opening=today + datetime.timedelta(days=10),
        closing=today + datetime.timedelta(days=40),
    )

    text = text_of(officer_client.get(reverse("surveys:home")))

    current, _sep, other = text.partition("Campagnes à venir ou terminées")
    assert "Aucune campagne n’est ouverte" in current
    assert "Recensement 2018" in other and "Close depuis le" in other
    assert "Recensement 2030" in other and "Ouvrira le" in other
    assert "Commencer" not in other


def test_home_explains_when_the_officer_has_no_territory(client, make_user):
    client.force_login(make_user("nobody"))
    text = text_of(client.get(reverse("surveys:home")))
    assert "Aucun territoire ne vous est rattaché" in text
    assert "invitation" in text


def test_home_links_staff_to_the_review_pages(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("surveys:home"))
    assert 'href="/enquetes/revue/"' in page.content.decode()


def test_home_needs_an_account(client):
    page = client.get(reverse("surveys:home"))
    assert page.status_code == 302
    assert page["Location"].startswith("/compte/connexion/?next=/enquetes/")


def test_home_queries_stay_bounded(
    client, census, make_user, brittany, django_assert_max_num_queries
):
    territories = [brittany[key] for key in ("brest_metropole", "quimper_agglo", "finistere")]
    officer = make_user("many", territories=territories)
    for number in range(4):
        campaign = make_campaign(census, territories, title=f"Campagne {number}")
        response_open(campaign=campaign, territory=territories[0], user=officer)
    client.force_login(officer)
    # Session and user, territories, campaigns, their targets, responses.
    with django_assert_max_num_queries(7):
        page = client.get(reverse("surveys:home"))
    assert text_of(page).count("Non commencée") == 8


# Access


def test_answer_page_sends_anonymous_visitors_to_sign_in_and_back(client, campaign, brest):
    url = answer_url(campaign, brest)
    page = client.get(url)
    assert page.status_code == 302
    assert page["Location"] == f"/compte/connexion/?next={url}"


def test_officer_of_another_territory_gets_404(client, campaign, brest, make_user, brittany):
    client.force_login(make_user("stephanois", territories=[brittany["saint_etienne_metropole"]]))
    assert client.get(answer_url(campaign, brest)).status_code == 404
    assert not Response.objects.exists()


def test_territory_not_asked_by_the_campaign_is_404(client, campaign, make_user, brittany):
    quimper = brittany["quimper_agglo"]
    client.force_login(make_user("quimper", territories=[quimper]))
    assert client.get(answer_url(campaign, quimper)).status_code == 404


def test_staff_see_any_target_and_start_its_response_only_on_request(
    client, campaign, reviewer, brittany
):
    client.force_login(reviewer)
    url = answer_url(campaign, brittany["saint_etienne_metropole"])

    page = client.get(url)

    assert page.status_code == 200
    assert "Aucune réponse n’a été commencée pour ce territoire." in text_of(page)
    assert not Response.objects.exists()
    page = client.post(url, {"_action": "start"})
    assert page["Location"] == url
    assert Response.objects.get().last_saved_by == reviewer
    assert 'id="survey-form"' in client.get(url).content.decode()


def test_response_address_by_id_leads_to_its_answer_page(officer_client, draft, campaign, brest):
    page = officer_client.get(reverse("surveys:response", kwargs={"pk": draft.pk}))
    assert page["Location"] == answer_url(campaign, brest)


# First visit and pre-filling


def test_first_visit_creates_a_draft_prefilled_from_published_records_only(
    officer_client, campaign, brest, registry
):
    page = officer_client.get(answer_url(campaign, brest, "cooperations"))

    assert page.status_code == 200
    response = Response.objects.get()
    assert response.status == ResponseStatus.DRAFT
    entries = response.answers["cooperations"]
    assert [entry["_registry_slug"] for entry in entries] == [
        registry["brest_quimper"].slug,
        registry["ocean_network"].slug,
    ]
    first = entries[0]
    assert first["coop_title"] == "Contrat de réciprocité entre Brest et Quimper"
    assert first["coop_partners"] == ["epci:242900694", "grouping:PAYS-COB"]
    assert first["coop_instrument"] == "reciprocity_contract"
    assert first["coop_status"] == "active"
    assert first["coop_start_year"] == 2016
    text = text_of(page)
    assert text.count("Préremplie à partir du registre") == 2
    assert registry["brest_quimper"].get_absolute_url() in page.content.decode()
    assert "Entente entre Brest et Guipavas" not in text
    assert "Pôle métropolitain stéphanois" not in text


def test_second_visit_resumes_the_same_draft(officer_client, campaign, brest, registry):
    officer_client.get(answer_url(campaign, brest))
    response = Response.objects.get()
    response_save(
        response=response,
        answers={"respondent": {"respondent_name": "Anne"}},
        version=response.version,
        user=response.last_saved_by,
    )

    officer_client.get(answer_url(campaign, brest))

    assert Response.objects.count() == 1
    assert Response.objects.get().answers == {"respondent": {"respondent_name": "Anne"}}


# Steps


def test_each_section_is_a_step_with_stepper_and_progress(officer_client, draft, campaign, brest):
    text = text_of(officer_client.get(answer_url(campaign, brest)))
    assert f"Qui répond Étape 1 sur 4 Étape suivante{NBSP}: Les coopérations" in text
    # Name, role and the strategy question: the empty list of cooperations asks nothing.
    assert f"Questions obligatoires renseignées{NBSP}: 0 sur 3" in text

    text = text_of(officer_client.get(answer_url(campaign, brest, "verifier")))
    assert "Étape 4 sur 4" in text


def test_next_button_saves_then_opens_the_next_step(officer_client, draft, campaign, brest):
    url = answer_url(campaign, brest)
    page = post_step(
        officer_client,
        url,
        "respondent",
        {"respondent.respondent_name": "Anne Le Gall"},
        version=draft.version,
        action="goto:cooperations",
    )
    assert page.status_code == 302
    assert page["Location"] == answer_url(campaign, brest, "cooperations")
    draft.refresh_from_db()
    assert draft.answers["respondent"] == {"respondent_name": "Anne Le Gall"}


def test_save_button_confirms_with_the_time(officer_client, draft, campaign, brest):
    url = answer_url(campaign, brest)
    page = post_step(
        officer_client, url, "respondent", {"respondent.respondent_name": "Anne"}, version=1
    )
    page = officer_client.get(page["Location"])
    assert re.search(r"Brouillon enregistré à \d{1,2}\s+h\s+\d\d\.", text_of(page))
    assert 'name="_version" value="2"' in page.content.decode()


ALL_TYPES = {
    "slug": "tous-les-types",
    "version": 1,
    "title": {"fr": "Tous les types", "en": "Every type"},
    "sections": [
        {
            "code": "main",
            "title": {"fr": "Tout", "en": "All"},
            "questions": [
                {"code": "short", "type": "short_text", "label": {"fr": "Court", "en": "S"}},
                {"code": "long", "type": "long_text", "label": {"fr": "Long", "en": "L"}},
                {"code": "count", "type": "integer", "label": {"fr": "Nombre", "en": "N"}},
                {"code": "share", "type": "decimal", "label": {"fr": "Part", "en": "P"}},
                {"code": "day", "type": "date", "label": {"fr": "Jour", "en": "D"}},
                {"code": "year", "type": "year", "label": {"fr": "Année", "en": "Y"}},
                {
                    "code": "one",
                    "type": "single_choice",
                    "label": {"fr": "Un choix", "en": "One"},
                    "choices": [
                        {"value": "a", "label": {"fr": "A", "en": "A"}},
                        {"value": "b", "label": {"fr": "B", "en": "B"}},
                    ],
                },
                {
                    "code": "many",
                    "type": "multiple_choice",
                    "label": {"fr": "Plusieurs choix", "en": "Many"},
                    "choices": [
                        {"value": "x", "label": {"fr": "X", "en": "X"}},
                        {"value": "y", "label": {"fr": "Y", "en": "Y"}},
                        {"value": "z", "label": {"fr": "Z", "en": "Z"}},
                    ],
                },
                {"code": "yes", "type": "yes_no", "label": {"fr": "Oui ou non", "en": "Y/N"}},
                {"code": "site", "type": "url", "label": {"fr": "Site", "en": "Site"}},
                {"code": "place", "type": "territory", "label": {"fr": "Lieu", "en": "Place"}},
                {
                    "code": "places",
                    "type": "territory_list",
                    "label": {"fr": "Lieux", "en": "Places"},
                    "allow_other": True,
                },
            ],
        }
    ],
}


@pytest.fixture
def all_types_campaign(brest):
    from surveys.models import Questionnaire
    from surveys.services.responses import definition_checksum

    questionnaire = Questionnaire.objects.create(
        slug=ALL_TYPES["slug"],
        version=1,
        title_fr="Tous les types",
        title_en="Every type",
        definition=ALL_TYPES,
        checksum=definition_checksum(ALL_TYPES),
    )
    return make_campaign(questionnaire, [brest], title="Tous les types")


def test_draft_round_trip_for_every_question_type_without_javascript(
    officer_client, all_types_campaign, brest, brittany
):
    url = answer_url(all_types_campaign, brest)
    officer_client.get(url)
    page = post_step(
        officer_client,
        url,
        "main",
        {
            "main.short": "  Brest  ",
            "main.long": "Ligne 1\r\nLigne 2",
            "main.count": "12 000",
            "main.share": "12,5",
            "main.day": "04/11/2016",
            "main.year": "2016",
            "main.one": "b",
            "main.many": ["x", "z"],
            "main.yes": "false",
            "main.site": "https://www.brest.fr/",
            "main.place.0": "epci:242900694",
            "main.places.0": "commune:29019",
            "main.places.1.other_name": "PETR du Pays de Brest",
            "main.places.1.other_category": "PETR",
        },
        version=1,
    )
    assert page.status_code == 302, text_of(page)

    response = Response.objects.get()
    assert response.answers == {
        "main": {
            "short": "Brest",
            "long": "Ligne 1\nLigne 2",
            "count": 12000,
            "share": 12.5,
            "day": "2016-11-04",
            "year": 2016,
            "one": "b",
            "many": ["x", "z"],
            "yes": False,
            "site": "https://www.brest.fr/",
            "place": "epci:242900694",
            "places": [
                "commune:29019",
                {"other_name": "PETR du Pays de Brest", "other_category": "PETR"},
            ],
        }
    }

    html = officer_client.get(url).content.decode()
    assert 'name="main.short" type="text" value="Brest"' in html
    assert "Ligne 1\nLigne 2</textarea>" in html
    assert 'value="12000"' in html
    assert 'value="12.5"' in html
    assert 'type="date" value="2016-11-04"' in html
    assert 'value="2016"' in html
    assert re.search(r'name="main.one" value="b"\s+checked', html)
    assert re.search(r'name="main.many" value="x"\s+checked', html)
    assert not re.search(r'name="main.many" value="y"\s+checked', html)
    assert re.search(r'name="main.yes" value="false"\s+checked', html)
    assert 'value="https://www.brest.fr/"' in html
    assert 'name="main.place.0" value="epci:242900694"' in html
    assert "CA Quimper Bretagne Occidentale" in html
    assert 'name="main.places.0" value="commune:29019"' in html
    assert 'value="PETR du Pays de Brest"' in html
    assert '<option value="PETR" selected>' in html


def test_summary_shows_every_type_in_words(officer_client, all_types_campaign, brest):
    url = answer_url(all_types_campaign, brest)
    officer_client.get(url)
    response = Response.objects.get()
    response_save(
        response=response,
        answers={
            "main": {
                "share": 12.5,
                "day": "2016-11-04",
                "one": "b",
                "many": ["x", "z"],
                "yes": True,
                "places": ["commune:29019", {"other_name": "PETR X", "other_category": "PETR"}],
            }
        },
        version=1,
        user=response.last_saved_by,
    )
    text = text_of(officer_client.get(answer_url(all_types_campaign, brest, "verifier")))
    assert "Part 12,5" in text
    assert "Jour 4 novembre 2016" in text
    assert "Un choix B" in text
    assert "Plusieurs choix X, Z" in text
    assert "Oui ou non Oui" in text
    assert "Lieux Brest, PETR X (Pôle d’équilibre territorial et rural (PETR))" in text
    assert "Court Non renseigné" in text


def test_conditional_question_is_hidden_until_its_condition_holds(
    officer_client, draft, campaign, brest
):
    url = answer_url(campaign, brest, "approach")
    html = officer_client.get(url).content.decode()
    assert re.search(r'data-code="approach_strategy_description"[^>]*\bhidden\b', html, re.S)

    response_save(
        response=draft,
        answers={"approach": {"approach_strategy": True}},
        version=draft.version,
        user=draft.last_saved_by,
    )
    html = officer_client.get(url).content.decode()
    tag = re.search(r'<div[^>]*data-code="approach_strategy_description"[^>]*>', html, re.S)
    assert " hidden" not in tag.group(0)
    condition = re.search(r'data-show-if="([^"]*)"', tag.group(0)).group(1)
    assert json.loads(condition.replace("&quot;", '"')) == {
        "question": "approach_strategy",
        "in": [True],
    }


# Entries and partners


def test_add_and_remove_cooperation_entries(officer_client, draft, campaign, brest):
    url = answer_url(campaign, brest)
    page = post_step(
        officer_client, url, "cooperations", {}, version=1, action="add-entry:cooperations"
    )
    assert page["Location"].endswith("?etape=cooperations#entree-0")
    page = post_step(
        officer_client,
        url,
        "cooperations",
        {
            "cooperations.0._entry": Response.objects.get().answers["cooperations"][0]["_entry"],
            "cooperations.0.coop_title": "Première",
        },
        version=2,
        action="add-entry:cooperations",
    )
    entries = Response.objects.get().answers["cooperations"]
    assert [entry.get("coop_title") for entry in entries] == ["Première", None]
    assert entries[0]["_entry"] != entries[1]["_entry"]
    text = text_of(officer_client.get(answer_url(campaign, brest, "cooperations")))
    assert f"Coopération 1{NBSP}: Première" in text
    assert "Coopération 2" in text
    assert text.count("Supprimer cette coopération") == 2

    post_step(
        officer_client,
        url,
        "cooperations",
        {
            "cooperations.0._entry": entries[0]["_entry"],
            "cooperations.0.coop_title": "Première",
            "cooperations.1._entry": entries[1]["_entry"],
        },
        version=3,
        action="remove-entry:cooperations.0",
    )
    assert Response.objects.get().answers["cooperations"] == [{"_entry": entries[1]["_entry"]}]


def test_remove_a_partner_without_javascript(officer_client, draft, campaign, brest):
    url = answer_url(campaign, brest)
    post_step(
        officer_client,
        url,
        "cooperations",
        {
            "cooperations.0._entry": "c1",
            "cooperations.0.coop_partners.0": "epci:242900694",
            "cooperations.0.coop_partners.1": "commune:29019",
        },
        version=1,
        action="remove:cooperations.0.coop_partners.0",
    )
    assert Response.objects.get().answers["cooperations"] == [
        {"_entry": "c1", "coop_partners": ["commune:29019"]}
    ]


def test_territory_search_without_javascript_ignores_accents(
    officer_client, draft, campaign, brest
):
    url = answer_url(campaign, brest)
    fields = {"cooperations.0._entry": "c1", "cooperations.0.coop_title": "Pôle"}
    page = post_step(
        officer_client,
        url,
        "cooperations",
        {**fields, "cooperations.0.coop_partners._search": "saint etienne"},
        version=1,
        action="search:cooperations.0.coop_partners",
    )
    assert page.status_code == 302
    assert Response.objects.get().answers["cooperations"][0]["coop_title"] == "Pôle"

    page = officer_client.get(page["Location"])
    text = text_of(page)
    assert (
        "territoires trouvés pour « saint etienne »".replace(" »", f"{NBSP}»").replace(
            "« ", f"«{NBSP}"
        )
        in text
    )
    assert "Ajouter Saint-Étienne Métropole" in text
    assert "Ajouter Saint-Étienne " in text  # the commune too
    assert 'value="saint etienne"' in page.content.decode()

    page = post_step(
        officer_client,
        url,
        "cooperations",
        {**fields, "cooperations.0.coop_partners._add": ["epci:244200770"]},
        version=2,
        action="add:cooperations.0.coop_partners",
    )
    assert page["Location"].endswith("#q-cooperations-0-coop_partners")
    assert Response.objects.get().answers["cooperations"][0]["coop_partners"] == ["epci:244200770"]


def test_enter_in_a_search_box_searches_without_javascript(officer_client, draft, campaign, brest):
    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "cooperations",
        {"cooperations.0._entry": "c1", "cooperations.0.coop_partners._search": "quimper"},
        version=1,
    )
    assert "recherche=cooperations.0.coop_partners" in page["Location"]
    assert "Ajouter Quimper" in text_of(officer_client.get(page["Location"]))


def test_partner_absent_from_the_list_is_added_with_its_type(
    officer_client, draft, campaign, brest
):
    post_step(
        officer_client,
        answer_url(campaign, brest),
        "cooperations",
        {
            "cooperations.0._entry": "c1",
            "cooperations.0.coop_partners._other_name": "PETR du Pays de Morlaix",
            "cooperations.0.coop_partners._other_category": "PETR",
        },
        version=1,
        action="add:cooperations.0.coop_partners",
    )
    assert Response.objects.get().answers["cooperations"][0]["coop_partners"] == [
        {"other_name": "PETR du Pays de Morlaix", "other_category": "PETR"}
    ]


# Errors


def test_draft_with_a_bad_value_keeps_the_text_shows_the_error_and_saves_the_rest(
    officer_client, draft, campaign, brest
):
    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "cooperations",
        {
            "cooperations.0._entry": "c1",
            "cooperations.0.coop_title": "Contrat",
            "cooperations.0.coop_start_year": "deux mille seize",
        },
        version=1,
    )

    assert page.status_code == 400
    html = page.content.decode()
    text = text_of(page)
    assert 'value="deux mille seize"' in html
    assert "fr-input-group--error" in html
    assert "Certaines réponses sont à corriger" in text
    assert "Une année entre 1900 et 2100 est attendue." in text
    assert f"Vos autres réponses de cette étape sont enregistrées{NBSP}; celles signalées" in text
    assert 'href="#q-cooperations-0-coop_start_year"' in html
    assert f"Année de début (ou de signature) (Coopération 1{NBSP}: Contrat)" in text
    saved = Response.objects.get()
    assert saved.answers["cooperations"] == [{"_entry": "c1", "coop_title": "Contrat"}]
    assert f'name="_version" value="{saved.version}"' in html


def test_stale_version_shows_the_comparison_and_writes_nothing(
    officer_client, draft, campaign, brest, make_user
):
    colleague = make_user("colleague", territories=[brest])
    colleague.first_name, colleague.last_name = "Yann", "Kervella"
    colleague.save()
    response_save(
        response=draft,
        answers={"respondent": {"respondent_name": "Yann Kervella"}},
        version=1,
        user=colleague,
    )

    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Anne Le Gall", "respondent.respondent_role": "Cheffe"},
        version=1,
        base=None,
    )

    assert page.status_code == 409
    text = text_of(page)
    assert "Cette étape a été modifiée pendant que vous la remplissiez" in text
    assert "Yann Kervella a enregistré cette réponse à" in text
    assert "Nom et prénom Yann Kervella Anne Le Gall" in text
    assert "Fonction (sans réponse) Cheffe" in text
    assert "Garder mes réponses" in text and "Prendre la version enregistrée" in text
    html = page.content.decode()
    assert 'value="Anne Le Gall"' in html
    assert 'name="_version" value="2"' in html
    assert "data-conflict" in html
    saved = Response.objects.get()
    assert saved.version == 2
    assert saved.answers == {"respondent": {"respondent_name": "Yann Kervella"}}

    # "Keep mine": the same form, now on the saved version.
    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Anne Le Gall"},
        version=2,
    )
    assert page.status_code == 302
    assert Response.objects.get().answers["respondent"] == {"respondent_name": "Anne Le Gall"}


def test_stale_version_of_an_untouched_step_is_saved_onto_the_new_version(
    officer_client, draft, campaign, brest, make_user
):
    colleague = make_user("colleague", territories=[brest])
    response_save(
        response=draft,
        answers={"approach": {"approach_strategy": True}},
        version=1,
        user=colleague,
    )

    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Anne"},
        version=1,
        base=None,
    )

    assert page.status_code == 302
    assert Response.objects.get().answers == {
        "approach": {"approach_strategy": True},
        "respondent": {"respondent_name": "Anne"},
    }


# Submitting


def test_review_step_lists_missing_answers_with_links_to_their_step(
    officer_client, draft, campaign, brest
):
    page = officer_client.get(answer_url(campaign, brest, "verifier"))
    text = text_of(page)
    assert "Avant de transmettre, complétez ou corrigez ces réponses" in text
    assert f"Nom et prénom{NBSP}: Cette question est obligatoire." in text
    link = f"{answer_url(campaign, brest)}?etape=respondent&amp;controle=1"
    assert f'href="{link}#q-respondent-respondent_name"' in page.content.decode()
    assert "Transmettre la réponse" in text

    # The link opens the step with the same problems next to the fields.
    page = officer_client.get(answer_url(campaign, brest) + "?etape=respondent&controle=1")
    html = page.content.decode()
    assert "fr-input-group--error" in html
    assert 'href="#q-respondent-respondent_name"' in html
    assert text_of(page).count("Cette question est obligatoire.") == 4  # summary + fields


def test_submit_with_missing_answers_shows_the_errors_and_keeps_the_draft(
    officer_client, draft, campaign, brest
):
    page = officer_client.post(
        answer_url(campaign, brest), {"_step": "verifier", "_action": "submit", "_confirm": "1"}
    )
    assert page.status_code == 400
    assert "Cette question est obligatoire." in text_of(page)
    assert Response.objects.get().status == ResponseStatus.DRAFT
    assert not mail.outbox


def test_submit_needs_the_confirmation(officer_client, draft, campaign, brest):
    response_save(response=draft, answers=complete_answers(), version=1, user=draft.last_saved_by)
    page = officer_client.post(
        answer_url(campaign, brest), {"_step": "verifier", "_action": "submit"}
    )
    assert page.status_code == 400
    assert "Cochez la case pour confirmer la transmission." in text_of(page)
    assert Response.objects.get().status == ResponseStatus.DRAFT


def test_submit_leads_to_the_receipt_and_sends_it_by_email(
    officer_client, draft, campaign, brest, brest_officer, django_capture_on_commit_callbacks
):
    response_save(response=draft, answers=complete_answers(), version=1, user=brest_officer)

    with django_capture_on_commit_callbacks(execute=True):
        page = officer_client.post(
            answer_url(campaign, brest),
            {"_step": "verifier", "_action": "submit", "_confirm": "1"},
        )

    receipt_url = reverse(
        "surveys:receipt",
        kwargs={"campaign_id": campaign.pk, "kind": brest.kind, "code": brest.code},
    )
    assert page["Location"] == receipt_url
    assert Response.objects.get().status == ResponseStatus.SUBMITTED
    text = text_of(officer_client.get(receipt_url))
    assert "Votre réponse a bien été transmise" in text
    assert re.search(r"Transmise le \d{1,2}\s\w+\s\d{4} à \d{1,2}\s+h\s+\d\d", text)
    assert "Coopérations décrites 1" in text
    assert "Un accusé de réception a été envoyé par courriel à brest@example.org." in text
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["brest@example.org"]


def test_receipt_of_a_draft_leads_back_to_the_answer_page(officer_client, draft, campaign, brest):
    receipt_url = reverse(
        "surveys:receipt",
        kwargs={"campaign_id": campaign.pk, "kind": brest.kind, "code": brest.code},
    )
    assert officer_client.get(receipt_url)["Location"] == answer_url(campaign, brest)


def test_submitted_response_is_read_only(officer_client, draft, campaign, brest, brest_officer):
    saved = response_save(response=draft, answers=complete_answers(), version=1, user=brest_officer)
    response_submit(response=saved, user=brest_officer)

    page = officer_client.get(answer_url(campaign, brest, "respondent"))

    html = page.content.decode()
    text = text_of(page)
    assert "Réponse transmise" in text
    assert "Transmise le" in text
    assert "Nom et prénom Anne Le Gall" in text
    assert 'id="survey-form"' not in html
    assert "<input" not in html.split('id="content"')[1].split("</main>")[0]

    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Changement"},
        version=3,
    )
    assert page.status_code == 302
    assert Response.objects.get().answers == complete_answers()


def test_returned_response_shows_the_notes_and_is_editable_again(
    officer_client, draft, campaign, brest, brest_officer, reviewer
):
    saved = response_save(response=draft, answers=complete_answers(), version=1, user=brest_officer)
    submitted = response_submit(response=saved, user=brest_officer)
    response_return(response=submitted, reviewer=reviewer, notes="Précisez les partenaires.")

    page = officer_client.get(answer_url(campaign, brest))

    text = text_of(page)
    assert "Votre réponse vous a été renvoyée pour corrections" in text
    assert "Précisez les partenaires." in text
    assert "Renvoyée pour corrections" in text
    assert 'id="survey-form"' in page.content.decode()
    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "respondent",
        {"respondent.respondent_name": "Anne Le Gall", "respondent.respondent_role": "Cheffe"},
        version=Response.objects.get().version,
    )
    assert page.status_code == 302
    assert Response.objects.get().answers["respondent"]["respondent_role"] == "Cheffe"


def test_returned_response_stays_editable_after_the_closing_date(
    officer_client, draft, campaign, brest, brest_officer, reviewer
):
    saved = response_save(response=draft, answers=complete_answers(), version=1, user=brest_officer)
    submitted = response_submit(response=saved, user=brest_officer)
    response_return(response=submitted, reviewer=reviewer, notes="Précisez les partenaires.")
    campaign.opening_date = timezone.localdate() - datetime.timedelta(days=60)
    campaign.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    home = officer_client.get("/enquetes/")
    page = officer_client.get(answer_url(campaign, brest))

    assert "Reprendre" in text_of(home)
    assert "Précisez les partenaires." in text_of(page)
    assert 'id="survey-form"' in page.content.decode()


def test_closed_campaign_is_read_only_with_a_message(officer_client, draft, campaign, brest):
    campaign.opening_date = timezone.localdate() - datetime.timedelta(days=60)
    campaign.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    page = officer_client.get(answer_url(campaign, brest))

    assert "Cette campagne est close" in text_of(page)
    assert 'id="survey-form"' not in page.content.decode()


def test_closed_campaign_without_response_creates_nothing(officer_client, campaign, brest):
    campaign.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    campaign.opening_date = campaign.closing_date - datetime.timedelta(days=10)
    campaign.save()
    text = text_of(officer_client.get(answer_url(campaign, brest)))
    assert "Aucune réponse n’a été commencée pour ce territoire." in text
    assert not Response.objects.exists()


# Expired session


def test_step_posted_after_the_session_expired_comes_back_after_signing_in(
    client, draft, campaign, brest, brest_officer
):
    url = answer_url(campaign, brest)
    page = post_step(
        client, url, "respondent", {"respondent.respondent_name": "Texte tapé"}, version=1
    )

    # The sign-in page, carrying the step: nothing stored while signed out.
    assert page.status_code == 200
    assert "Votre session a expiré" in text_of(page)
    assert not Session.objects.exists()
    # Nothing but what the account pre-filled.
    assert Response.objects.get().answers == {
        "respondent": {"respondent_email": "brest@example.org"}
    }
    carried = re.search(r'name="pending_answers" value="([^"]*)"', page.content.decode())
    signed_in = client.post(
        f"/compte/connexion/?next={url}",
        {
            "username": "brest",
            "password": "x",
            "next": url,
            "pending_answers": html.unescape(carried.group(1)),
        },
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == url

    page = client.get(url)
    html_text = page.content.decode()
    assert 'value="Texte tapé"' in html_text
    assert "data-unsaved" in html_text
    assert "Votre session avait expiré" in text_of(page)
    page = post_step(
        client, url, "respondent", {"respondent.respondent_name": "Texte tapé"}, version=1
    )
    assert Response.objects.get().answers == {"respondent": {"respondent_name": "Texte tapé"}}


def test_a_wrong_password_keeps_the_carried_step(client, draft, campaign, brest, brest_officer):
    url = answer_url(campaign, brest)
    page = post_step(client, url, "respondent", {"respondent.respondent_name": "Anne"}, version=1)
    carried = html.unescape(
        re.search(r'name="pending_answers" value="([^"]*)"', page.content.decode()).group(1)
    )

    failed = client.post(
        "/compte/connexion/",
        {"username": "brest", "password": "faux", "next": url, "pending_answers": carried},
    )

    assert failed.status_code == 200
    assert html.escape(carried, quote=True) in failed.content.decode()


def test_a_carried_step_for_another_page_is_ignored(client, draft, campaign, brest, brest_officer):
    url = answer_url(campaign, brest)
    forged = json.dumps({"path": "/ailleurs/", "fields": {"respondent.respondent_name": ["x"]}})

    client.post(
        "/compte/connexion/",
        {"username": "brest", "password": "x", "next": url, "pending_answers": forged},
    )

    assert "surveys:pending-answers" not in client.session
    assert "Votre session avait expiré" not in text_of(client.get(url))


def test_a_large_signed_out_post_is_refused_and_writes_nothing(
    client, draft, campaign, brest, settings
):
    settings.SIGNED_OUT_ANSWERS_MAX_BYTES = 10_000
    fields = {f"respondent.field{n}": "x" * 100 for n in range(200)}

    page = post_step(client, answer_url(campaign, brest), "respondent", fields, version=1)

    assert page.status_code == 413
    assert "Rien n’a été enregistré" in text_of(page)
    assert not Session.objects.exists()


def test_a_signed_out_post_for_no_real_campaign_is_refused(client, campaign, brest):
    for url in (
        f"/enquetes/{campaign.pk + 100}/epci/242900314/",
        f"/enquetes/{campaign.pk}/epci/000000000/",
        f"/enquetes/{campaign.pk}/commune/29019/",  # a territory the campaign does not ask
    ):
        page = post_step(client, url, "respondent", {"respondent.respondent_name": "x"}, version=1)
        assert page.status_code == 404, url
    assert not Session.objects.exists()


def test_signed_out_posts_are_rate_limited_per_client(client, campaign, brest, settings):
    url = answer_url(campaign, brest)
    answers = [
        post_step(client, url, "respondent", {"respondent.respondent_name": "x"}, version=1)
        for _ in range(11)
    ]

    assert [a.status_code for a in answers] == [200] * 10 + [429]
    assert answers[-1]["Retry-After"]
    assert not Session.objects.exists()


def test_partner_absent_from_the_list_without_a_type_is_kept_with_an_error(
    officer_client, draft, campaign, brest
):
    page = post_step(
        officer_client,
        answer_url(campaign, brest),
        "cooperations",
        {
            "cooperations.0._entry": "c1",
            "cooperations.0.coop_title": "Contrat",
            "cooperations.0.coop_partners._other_name": "PETR du Pays de Morlaix",
        },
        version=1,
        action="add:cooperations.0.coop_partners",
    )
    assert page.status_code == 400
    assert "Indiquez le type du partenaire absent de la liste." in text_of(page)
    assert 'value="PETR du Pays de Morlaix"' in page.content.decode()
    assert Response.objects.get().answers["cooperations"] == [
        {"_entry": "c1", "coop_title": "Contrat"}
    ]


def test_step_forms_post_to_the_steps_own_url(client, campaign, brittany, brest_officer):
    """A step coming back with errors leaves the step's address in the address bar."""
    client.force_login(brest_officer)
    url = campaign.answer_url(brittany["brest_metropole"])
    for step in ("respondent", "cooperations", "verifier"):
        html = client.get(url, {"etape": step}).content.decode()
        assert f'action="{url}?etape={step}"' in html
    refused = client.post(f"{url}?etape=verifier", {"_step": "verifier", "_action": "submit"})
    assert refused.status_code == 400
    assert f'action="{url}?etape=verifier"' in refused.content.decode()


def test_long_text_shows_its_limit_and_an_over_long_answer_comes_back_whole(
    client, campaign, brittany, brest_officer
):
    from surveys.answering.answers import LONG_TEXT_MAX

    client.force_login(brest_officer)
    url = campaign.answer_url(brittany["brest_metropole"])
    html = client.get(url, {"etape": "approach"}).content.decode()
    assert f'maxlength="{LONG_TEXT_MAX}"' in html
    assert "data-counter-for=" in html
    saved = Response.objects.get()
    too_long = "é" * (LONG_TEXT_MAX + 5)
    page = client.post(
        f"{url}?etape=approach",
        {
            "_step": "approach",
            "_action": "save",
            "_version": saved.version,
            "approach.approach_expectations": too_long,
        },
    )
    assert page.status_code == 400
    html = page.content.decode()
    assert too_long in html  # whole, not cut
    name = html.index('name="approach.approach_expectations"')
    textarea = html[html.rfind("<textarea", 0, name) :]
    textarea = textarea[: textarea.index(">")]
    assert 'aria-invalid="true"' in textarea
    assert "maxlength" not in textarea
    assert "caractères au plus" in html
