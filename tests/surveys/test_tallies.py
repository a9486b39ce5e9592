"""The reviewers' page of a campaign's answers to its closed questions
(/enquetes/revue/campagnes/<id>/questions/) and its CSV, and the counting behind them
(surveys/tallies.py), against figures computed by hand."""

import csv
import io

import pytest
from django.urls import reverse

from surveys.definition import Question
from surveys.models import Response, ResponseStatus
from surveys.tallies import tally
from territories.models import TerritoryCategory, TerritoryKind
from tests.factories import TerritoryFactory
from tests.fixtures.surveys import make_campaign, make_responses

NBSP = "\u00a0"

# Six responses (the `approach` section only): by status, the yes/no `approach_strategy`
# and the multiple choice `approach_main_barriers`. "bureaucracy" is not a choice of the
# questionnaire (a stale value): counted once as « autre valeur ».
RESPONSES = [
    (
        ResponseStatus.SUBMITTED,
        {"approach_strategy": True, "approach_main_barriers": ["legal", "funding"]},
    ),
    (ResponseStatus.VALIDATED, {"approach_strategy": False, "approach_main_barriers": ["funding"]}),
    (
        ResponseStatus.SUBMITTED,
        {"approach_strategy": True, "approach_main_barriers": ["funding", "bureaucracy"]},
    ),
    (ResponseStatus.DRAFT, {"approach_strategy": True, "approach_main_barriers": ["legal"]}),
    (ResponseStatus.RETURNED, {}),
    (ResponseStatus.VALIDATED, {"approach_barriers_detail": "Rien de fermé."}),
]


@pytest.fixture
def tallied_campaign(census):
    territories = [
        TerritoryFactory(
            kind=TerritoryKind.EPCI,
            code=f"2000001{index:02d}",
            name=f"Agglomération {index}",
            category=TerritoryCategory.CA,
        )
        for index in range(len(RESPONSES))
    ]
    campaign = make_campaign(census, territories, title="Recensement 2025")
    for territory, (status, approach) in zip(territories, RESPONSES, strict=True):
        Response.objects.create(
            campaign=campaign,
            territory=territory,
            questionnaire=census,
            status=status,
            answers={"respondent": {"respondent_name": "X"}, "approach": approach},
        )
    return campaign


def page_url(campaign):
    return reverse("surveys:question_tallies", args=[campaign.pk])


def csv_url(campaign):
    return reverse("surveys:question_tallies_csv", args=[campaign.pk])


def figures(page_context) -> dict:
    """{question code: ({choice value: (count, share)}, answered, unanswered)}."""
    result = {}
    for section in page_context["sections"]:
        for question in section["tallies"]:
            result[question.question.code] = (
                {choice.csv_value: (choice.count, choice.share) for choice in question.rows},
                question.answered,
                question.unanswered,
            )
    return result


# The counting -------------------------------------------------------------------------------


def question(code, kind, choices=(), *, section="s", repeatable=False):
    return Question(
        section=section,
        code=code,
        type=kind,
        label={"fr": code, "en": code},
        help={},
        required=False,
        choices=tuple((value, {"fr": value, "en": value}) for value in choices),
        show_if=None,
        allow_other=False,
        repeatable=repeatable,
    )


def test_tally_counts_each_choice_among_those_that_answered():
    questions = [
        question("name", "short_text"),
        question("size", "single_choice", ["small", "large"]),
        question("tools", "multiple_choice", ["a", "b", "c"]),
        question("ok", "yes_no"),
        question("kind", "single_choice", ["x"], section="entries", repeatable=True),
    ]
    answers = [
        {"s": {"size": "small", "tools": ["a", "b"], "ok": True}},
        {"s": {"size": "large", "tools": ["a", "a"], "ok": 1}},  # 1 is not a yes/no answer
        {"s": {"size": "medium", "tools": [], "ok": None}},
        {"s": "not a section"},
        ["not", "answers"],
    ]

    size, tools, ok = tally(questions, answers)

    assert [q.question.code for q in (size, tools, ok)] == ["size", "tools", "ok"]
    assert (size.total, size.answered, size.unanswered) == (5, 3, 2)
    assert [(c.value, c.count, c.share) for c in size.rows] == [
        ("small", 1, 33),
        ("large", 1, 33),
        ("_other", 1, 33),
    ]
    assert (tools.answered, tools.is_multiple) == (2, True)
    # A value chosen twice in one response counts once; no unknown value, no « autre ».
    assert [(c.value, c.count, c.share) for c in tools.rows] == [
        ("a", 2, 100),
        ("b", 1, 50),
        ("c", 0, 0),
    ]
    assert ok.answered == 2
    assert [(c.csv_value, c.count) for c in ok.rows] == [("oui", 1), ("non", 0), ("_other", 1)]


def test_tally_of_no_response_is_zero_everywhere():
    (size,) = tally([question("size", "single_choice", ["small"])], [])
    assert (size.total, size.answered, size.rows[0].count, size.rows[0].share) == (0, 0, 0, 0)


# The page -----------------------------------------------------------------------------------


def test_by_default_the_submitted_and_validated_responses_are_counted(
    client, reviewer, tallied_campaign
):
    client.force_login(reviewer)
    page = client.get(page_url(tallied_campaign))

    assert page.status_code == 200
    assert page.context["counted"] == 4
    assert figures(page.context) == {
        "approach_strategy": ({"oui": (2, 67), "non": (1, 33)}, 3, 1),
        "approach_main_barriers": (
            {
                "legal": (1, 33),
                "funding": (3, 100),
                "skills": (0, 0),
                "governance": (0, 0),
                "other": (0, 0),
                "_other": (1, 33),
            },
            3,
            1,
        ),
    }
    html = page.content.decode()
    assert "4 réponses comptées." in html
    assert "Votre démarche d’alliance des territoires</h2>" in html
    assert "Principaux freins à la coopération" in html
    assert "100&nbsp;%" in html and "67&nbsp;%" in html
    assert f"les parts peuvent dépasser 100{NBSP}% au total" in html
    assert "Autre valeur" in html
    # The cooperations' questions are left out, and the page says so.
    assert 'data-question="coop_instrument"' not in html
    assert f"«{NBSP}Les coopérations{NBSP}»" in html


def test_validated_only(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    page = client.get(page_url(tallied_campaign), {"responses": "validated"})

    assert page.context["counted"] == 2
    result = figures(page.context)
    assert result["approach_strategy"] == ({"oui": (0, 0), "non": (1, 100)}, 1, 1)
    assert result["approach_main_barriers"][0]["funding"] == (1, 100)
    assert "_other" not in result["approach_main_barriers"][0]
    assert 'value="validated" selected' in page.content.decode()


def test_all_responses_including_drafts(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    page = client.get(page_url(tallied_campaign), {"responses": "all"})

    assert page.context["counted"] == 6
    result = figures(page.context)
    assert result["approach_strategy"] == ({"oui": (3, 75), "non": (1, 25)}, 4, 2)
    barriers, answered, unanswered = result["approach_main_barriers"]
    assert (answered, unanswered) == (4, 2)
    assert (barriers["legal"], barriers["funding"], barriers["_other"]) == (
        (2, 50),
        (3, 75),
        (1, 25),
    )


def test_an_unknown_filter_value_counts_the_default(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    page = client.get(page_url(tallied_campaign), {"responses": "everything"})
    assert page.status_code == 200
    assert page.context["counted"] == 4
    assert page.context["form"].errors


def test_a_campaign_without_counted_responses_says_so(client, reviewer, census, brittany):
    campaign = make_campaign(census, [brittany["brest_metropole"]])
    client.force_login(reviewer)
    html = client.get(page_url(campaign)).content.decode()
    assert "Aucune réponse de cette campagne ne correspond à ce filtre" in html
    assert 'id="tallies-empty"' in html
    assert "<table" not in html


def test_the_page_is_in_english_for_an_english_reader(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"
    html = client.get(page_url(tallied_campaign), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Main barriers to cooperation" in html
    assert "No dedicated, suitable funding" in html
    assert "4 responses counted." in html
    assert "Other value" in html
    assert "Principaux freins" not in html


@pytest.mark.parametrize("url", [page_url, csv_url])
def test_only_reviewers_see_the_tallies(client, brest_officer, tallied_campaign, url):
    address = url(tallied_campaign)
    anonymous = client.get(address)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    client.force_login(brest_officer)
    assert client.get(address).status_code == 403


def test_an_unknown_campaign_is_not_found(client, reviewer, db):
    client.force_login(reviewer)
    assert client.get(reverse("surveys:question_tallies", args=[999999])).status_code == 404


def test_the_page_links_to_its_csv_with_the_filter(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    html = client.get(page_url(tallied_campaign), {"responses": "all"}).content.decode()
    assert f'href="{csv_url(tallied_campaign)}?responses=all"' in html


def test_the_csv_has_one_line_per_question_and_choice(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    answer = client.get(csv_url(tallied_campaign))

    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert "questions-submitted" in answer["Content-Disposition"]
    body = answer.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:])))
    assert rows[0] == [
        "section",
        "question",
        "question_label",
        "choice",
        "choice_label",
        "count",
        "answered",
        "share",
    ]
    lines = {(row[1], row[3]): row for row in rows[1:]}
    assert set(lines) == {
        ("approach_strategy", "oui"),
        ("approach_strategy", "non"),
        ("approach_main_barriers", "legal"),
        ("approach_main_barriers", "funding"),
        ("approach_main_barriers", "skills"),
        ("approach_main_barriers", "governance"),
        ("approach_main_barriers", "other"),
        ("approach_main_barriers", "_other"),
    }
    assert lines[("approach_main_barriers", "funding")] == [
        "approach",
        "approach_main_barriers",
        "Principaux freins à la coopération",
        "funding",
        "Absence de financement dédié et adapté",
        "3",
        "3",
        "100",
    ]
    assert lines[("approach_strategy", "oui")][4:] == ["Oui", "2", "3", "67"]


def test_the_csv_follows_the_filter(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    body = client.get(csv_url(tallied_campaign), {"responses": "validated"}).content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    funding = next(row for row in rows if row[3] == "funding")
    assert funding[5:] == ["1", "1", "100"]


def test_the_campaign_list_and_the_coverage_link_to_the_page(client, reviewer, tallied_campaign):
    client.force_login(reviewer)
    link = f'href="{page_url(tallied_campaign)}"'
    assert link in client.get(reverse("surveys:review_campaigns")).content.decode()
    coverage = reverse("surveys:coverage", args=[tallied_campaign.pk])
    assert link in client.get(coverage).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_reads_the_same_number_of_queries_whatever_the_responses(
    client, reviewer, census, count, django_assert_max_num_queries
):
    answers = {"approach": {"approach_strategy": True, "approach_main_barriers": ["legal"]}}
    campaign = make_responses(census, count, answers)
    Response.objects.filter(campaign=campaign).update(status=ResponseStatus.SUBMITTED)
    client.force_login(reviewer)
    client.get(page_url(campaign))  # parses the questionnaire once for the process
    with django_assert_max_num_queries(4):  # session, user, campaign, answers
        page = client.get(page_url(campaign))
    assert page.context["counted"] == count
